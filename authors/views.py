from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles import pagecache

from .models import Author


@require_safe
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    pagecache.page_shows(request, f"author:{author.pk}", pagecache.SIDEBAR)
    # The lists of articles written and reviewed are a cached fragment (author_articles).
    return render(request, "authors/author_detail.html", {"author": author})
