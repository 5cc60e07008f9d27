"""Pictures carrying every kind of hidden text, and a structural check that a stored file has none.

Issue 14 item 1: no text metadata of any kind may survive in a stored file — EXIF, GPS, XMP,
IPTC, JPEG COM, PNG tEXt/zTXt/iTXt/tIME, WebP EXIF/XMP chunks, colour profiles, trailing
bytes after the image end. Every sample says :data:`SECRET` somewhere (compressed in zTXt).
The check walks the stored file's segments/chunks rather than only searching for the text.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms, PngImagePlugin

SECRET = "Taken at the clinic, patient 4711"
SECRET_BYTES = SECRET.encode()
XMP = (f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>{SECRET}</dc:description>'
       f'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()
GPS_IFD = 0x8825


def exif_with_secret() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x010F] = "SpyCam"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 26.0), "W", (0.0, 7.0, 39.0)
    return exif


def iptc_app13() -> bytes:
    """A Photoshop APP13 segment holding an IPTC-IIM caption (2:120)."""
    dataset = b"\x1c\x02\x78" + struct.pack(">H", len(SECRET_BYTES)) + SECRET_BYTES
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(dataset)) + dataset
    if len(dataset) % 2:
        block += b"\x00"
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _base(mode="RGB") -> Image.Image:
    image = Image.new(mode, (48, 32), (200, 40, 40) if mode == "RGB" else (200, 40, 40, 128))
    image.putpixel((3, 3), (0, 0, 0) if mode == "RGB" else (0, 0, 0, 255))
    return image


def _save(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def _png_info(**texts) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    for kind, (key, value) in texts.items():
        if kind == "text":
            info.add_text(key, value)
        elif kind == "ztxt":
            info.add_text(key, value, zip=True)
        elif kind == "itxt":
            info.add_itxt(key, value, lang="en", tkey="Caption")
    return info


def _png_with_time() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add(b"tIME", struct.pack(">HBBBBB", 2024, 3, 12, 9, 41, 7))
    info.add_text("Comment", SECRET)
    return _save(_base(), "PNG", pnginfo=info)


SAMPLES = {
    ("JPEG", "exif+gps"): lambda: _save(_base(), "JPEG", exif=exif_with_secret()),
    ("JPEG", "xmp"): lambda: _save(_base(), "JPEG", xmp=XMP),
    ("JPEG", "iptc"): lambda: _save(_base(), "JPEG", extra=iptc_app13()),
    ("JPEG", "comment"): lambda: _save(_base(), "JPEG", comment=SECRET),
    ("JPEG", "icc"): lambda: _save(_base(), "JPEG", icc_profile=srgb_profile(), comment=SECRET),
    ("JPEG", "trailing-bytes"): lambda: _save(_base(), "JPEG") + SECRET_BYTES,
    ("JPEG", "everything"): lambda: _save(_base(), "JPEG", exif=exif_with_secret(), xmp=XMP, extra=iptc_app13(),
                                          comment=SECRET, icc_profile=srgb_profile()) + SECRET_BYTES,
    ("PNG", "exif+gps"): lambda: _save(_base(), "PNG", exif=exif_with_secret()),
    ("PNG", "xmp"): lambda: _save(_base(), "PNG", pnginfo=_png_info(itxt=("XML:com.adobe.xmp", XMP.decode()))),
    ("PNG", "tEXt"): lambda: _save(_base(), "PNG", pnginfo=_png_info(text=("Description", SECRET))),
    ("PNG", "zTXt"): lambda: _save(_base(), "PNG", pnginfo=_png_info(ztxt=("Description", SECRET))),
    ("PNG", "iTXt"): lambda: _save(_base(), "PNG", pnginfo=_png_info(itxt=("Description", SECRET))),
    ("PNG", "tIME"): _png_with_time,
    ("PNG", "icc"): lambda: _save(_base(), "PNG", icc_profile=srgb_profile()),
    ("PNG", "trailing-bytes"): lambda: _save(_base(), "PNG") + SECRET_BYTES,
    ("PNG", "transparent+text"): lambda: _save(_base("RGBA"), "PNG", pnginfo=_png_info(text=("Author", SECRET))),
    ("WEBP", "exif+gps"): lambda: _save(_base(), "WEBP", exif=exif_with_secret()),
    ("WEBP", "xmp"): lambda: _save(_base(), "WEBP", xmp=XMP),
    ("WEBP", "icc"): lambda: _save(_base(), "WEBP", icc_profile=srgb_profile()),
    ("WEBP", "trailing-bytes"): lambda: _save(_base(), "WEBP") + SECRET_BYTES,
    ("WEBP", "everything"): lambda: _save(_base(), "WEBP", exif=exif_with_secret(), xmp=XMP,
                                          icc_profile=srgb_profile()) + SECRET_BYTES,
}


def sample(fmt: str, kind: str) -> bytes:
    data = SAMPLES[(fmt, kind)]()
    # the sample really carries what must disappear
    image = Image.open(io.BytesIO(data))
    image.load()
    if kind != "zTXt":
        assert SECRET_BYTES in data or kind == "icc" and fmt != "JPEG", (fmt, kind)
    assert metadata_found(data), (fmt, kind)
    return data


# --- What a stored file may contain ------------------------------------------------------------

JPEG_ALLOWED = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD, 0xDA, 0xE0} | set(range(0xD0, 0xD8))
PNG_ALLOWED = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
WEBP_ALLOWED = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


def _jpeg_problems(data: bytes) -> list[str]:
    problems = []
    if not data.startswith(b"\xff\xd8"):
        return ["no SOI"]
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            return problems + [f"garbage at {pos}"]
        marker = data[pos + 1]
        if marker == 0xD9:  # EOI
            if pos + 2 != len(data):
                problems.append(f"{len(data) - pos - 2} bytes after the image end")
            return problems
        if marker == 0xFF:
            pos += 1
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment = data[pos + 4:pos + 2 + length]
        if marker not in JPEG_ALLOWED:
            problems.append(f"segment FF{marker:02X}")
        elif marker == 0xE0 and not segment.startswith(b"JFIF\x00"):
            problems.append("APP0 that is not JFIF")
        pos += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not a stuffed byte or RSTn
            while pos < len(data) - 1 and not (data[pos] == 0xFF and data[pos + 1] not in (0x00, *range(0xD0, 0xD8))):
                pos += 1
    return problems + ["no EOI"]


def _png_problems(data: bytes) -> list[str]:
    problems, pos = [], 8
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ["no PNG signature"]
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        if kind not in PNG_ALLOWED:
            problems.append(f"chunk {kind.decode('latin-1')}")
        pos += 12 + length
        if kind == b"IEND":
            if pos != len(data):
                problems.append(f"{len(data) - pos} bytes after IEND")
            return problems
    return problems + ["no IEND"]


def _webp_problems(data: bytes) -> list[str]:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return ["not RIFF/WEBP"]
    problems = []
    riff_end = 8 + struct.unpack("<I", data[4:8])[0]
    if riff_end != len(data):
        problems.append(f"{len(data) - riff_end} bytes after the RIFF container")
    pos = 12
    while pos < min(riff_end, len(data)):
        kind, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if kind not in WEBP_ALLOWED:
            problems.append(f"chunk {kind.decode('latin-1')}")
        if kind == b"VP8X" and data[pos + 8] & 0b00101100:  # ICC, EXIF, XMP flags
            problems.append("VP8X announces ICC/EXIF/XMP")
        pos += 8 + size + (size & 1)
    return problems


def metadata_found(data: bytes) -> list[str]:
    """Everything in ``data`` that is not pixels (an empty list for a clean file)."""
    fmt = Image.open(io.BytesIO(data)).format
    problems = {"JPEG": _jpeg_problems, "PNG": _png_problems, "WEBP": _webp_problems}[fmt](data)
    if SECRET_BYTES in data:
        problems.append("the secret text")
    return problems
