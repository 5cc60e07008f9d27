"""The poisoned world of the XSS tests: payloads packed into published articles.

The payloads of ``xss_payloads.PAYLOADS`` are packed, each next to its marker word
``xssmarkNNN``, into ``PACKS`` of one to five (as many as fit a 200-character title).
:func:`build_world` makes, per pack, one *published* article (public pages read the
published version, so everything is set before ``make_live``) with:

* the whole pack in the title, the image alt text and caption (a real JPEG), and the
  lead (a paragraph per payload, then all of them inside one sentence);
* per payload: a section with the payload inside a sentence (its heading has the word
  "sentence": a search for it finds every pack, on SQLite and on PostgreSQL), a section
  whose heading and body are the payload, a structured reference (authors, title,
  journal, volume, issue, pages; ``url`` from ``URL_PAYLOADS``, values that pass
  ``URLValidator``), a free-text ``citation_text`` reference, and a tag;
* its own category (name, description) and author (name, credentials, professional
  title, short bio, bio, specialties, and ``URL_PAYLOADS`` in website, ORCID and profile
  URL); the next pack's author is its medical reviewer.

After publishing, the working copy is revised (the admin preview shows the working copy
and the version diff has changed lines), and one more article has its title changed
through every payload, so its admin history lists them all. Values are cut to the
column's ``max_length``, as the database holds them.

Used by ``test_xss_corpus.py`` (server side) and ``test_xss_browser.py`` (Chromium).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Value
from django.db.models.functions import Concat

from articles.models import Article, Reference, Section
from authors.models import Author
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    DailyViewsFactory,
    ReferenceFactory,
    ReviewerFactory,
    SectionFactory,
    make_live,
    published_article,
    uploaded_image,
)
from tests.security.html_scan import marker
from tests.security.xss_payloads import PAYLOADS, URL_PAYLOADS, Payload

INDEXED = list(enumerate(PAYLOADS))
NAMES = {index: payload.id for index, payload in INDEXED}


def labelled(index: int, payload: Payload) -> str:
    return f"{marker(index)} {payload.text}"


def pack(items, capacity: int) -> list[list[tuple[int, Payload]]]:
    """First-fit decreasing: as few groups as possible whose labelled payloads, joined by
    spaces, fit ``capacity`` characters (each group in corpus order)."""
    bins: list[list] = []
    for index, payload in sorted(items, key=lambda item: -len(item[1].text)):
        size = len(labelled(index, payload))
        for b in bins:
            if b[0] + 1 + size <= capacity:
                b[0] += 1 + size
                b[1].append((index, payload))
                break
        else:
            bins.append([size, [(index, payload)]])
    return [sorted(b[1], key=lambda item: item[0]) for b in bins]


PACKS = pack(INDEXED, 190)  # a 200-character title, with room for " (revised)"
PACK_IDS = ["+".join(p.id for _, p in items) for items in PACKS]

def fit(text: str, limit: int) -> str:
    return text[:limit]


@dataclass
class PackWorld:
    number: int
    items: list[tuple[int, Payload]]
    article: Article
    author: Author
    tag_ids: list[int]
    tag_slugs: list[str]

    @property
    def marks(self) -> list[str]:
        return [marker(index) for index, _ in self.items]

    @property
    def owner(self) -> str:
        return "+".join(payload.id for _, payload in self.items)


@dataclass
class World:
    packs: list[PackWorld]
    history_article: Article

    @property
    def marks(self) -> list[str]:
        return [marker(index) for index, _ in INDEXED]


def joined(items) -> str:
    return " ".join(labelled(index, payload) for index, payload in items)


def paragraphs(items) -> str:
    return "\n\n".join(labelled(index, payload) for index, payload in items)


def build_world() -> World:
    values = [joined(items) for items in PACKS]
    authors = []
    for number, value in enumerate(values):
        url = URL_PAYLOADS[number % len(URL_PAYLOADS)].text
        authors.append(ReviewerFactory(
            name=fit(value, 120), slug=f"author-{number:02d}", credentials=fit(value, 200),
            professional_title=fit(value, 200), short_bio=fit(value, 600), bio=paragraphs(PACKS[number]),
            specialties=fit(f"Spine, {value}", 300), website=url, orcid=url, profile_url=url,
        ))
    packs = []
    for number, items in enumerate(PACKS):
        value = values[number]
        category = CategoryFactory(name=fit(value, 80), slug=f"cat-{number:02d}", description=value,
                                   position=number)
        article = ArticleFactory(
            title=value, slug=f"pack-{number:02d}", category=category, author=authors[number], is_featured=True,
            lead=paragraphs(items) + "\n\nIn a sentence: " + " and ".join(p.text for _, p in items) + ".",
            featured_image=uploaded_image(f"pack-{number:02d}.jpg"), image_alt=fit(value, 250),
            image_caption=fit(value, 300),
        )
        for position, (index, payload) in enumerate(items):
            text = labelled(index, payload)
            # The sentence section first: PostgreSQL's text-search parser drops what follows some
            # markup-like text (e.g. "<math>…<style>") in a plain-text heading, so the word
            # "sentence" must come before any payload to be indexed.
            SectionFactory(article=article, position=2 * position, heading=f"Payload in a sentence {marker(index)}",
                           body=f"Text before {payload.text} and after, {marker(index)}.")
            SectionFactory(article=article, position=2 * position + 1, heading=fit(text, 200), body=text)
            ReferenceFactory(article=article, position=2 * position, authors=fit(text, 500), title=fit(text, 500),
                             journal=fit(text, 300), volume=fit(text, 30), issue=fit(text, 30), pages=fit(text, 40),
                             year=2020, url=URL_PAYLOADS[index % len(URL_PAYLOADS)].text)
            ReferenceFactory(article=article, position=2 * position + 1, authors="", title="", journal="",
                             year=None, volume="", pages="", citation_text=text)
            article.tags.add(fit(text, 100))
        make_live(article, reviewer=authors[(number + 1) % len(authors)])
        DailyViewsFactory(article=article, views=number + 1)
        revise(article)
        tags = list(article.tags.order_by("name"))
        packs.append(PackWorld(number, items, article, authors[number], [t.pk for t in tags], [t.slug for t in tags]))

    history_article = published_article(title="History of titles", tags=())
    for index, payload in INDEXED:
        history_article.title = fit(labelled(index, payload), 200)
        history_article.save()
    return World(packs, history_article)


def revise(article: Article) -> None:
    """Change the working copy after publishing (the live version keeps the original)."""
    for name in ("title", "image_alt", "image_caption"):
        setattr(article, name, getattr(article, name) + " (revised)")
    article.lead = "Revised.\n\n" + article.lead
    article.save()
    Section.objects.filter(article=article).update(body=Concat(Value("Revised.\n\n"), "body"))
    Reference.objects.filter(article=article).exclude(title="").update(title=Concat("title", Value(" (revised)")))
    Reference.objects.filter(article=article, title="").update(
        citation_text=Concat("citation_text", Value(" (revised)")))


