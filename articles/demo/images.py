"""Pictures for the demo content, drawn with Pillow in memory (nothing downloaded or shipped).

Every picture is deterministic for its slug: the same slug always gives the same drawing.
Featured images are schematic, calm 1200×675 JPEGs; category icons are 96×96 PNG glyphs;
author "photos" are initials on a coloured circle. All are drawn at a larger scale and
reduced with Lanczos resampling, which smooths the edges ImageDraw leaves jagged.
"""

from __future__ import annotations

import io
import math
import random
import zlib

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

# Background, ink (main drawing) and accent (what the article is about) per category.
PALETTES = {
    "anatomy": ("#e0f1ef", "#2d6f6a", "#e08a5f"),
    "fractures": ("#e4ecf5", "#34597f", "#d9534f"),
    "diseases": ("#ece9f4", "#54487f", "#d98c3f"),
    "spine-disorders": ("#e5efe2", "#46703f", "#c8553d"),
    "patient-guides": ("#f4eee1", "#7a5e2b", "#3f7fa6"),
    "procedures": ("#e5eaef", "#3b5263", "#c05a6e"),
    "wellness": ("#f7ebe6", "#9a4f3b", "#3f8f7a"),
}
DEFAULT_PALETTE = ("#e8ecef", "#3a4a57", "#c0623f")
SCALE = 2  # supersampling factor for featured images


def _rng(slug: str) -> random.Random:
    return random.Random(zlib.crc32(slug.encode("utf-8")))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, t: float) -> tuple[int, int, int]:
    a, b = _rgb(a) if isinstance(a, str) else a, _rgb(b) if isinstance(b, str) else b
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def _font(size: int):
    return ImageFont.load_default(size=size)


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=86, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


# --- drawing primitives (coordinates already scaled) ------------------------------------

