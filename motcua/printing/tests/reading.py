"""Reading the PDFs back: their text, the fonts they embed, the QR code's modules."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def text(pdf: bytes) -> str:
    """All the text, each run of white space (line breaks included) made one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader(pdf).pages)


def _fonts(resources: Any, found: dict[str, DictionaryObject]) -> None:
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        found[str(font["/BaseFont"])] = font
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts(xobject.get("/Resources"), found)


def embedded_fonts(pdf: bytes) -> set[str]:
    """The font names of every page without their subset tag ("ABCDEF+"), each
    checked to be embedded (a font program in its descriptor)."""
    found: dict[str, DictionaryObject] = {}
    for page in reader(pdf).pages:
        _fonts(page.get("/Resources"), found)
    names = set()
    for name, font in found.items():
        descendants: Any = font.get("/DescendantFonts")
        descriptor: Any = (
            descendants[0].get_object()["/FontDescriptor"]
            if descendants
            else font["/FontDescriptor"]
        ).get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name
        names.add(name.split("+", 1)[-1])
    return names


LIBERATION_SERIF = {
    "Liberation-Serif",
    "Liberation-Serif-Bold",
    "Liberation-Serif-Italic",
    "Liberation-Serif-Bold-Italic",
}


def assert_liberation_serif_only(pdf: bytes) -> None:
    """Every glyph comes from the shipped Liberation Serif: a character it lacks
    would have brought in a system font here."""
    fonts = embedded_fonts(pdf)
    assert fonts, "no font embedded"
    assert fonts <= LIBERATION_SERIF, fonts


def qr_modules(pdf: bytes, *, scale: int, border: int) -> list[list[int]]:
    """The dark (1) and light (0) modules of the one image on the first page, read at
    the centre of each module."""
    images = reader(pdf).pages[0].images
    assert len(images) == 1
    assert images[0].image is not None
    image: Any = images[0].image.convert("L")
    size = image.width // scale - 2 * border
    assert image.width == image.height == (size + 2 * border) * scale
    return [
        [
            int(
                image.getpixel(
                    ((x + border) * scale + scale // 2, (y + border) * scale + scale // 2)
                )
                < 128
            )
            for x in range(size)
        ]
        for y in range(size)
    ]
