"""Files that must never be stored as a picture, built in memory (no fixtures on disk).

Each :class:`BadFile` has the name a browser would send, its bytes, its content type
(what a client claims; the site must not trust it) and ``message``: the text of the
form error a person sees in the admin when it is refused.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

# The messages an editor sees (issue 14: the site's own, never Django's generic ones).
NOT_AN_IMAGE = "This file is not a valid image (or it is damaged). Upload a JPEG, PNG or WebP picture."
BOMB = "This picture is too large to process safely (30000×30000 pixels; the limit is 40 megapixels)."
NOT_ALLOWED = "Only JPEG, PNG and WebP pictures can be uploaded (this file is {kind})."
UNSUPPORTED = NOT_ALLOWED.replace("{kind}", "a {fmt}")
BAD_EXTENSION = NOT_ALLOWED.replace("{kind}", "a .{ext} file")
SVG = "SVG drawings are not accepted; export the picture as PNG."
ANIMATED = "Animated images are not supported; upload a still JPEG, PNG or WebP."
EMPTY = "The submitted file is empty."

@dataclass(frozen=True)
class BadFile:
    id: str
    name: str
    content: bytes
    content_type: str
    message: str | None  # None: refused, but the message is checked by its own test

    def __str__(self) -> str:
        return self.id


def picture(fmt: str, size=(40, 30), mode="RGB", color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, fmt)
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A 1-bit PNG whose header declares ``width``×``height`` pixels (900 megapixels): a few
    hundred bytes that would need ~100 MB to decode. Only the header is real, which is all
    a size check may read."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = zlib.compress(row * 64, 9)  # the first rows only: enough to open, never to decode
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def animated(fmt: str) -> bytes:
    """Two frames of different colours: an animated WebP, or an APNG for fmt="PNG"."""
    frames = [Image.new("RGB", (40, 30), color) for color in ((200, 30, 30), (30, 30, 200))]
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


def noise_png(side: int) -> bytes:
    """A valid PNG that does not compress: ``side``² × 3 bytes, about."""
    buf = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buf, "PNG", compress_level=1)
    return buf.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
    b'onload="window.__xss=1"><script>window.__xss=1</script><rect width="10" height="10"/></svg>'
)
HTML_PAGE = b"<!doctype html><html><body><script>window.__xss=1</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"
JPEG = picture("JPEG")
PNG = picture("PNG")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

BAD_FILES: list[BadFile] = [
    BadFile("svg-with-script", "logo.svg", SVG_WITH_SCRIPT, "image/svg+xml", SVG),
    BadFile("svg-renamed-jpg", "logo.jpg", SVG_WITH_SCRIPT, "image/jpeg", SVG),
    BadFile("svg-renamed-png-no-xml-declaration", "logo.png", SVG_WITH_SCRIPT.split(b"\n", 1)[1], "image/png", SVG),
    BadFile("html-renamed-jpg", "photo.jpg", HTML_PAGE, "image/jpeg", NOT_AN_IMAGE),
    BadFile("php-gif-polyglot", "avatar.gif", b"GIF89a" + PHP, "image/gif", BAD_EXTENSION.format(ext="gif")),
    BadFile("php-in-valid-gif", "avatar.gif", picture("GIF", mode="P", color=1) + PHP, "image/gif",
            BAD_EXTENSION.format(ext="gif")),
    BadFile("valid-gif-renamed-png", "avatar.png", picture("GIF", mode="P", color=1), "image/png",
            UNSUPPORTED.format(fmt="GIF")),
    BadFile("php-extension", "shell.php", JPEG, "image/jpeg", BAD_EXTENSION.format(ext="php")),
    BadFile("html-extension", "photo.jpg.html", JPEG, "text/html", BAD_EXTENSION.format(ext="html")),
    BadFile("no-extension", "photo", JPEG, "image/jpeg",
            NOT_ALLOWED.format(kind="a file without a .jpg, .png or .webp ending")),
    BadFile("truncated-jpeg", "cut.jpg", JPEG[: len(JPEG) // 2], "image/jpeg", NOT_AN_IMAGE),
    BadFile("truncated-png", "cut.png", PNG[: len(PNG) // 2], "image/png", NOT_AN_IMAGE),
    BadFile("empty", "empty.jpg", b"", "image/jpeg", EMPTY),
    BadFile("gif", "anim.gif", picture("GIF", mode="P", color=1), "image/gif", BAD_EXTENSION.format(ext="gif")),
    BadFile("bmp", "scan.bmp", picture("BMP"), "image/bmp", BAD_EXTENSION.format(ext="bmp")),
    BadFile("bmp-renamed-jpg", "scan.jpg", picture("BMP"), "image/jpeg", UNSUPPORTED.format(fmt="BMP")),
    BadFile("tiff", "scan.tiff", picture("TIFF"), "image/tiff", BAD_EXTENSION.format(ext="tiff")),
    BadFile("tiff-renamed-png", "scan.png", picture("TIFF"), "image/png", UNSUPPORTED.format(fmt="TIFF")),
    BadFile("decompression-bomb", "huge.png", png_bomb(), "image/png", BOMB),
    BadFile("animated-webp", "moving.webp", animated("WEBP"), "image/webp", ANIMATED),
    BadFile("apng", "moving.png", animated("PNG"), "image/png", ANIMATED),
    BadFile("text-named-png", "notes.png", b"Patient notes, not a picture.\n" * 20, "image/png", NOT_AN_IMAGE),
    BadFile("pdf", "report.pdf", PDF, "application/pdf", BAD_EXTENSION.format(ext="pdf")),
    BadFile("pdf-renamed-jpg", "report.jpg", PDF, "image/jpeg", NOT_AN_IMAGE),
]

# A real JPEG followed by an HTML page: Pillow reads the picture and ignores the rest, so
# the upload is accepted; the stored file must be the re-encoded picture only.
JPEG_HTML_POLYGLOT = JPEG + HTML_PAGE
