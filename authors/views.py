from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles import pagecache, selectors


@require_safe
def author_detail(request, slug):
    author = pagecache.site_row(request, f"author|{slug}", lambda: selectors.author_for_page(slug=slug))
    pagecache.page_shows(request, f"author:{author.pk}", pagecache.SIDEBAR)
    # The lists of articles written and reviewed are a cached fragment (author_articles).
    return render(request, "authors/author_detail.html", {"author": author})