def _bone(size: tuple[int, int], length: int, thick: int, fill, crack=None) -> Image.Image:
    """A long bone lying horizontally on a transparent layer; ``crack`` colours a fracture line."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy = size[0] // 2, size[1] // 2
    x0, x1 = cx - length // 2, cx + length // 2
    d.rounded_rectangle((x0, cy - thick // 2, x1, cy + thick // 2), radius=thick // 3, fill=fill)
    r = int(thick * 0.8)
    for x in (x0, x1):
        for dy in (-r * 0.6, r * 0.6):
            d.ellipse((x - r, cy + dy - r, x + r, cy + dy + r), fill=fill)
    if crack:
        points = [(cx + (i % 2) * thick // 3 - thick // 6, cy - thick + i * thick // 3) for i in range(7)]
        d.line(points, fill=crack, width=max(4, thick // 7), joint="curve")
    return layer


def _paste_rotated(base: Image.Image, layer: Image.Image, angle: float, centre: tuple[int, int]) -> None:
    rotated = layer.rotate(angle, resample=Image.BICUBIC, expand=True)
    base.alpha_composite(rotated, (centre[0] - rotated.width // 2, centre[1] - rotated.height // 2))


def _vertebrae(d, cx, top, count, unit, ink, accent, curve=0.0, bulge=None) -> None:
    for i in range(count):
        y = top + i * unit * 1.35
        x = cx + curve * unit * math.sin(math.pi * i / max(count - 1, 1))
        d.rounded_rectangle((x - unit, y, x + unit, y + unit), radius=unit // 4, fill=ink)
        d.polygon([(x + unit * 0.9, y + unit * 0.3), (x + unit * 1.8, y + unit * 0.55),
                   (x + unit * 0.9, y + unit * 0.8)], fill=ink)
        if i < count - 1:
            disc = accent if bulge == i else _mix(ink, "#ffffff", 0.55)
            grow = unit * 0.45 if bulge == i else 0
            d.rounded_rectangle((x - unit * 0.85, y + unit * 1.05, x + unit * 0.85 + grow, y + unit * 1.3),
                                radius=unit // 8, fill=disc)


# --- motifs: one per kind of article -------------------------------------------------------

def _motif_bones(img, d, rng, ink, accent, w, h):
    for i in range(5):
        length, thick = rng.randint(w // 6, w // 3), rng.randint(h // 22, h // 14)
        layer = _bone((w // 2, w // 2), length, thick, ink if i else accent)
        _paste_rotated(img, layer, rng.uniform(-70, 70),
                       (int(w * (0.45 + 0.1 * i)), int(h * rng.uniform(0.3, 0.7))))


def _motif_fracture(img, d, rng, ink, accent, w, h):
    layer = _bone((w, w // 2), int(w * 0.55), h // 9, ink, crack=accent)
    _paste_rotated(img, layer, rng.uniform(-25, -12), (int(w * 0.62), h // 2))


def _motif_wrist(img, d, rng, ink, accent, w, h, highlight=None):
    cx, base = int(w * 0.64), int(h * 0.95)
    u = h // 16
    for dx, width in ((-u * 2.2, u * 1.8), (u * 1.4, u * 1.2)):  # radius and ulna
        d.rounded_rectangle((cx + dx - width / 2, h * 0.55, cx + dx + width / 2, base), radius=u // 2, fill=ink)
    if highlight == "radius":
        d.line([(cx - u * 3.2, h * 0.64), (cx - u * 2.4, h * 0.61), (cx - u * 1.8, h * 0.66),
                (cx - u * 1.2, h * 0.62)], fill=accent, width=u // 3)
    carpals = [(-2.4, 0), (-0.8, -0.2), (0.8, -0.1), (2.2, 0.1), (-2.0, -1.5), (-0.6, -1.6), (0.8, -1.5), (2.1, -1.3)]
    for i, (px, py) in enumerate(carpals):
        x, y = cx + px * u, h * 0.47 + py * u
        fill = accent if (highlight == "scaphoid" and i == 0) else ink
        d.ellipse((x - u * 0.75, y - u * 0.7, x + u * 0.75, y + u * 0.7), fill=fill)
    for i in range(5):
        angle = math.radians(-120 + i * 15)
        x0, y0 = cx + (i - 2) * u * 1.1, h * 0.33
        d.line([(x0, y0), (x0 + math.cos(angle) * u * 5, y0 + math.sin(angle) * u * 5)], fill=ink, width=u // 2)
    if highlight == "tunnel":
        d.arc((cx - u * 4, h * 0.30, cx + u * 4, h * 0.62), 190, 350, fill=accent, width=u // 2)


def _motif_spine(img, d, rng, ink, accent, w, h, curve=0.0, bulge=None):
    _vertebrae(d, int(w * 0.6), int(h * 0.07), 8, h // 13, ink, accent, curve=curve, bulge=bulge)


def _motif_knee(img, d, rng, ink, accent, w, h, implant=False, wear=False):
    cx, u = int(w * 0.63), h // 12
    d.rounded_rectangle((cx - u * 1.2, 0, cx + u * 1.2, h * 0.42), radius=u // 2, fill=ink)  # femur
    for dx in (-1.1, 1.1):
        d.ellipse((cx + dx * u - u * 1.3, h * 0.34, cx + dx * u + u * 1.3, h * 0.50), fill=ink)
    d.rounded_rectangle((cx - u * 2.6, h * 0.55, cx + u * 2.6, h * 0.63), radius=u // 3, fill=ink)  # plateau
    d.rounded_rectangle((cx - u * 1.4, h * 0.6, cx + u * 1.4, h), radius=u // 2, fill=ink)  # tibia
    d.ellipse((cx + u * 2.8, h * 0.3, cx + u * 4.0, h * 0.44), fill=ink)  # patella, seen from the side
    if implant:
        metal = _mix(ink, "#ffffff", 0.7)
        d.arc((cx - u * 2.6, h * 0.28, cx + u * 2.6, h * 0.53), 0, 180, fill=metal, width=u // 2)
        d.rectangle((cx - u * 2.6, h * 0.53, cx + u * 2.6, h * 0.56), fill=metal)
    gap = accent if wear else _mix(ink, "#ffffff", 0.5)
    d.line([(cx - u * 2.4, h * 0.525), (cx + u * 2.4, h * 0.525)], fill=gap, width=max(4, u // 4))
    if wear:
        for dx in (-2.7, 2.7):
            d.polygon([(cx + dx * u, h * 0.56), (cx + dx * u * 1.15, h * 0.585), (cx + dx * u, h * 0.61)], fill=accent)


def _motif_elbow(img, d, rng, ink, accent, w, h):
    cx, cy, u = int(w * 0.6), int(h * 0.5), h // 12
    d.line([(cx - u * 6, cy - u * 4), (cx, cy)], fill=ink, width=int(u * 1.8))  # humerus
    d.ellipse((cx - u * 1.6, cy - u * 1.6, cx + u * 1.6, cy + u * 1.6), fill=ink)
    for off in (-0.9, 0.9):
        d.line([(cx + off * u, cy + off * u * 0.4), (cx + u * 6, cy + u * 3 + off * u * 1.4)], fill=ink, width=int(u * 1.1))
    d.arc((cx - u * 2.2, cy - u * 2.2, cx + u * 2.2, cy + u * 2.2), 200, 340, fill=accent, width=u // 3)
    d.arc((cx - u * 2.2, cy - u * 2.2, cx + u * 2.2, cy + u * 2.2), 20, 160, fill=accent, width=u // 3)


def _motif_muscle(img, d, rng, ink, accent, w, h):
    cx, cy, u = int(w * 0.62), int(h * 0.5), h // 10
    d.ellipse((cx - u * 4.5, cy - u * 1.8, cx + u * 4.5, cy + u * 1.8), fill=ink)
    for x0, x1 in ((cx - u * 6.5, cx - u * 4.2), (cx + u * 4.2, cx + u * 6.5)):  # tendons
        d.line([(x0, cy), (x1, cy)], fill=ink, width=u // 2)
    light = _mix(ink, "#ffffff", 0.35)
    for i in range(-3, 4):
        d.arc((cx - u * 4.2, cy + i * u * 0.35 - u, cx + u * 4.2, cy + i * u * 0.35 + u), 200, 340, fill=light, width=4)
    bolt = [(cx - u * 0.3, cy - u * 3.2), (cx + u * 0.6, cy - u * 2.1), (cx - u * 0.1, cy - u * 2.0), (cx + u * 0.8, cy - u * 0.9)]
    d.line(bolt, fill=accent, width=u // 4, joint="curve")


def _motif_track(img, d, rng, ink, accent, w, h):
    u = h // 14
    for i in range(5):
        colour = accent if i == 2 else _mix(ink, "#ffffff", 0.25 + i * 0.1)
        d.arc((w * 0.35 - i * u, h * 0.15 - i * u, w * 1.15 + i * u, h * 1.2 + i * u), 180, 270, fill=colour, width=u // 3)
    for i in range(4):  # footprints along the lane
        x, y = w * (0.5 + i * 0.1), h * (0.75 - i * 0.12)
        d.ellipse((x, y, x + u * 0.9, y + u * 1.6), fill=ink)


def _motif_porous(img, d, rng, ink, accent, w, h):
    u = h // 6
    for cx, holes, colour in ((w * 0.5, 12, ink), (w * 0.78, 38, accent)):
        d.ellipse((cx - u * 1.6, h / 2 - u * 1.6, cx + u * 1.6, h / 2 + u * 1.6), fill=colour)
        for _ in range(holes):
            a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, u * 1.3)
            s = rng.uniform(u * 0.08, u * 0.2) * (1.5 if holes > 20 else 1)
            x, y = cx + r * math.cos(a), h / 2 + r * math.sin(a)
            d.ellipse((x - s, y - s, x + s, y + s), fill=_mix(colour, "#ffffff", 0.8))


MOTIFS = {
    "bones": _motif_bones,
    "fracture": _motif_fracture,
    "wrist": lambda *a: _motif_wrist(*a, highlight="radius"),
    "scaphoid": lambda *a: _motif_wrist(*a, highlight="scaphoid"),
    "carpal-tunnel": lambda *a: _motif_wrist(*a, highlight="tunnel"),
    "spine": _motif_spine,
    "disc": lambda *a: _motif_spine(*a, bulge=5),
    "scoliosis": lambda *a: _motif_spine(*a, curve=1.6),
    "knee": lambda *a: _motif_knee(*a, wear=True),
    "knee-implant": lambda *a: _motif_knee(*a, implant=True),
    "elbow": _motif_elbow,
    "muscle": _motif_muscle,
    "track": _motif_track,
    "porous": _motif_porous,
}


def featured_image(slug: str, category_slug: str, motif: str, label: str = "") -> ContentFile:
    """A 1200×675 JPEG: soft gradient, a schematic drawing and a small category label."""
    bg, ink, accent = PALETTES.get(category_slug, DEFAULT_PALETTE)
    rng = _rng(slug)
    w, h = 1200 * SCALE, 675 * SCALE
    img = Image.new("RGBA", (w, h))
    d = ImageDraw.Draw(img)
    top, bottom = _mix(bg, "#ffffff", 0.45), _rgb(bg)
    for y in range(h):
        d.line([(0, y), (w, y)], fill=_mix(top, bottom, y / h))
    for _ in range(6):  # soft background circles
        r = rng.randint(h // 8, h // 3)
        x, y = rng.randint(0, w), rng.randint(0, h)
        d.ellipse((x - r, y - r, x + r, y + r), fill=_mix(bg, "#ffffff", rng.uniform(0.2, 0.6)))
    MOTIFS.get(motif, _motif_bones)(img, d, rng, _rgb(ink), _rgb(accent), w, h)
    if label:
        font = _font(30 * SCALE)
        d.rounded_rectangle((48 * SCALE, 44 * SCALE, 48 * SCALE + d.textlength(label.upper(), font=font) + 40 * SCALE,
                             100 * SCALE), radius=14 * SCALE, fill=_rgb(ink))
        d.text((68 * SCALE, 54 * SCALE), label.upper(), font=font, fill="#ffffff")
    img = img.resize((1200, 675), Image.LANCZOS)
    return ContentFile(_encode(img, "JPEG"), name=f"{slug}.jpg")


# --- category icons ------------------------------------------------------------------------

def _glyph(d, key: str, s: int, white, bg) -> None:
    c = s // 2
    if key in ("anatomy", "fractures"):
        d.rounded_rectangle((s * 0.28, c - s * 0.06, s * 0.72, c + s * 0.06), radius=s // 30, fill=white)
        for x in (s * 0.26, s * 0.74):
            for y in (c - s * 0.07, c + s * 0.07):
                d.ellipse((x - s * 0.08, y - s * 0.08, x + s * 0.08, y + s * 0.08), fill=white)
        if key == "fractures":
            zig = [(c - s * 0.02, c - s * 0.12), (c + s * 0.04, c - s * 0.04), (c - s * 0.04, c + s * 0.04),
                   (c + s * 0.02, c + s * 0.12)]
            d.line(zig, fill=bg, width=s // 22)
    elif key == "diseases":
        d.ellipse((s * 0.22, s * 0.22, s * 0.78, s * 0.78), fill=white)
        for x, y in ((0.4, 0.38), (0.6, 0.45), (0.45, 0.6), (0.62, 0.64), (0.35, 0.52)):
            d.ellipse((s * (x - 0.05), s * (y - 0.05), s * (x + 0.05), s * (y + 0.05)), fill=bg)
    elif key == "spine-disorders":
        for i in range(4):
            y = s * (0.18 + i * 0.17)
            d.rounded_rectangle((s * 0.34, y, s * 0.66, y + s * 0.12), radius=s // 30, fill=white)
            d.polygon([(s * 0.64, y + s * 0.03), (s * 0.8, y + s * 0.06), (s * 0.64, y + s * 0.09)], fill=white)
    elif key == "patient-guides":
        d.rounded_rectangle((s * 0.27, s * 0.18, s * 0.73, s * 0.82), radius=s // 20, fill=white)
        for i in range(4):
            y = s * (0.33 + i * 0.12)
            d.line([(s * 0.36, y), (s * (0.64 if i < 3 else 0.52), y)], fill=bg, width=s // 28)
    elif key == "procedures":
        d.rounded_rectangle((s * 0.42, s * 0.2, s * 0.58, s * 0.8), radius=s // 30, fill=white)
        d.rounded_rectangle((s * 0.2, s * 0.42, s * 0.8, s * 0.58), radius=s // 30, fill=white)
    else:  # wellness: a heart
        d.ellipse((s * 0.2, s * 0.24, s * 0.52, s * 0.56), fill=white)
        d.ellipse((s * 0.48, s * 0.24, s * 0.8, s * 0.56), fill=white)
        d.polygon([(s * 0.22, s * 0.46), (s * 0.78, s * 0.46), (s * 0.5, s * 0.8)], fill=white)


def category_icon(slug: str) -> ContentFile:
    """A 96×96 PNG: a white glyph on a rounded square in the category's ink colour."""
    _, ink, _ = PALETTES.get(slug, DEFAULT_PALETTE)
    bg = _rgb(ink)
    s = 96 * 4
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 5, fill=bg)
    _glyph(d, slug, s, (255, 255, 255), bg)
    img = img.resize((96, 96), Image.LANCZOS)
    return ContentFile(_encode(img, "PNG"), name=f"{slug}.png")


