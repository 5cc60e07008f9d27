"""Helpers for the WordPress importer tests: the fixture files (tests/fixtures/wordpress/,
written for these tests) and a copied wp-content/uploads tree built per test."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from tests.factories import image_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress"


def fixture(name: str) -> Path:
    return FIXTURES / name


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_wordpress", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A wp-content/uploads copy: a JPEG with GPS-like EXIF (2024/01/spine.jpg), a "PNG" that
    is really text (2024/03/bones.png); 2024/04/neck.webp is missing on purpose."""
    root = tmp_path / "uploads"
    (root / "2024" / "01").mkdir(parents=True)
    (root / "2024" / "03").mkdir(parents=True)
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription: must not survive
    (root / "2024" / "01" / "spine.jpg").write_bytes(image_bytes("JPEG", size=(120, 80), exif=exif))
    (root / "2024" / "03" / "bones.png").write_bytes(b"this is not a picture at all")
    (tmp_path / "outside.jpg").write_bytes(image_bytes("JPEG"))
    return root
