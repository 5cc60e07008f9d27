"""The WXR reader: versions 1.0–1.2, streaming, CDATA and UTF-8 edge cases, and the files
it must refuse (malformed, external entities, entity-expansion bombs)."""

import tracemalloc

import pytest

from articles.importers.wxr import Site, WpAuthor, WpItem, WpTerm, WxrError, read_wxr

from .conftest import fixture


def entries(name):
    return list(read_wxr(fixture(name)))


@pytest.mark.parametrize("name, version", [("wxr-1.0.xml", "1.0"), ("wxr-1.1.xml", "1.1"), ("classic.xml", "1.2"),
                                           ("block-editor.xml", "1.2")])
def test_every_version_is_read(name, version):
    found = entries(name)
    site = found[0]
    assert isinstance(site, Site) and site.wxr_version == version
    posts = [e for e in found if isinstance(e, WpItem) and e.post_type == "post"]
    assert posts and all(p.post_id and p.title and p.content for p in posts)


def test_wxr_1_0_categories_and_tags_come_from_domain_attributes():
    item = next(e for e in entries("wxr-1.0.xml") if isinstance(e, WpItem))
    assert item.terms_of("category") == [("hips", "Hips")]
    assert item.terms_of("post_tag") == [("arthritis", "Arthritis")]  # WXR 1.0 wrote domain="tag"
    assert not [e for e in entries("wxr-1.0.xml") if isinstance(e, WpAuthor)]


def test_wxr_1_1_authors_and_terms():
    found = entries("wxr-1.1.xml")
    assert [a.display_name for a in found if isinstance(a, WpAuthor)] == ["Prof Ada Obi"]
    assert {(t.taxonomy, t.slug) for t in found if isinstance(t, WpTerm)} == {("category", "hips"),
                                                                             ("post_tag", "arthritis")}


def test_item_fields_and_meta():
    items = {e.post_id: e for e in entries("classic.xml") if isinstance(e, WpItem)}
    post = items[101]
    assert (post.post_type, post.status, post.post_name, post.creator) == ("post", "publish", "sciatica-explained",
                                                                           "rnair")
    assert post.link == "https://old-spine.example/2024/01/sciatica-explained/"
    assert post.meta["_thumbnail_id"] == "201"
    assert post.terms_of("category") == [("sciatica", "Sciatica"), ("spine", "Spine & Back")]
    assert items[201].attachment_url.endswith("/2024/01/spine.jpg")


def test_cdata_split_and_utf8():
    post = next(e for e in entries("classic.xml") if isinstance(e, WpItem) and e.post_id == 104)
    assert "a ]]> b" in post.content  # "]]>" written as ]]]]><![CDATA[> by WordPress
    assert post.title == "Neck pain — 颈部疼痛 — ألم الرقبة 💪"
    assert "כאב צוואר" in post.content and "e&#769;" in post.content


def test_malformed_file_names_line_and_column():
    with pytest.raises(WxrError) as error:
        entries("malformed.xml")
    assert "line 9, column" in str(error.value) and "Nothing was imported" in str(error.value)


def test_external_entity_is_refused():
    with pytest.raises(WxrError, match="refused.*entities"):
        entries("xxe.xml")


def test_entity_expansion_bomb_is_refused():
    with pytest.raises(WxrError, match="refused"):
        entries("entity-bomb.xml")


def test_not_a_wordpress_export(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text("<html><body>hello</body></html>")
    with pytest.raises(WxrError, match="not a WordPress export"):
        entries(path)
    with pytest.raises(WxrError, match="cannot be read"):
        entries(tmp_path / "missing.xml")


def test_memory_stays_flat_while_streaming(tmp_path):
    """Reading 4,000 posts holds no more memory than reading 400: items are dropped once read."""
    from scripts.bench_import import write_export

    def peak(n):
        path = tmp_path / f"export-{n}.xml"
        write_export(path, n)
        tracemalloc.start()
        count = sum(1 for e in read_wxr(path) if isinstance(e, WpItem))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == n
        return top

    small, large = peak(400), peak(4000)
    assert large < small * 2, (small, large)