# --- author portraits ----------------------------------------------------------------------

PORTRAIT_COLOURS = ["#2d6f6a", "#34597f", "#54487f", "#7a5e2b", "#9a4f3b", "#46703f"]


def author_photo(slug: str, name: str) -> ContentFile:
    """A 400×400 JPEG: the author's initials on a coloured circle (no honorific)."""
    words = [w for w in name.replace(".", " ").split() if w.lower() not in {"dr", "prof", "mr", "mrs", "ms", "miss"}]
    initials = "".join(w[0] for w in words[:1] + words[-1:]).upper() or "?"
    colour = PORTRAIT_COLOURS[zlib.crc32(slug.encode("utf-8")) % len(PORTRAIT_COLOURS)]
    s = 400 * 2
    img = Image.new("RGB", (s, s), _mix(colour, "#ffffff", 0.85))
    d = ImageDraw.Draw(img)
    d.ellipse((s * 0.06, s * 0.06, s * 0.94, s * 0.94), fill=_rgb(colour))
    font = _font(s // 3)
    left, top, right, bottom = d.textbbox((0, 0), initials, font=font)
    d.text(((s - (right - left)) / 2 - left, (s - (bottom - top)) / 2 - top), initials, font=font, fill="#ffffff")
    img = img.resize((400, 400), Image.LANCZOS)
    return ContentFile(_encode(img, "JPEG"), name=f"{slug}.jpg")
