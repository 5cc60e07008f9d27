"""Where an imported post is filed and found: categories, tags and authors (reused when they
exist, created when they do not) and the old WordPress addresses that lead to the new rows.

A mixin of :class:`articles.importers.services.WordPressImporter`: it uses the importer's
``scan`` (what the export declares), ``counts`` (of the post in progress) and caches.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.utils.text import slugify
from taggit.models import Tag

from .. import rendering, services
from ..models import Article, Category
from .models import LegacyPath
from .report import PostNote
from .wxr import WpAuthor, WpItem, WpTerm

FALLBACK_AUTHOR_SLUG = "wordpress-import"
FALLBACK_CATEGORY = ("uncategorized", "Uncategorized")


def old_path(url: str) -> str:
    """The path (and a ``?p=``-style query) of an old address, percent-decoded as Django's request.path is."""
    parts = urlsplit((url or "").strip())
    path = unquote(parts.path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    if parts.query and path == "/":
        return f"/?{parts.query}"
    return path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"


class TermsAndAddresses:
    # --- categories, tags, authors ----------------------------------------------------------------
    def _term(self, taxonomy: str, slug: str, name: str) -> WpTerm:
        return self.scan.terms.get((taxonomy, slug)) or WpTerm(taxonomy, slug, name)

    def _category(self, slug: str, name: str) -> Category:
        if slug in self._categories:
            return self._categories[slug]
        term = self._term("category", slug, name)
        ours = slugify(unquote(term.slug))[:90].strip("-") or slugify(term.name)[:90].strip("-") or "category"
        category = Category.objects.filter(slug=ours).first()
        if category is None:
            category = Category(name=(rendering.plain_text(term.name) or ours)[:80], slug=ours,
                                description=rendering.plain_text(term.description))
            services.category_update(category=category, by=None)
            self.counts["categories", "created"] += 1
        else:
            self.counts["categories", "reused"] += 1
        self._categories[slug] = category
        self._category_archive(term, category)
        return category

    def _category_archive(self, term: WpTerm, category: Category) -> None:
        chain, seen, current = [], set(), term
        while current is not None and current.slug and current.slug not in seen:
            seen.add(current.slug)
            chain.insert(0, current.slug)
            current = self.scan.terms.get(("category", current.parent)) if current.parent else None
        path = self._blog_path() + "/category/" + "/".join(unquote(part) for part in chain) + "/"
        if path != category.get_absolute_url():
            self._legacy_path(path, category=category)

    def _category_for(self, item: WpItem, note: PostNote) -> Category:
        terms = item.terms_of("category")
        primary = item.meta.get("_yoast_wpseo_primary_category", "").strip()
        if not terms:
            note.warnings.append("The post has no category: put in “Uncategorized”.")
            return self._category(*FALLBACK_CATEGORY)
        if primary:
            by_id = [t for t in terms if t[0] == primary]
            terms = by_id + [t for t in terms if t not in by_id]
        category = self._category(*terms[0])
        if len(terms) > 1:
            note.warnings.append(f"The post is in {len(terms)} categories; a Bonespine article has one: "
                                 f"“{category.name}” (others: {', '.join(name for _, name in terms[1:])}).")
            for slug, name in terms[1:]:
                self._category(slug, name)  # their archive addresses still redirect
        return category

    def _tags_for(self, item: WpItem) -> list[Tag]:
        tags = []
        for slug, name in item.terms_of("post_tag"):
            if slug not in self._tags:
                term = self._term("post_tag", slug, name)
                name = (rendering.plain_text(term.name) or unquote(slug))[:100]
                tag_slug = slugify(unquote(slug), allow_unicode=True)[:100] or slugify(name, allow_unicode=True)[:100]
                tag = Tag.objects.filter(slug=tag_slug).first() or Tag.objects.filter(name__iexact=name).first()
                if tag is None:
                    tag = Tag.objects.create(name=name, slug=tag_slug or f"tag-{Tag.objects.count() + 1}")
                    self.counts["tags", "created"] += 1
                else:
                    self.counts["tags", "reused"] += 1
                self._tags[slug] = tag
                path = self._blog_path() + f"/tag/{unquote(slug)}/"
                self._legacy_path(path, tag=tag)
            tags.append(self._tags[slug])
        return tags

    def _author_for(self, item: WpItem, note: PostNote):
        from authors.models import Author

        login = item.creator or ""
        if login in self._authors:
            return self._authors[login]
        if login in self.author_map:
            author = Author.objects.get(slug=self.author_map[login])
            self.counts["authors", "reused"] += 1
        else:
            wp = self.scan.authors.get(login) or WpAuthor(login=login)
            name = wp.display_name or " ".join(p for p in (wp.first_name, wp.last_name) if p) or login
            if not name:
                name, login_slug = "WordPress import", FALLBACK_AUTHOR_SLUG
                note.warnings.append("The post has no author: “WordPress import” was used; choose the real author.")
            else:
                login_slug = slugify(login)[:140] or slugify(name)[:140] or FALLBACK_AUTHOR_SLUG
            author = Author.objects.filter(slug=login_slug).first()
            if author is None:
                author = Author(name=rendering.plain_text(name)[:120], slug=login_slug)
                author.full_clean()
                author.save()
                self.counts["authors", "created"] += 1
            else:
                self.counts["authors", "reused"] += 1
        self._authors[login] = author
        return author

    # --- old addresses ------------------------------------------------------------------------
    def _blog_path(self) -> str:
        base = self.scan.site.base_blog_url or self.scan.site.link or ""
        return unquote(urlsplit(base).path).rstrip("/")

    def _legacy_paths(self, item: WpItem, article: Article) -> None:
        paths = {old_path(item.link)} if item.link else set()
        if item.guid and "?p=" in item.guid:
            paths.add(old_path(item.guid))
        paths.add(old_path(f"/?p={item.post_id}"))
        for path in sorted(paths):
            if path != article.get_absolute_url() and path != "/":
                self._legacy_path(path, article=article)

    def _legacy_path(self, path: str, **target) -> None:
        path = path[:500]
        existing = LegacyPath.objects.filter(path=path).first()
        if existing is None:
            LegacyPath.objects.create(path=path, **target)
            self.counts["redirects", "created"] += 1
            return
        (kind, row), = target.items()
        if getattr(existing, f"{kind}_id") != row.pk:
            for name in ("article", "category", "tag"):
                setattr(existing, name, row if name == kind else None)
            existing.save()
            self.counts["redirects", "updated"] += 1
