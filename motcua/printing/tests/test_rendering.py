"""What the PDF renderer may read: the shipped fonts and data URIs, nothing else."""

from __future__ import annotations

import pytest

from motcua.printing.pdf import FONT_FILES, FONTS_DIR, LocalOnlyFetcher, font_face_css


def test_the_fonts_and_their_licence_are_shipped() -> None:
    for name in FONT_FILES.values():
        assert (FONTS_DIR / name).read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType
    licence = (FONTS_DIR / "LICENSE").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Copyright (c) 2012 Red Hat, Inc. with Reserved Font Name Liberation." in licence


def test_the_stylesheet_names_one_family() -> None:
    css = font_face_css()

    assert css.count("@font-face") == 4
    assert css.count('font-family: "Liberation Serif"') == 4


def test_the_fetcher_reads_the_fonts() -> None:
    url = (FONTS_DIR / FONT_FILES[("normal", "normal")]).as_uri()

    assert LocalOnlyFetcher().fetch(url).read(4) == b"\x00\x01\x00\x00"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/hostname", "https://example.com/logo.png", "ftp://example.com/x"],
)
def test_the_fetcher_refuses_anything_else(url: str) -> None:
    with pytest.raises(ValueError):
        LocalOnlyFetcher().fetch(url)
