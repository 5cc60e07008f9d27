from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles import pagecache, selectors

from .models import Author


@require_safe
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    pagecache.page_shows(request, f"author:{author.pk}", pagecache.SIDEBAR)
    return render(
        request,
        "authors/author_detail.html",
        {
            "author": author,
            "written": selectors.author_articles(author=author)[:50],
            "reviewed": selectors.author_reviewed_articles(author=author)[:50],
        },
    )
