"""HTML → PDF with WeasyPrint, in the fonts MotCua ships.

Every form is set in Liberation Serif (metric-compatible with Times New Roman, the
face of Vietnamese administrative documents; SIL OFL 1.1, see ``fonts/LICENSE``),
loaded from ``fonts/`` by ``@font-face`` so the output is the same on every machine.
The stylesheet names that family and no other — no generic ``serif`` — so a
character the font lacks is not quietly drawn in whatever the machine has: Pango
then embeds a second font, which the tests look for (they assert the PDF embeds
Liberation Serif only).

Resources are fetched from two places only: ``data:`` URIs (the QR code) and the
font files. A form never loads anything from the network, whatever text a dossier
holds; a font that cannot be read stops the rendering instead of falling back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Liberation Serif"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


def font_face_css() -> SafeString:
    """The four ``@font-face`` rules of the shipped family, by file URL."""
    # Built here from constants only: no outside text reaches the stylesheet.
    return mark_safe(
        "\n".join(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; '
            f'src: url("{(FONTS_DIR / name).as_uri()}") format("truetype"); '
            f"font-weight: {weight}; font-style: {style}; }}"
            for (weight, style), name in FONT_FILES.items()
        )
    )


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Fetches ``data:`` URIs and the shipped font files; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["data", "file"], fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            allowed = {(FONTS_DIR / name).as_uri() for name in FONT_FILES.values()}
            if url not in allowed:
                raise ValueError(f"Printing may not read {url}")
        return super().fetch(url, headers)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``printing/<template>`` to PDF.

    The forms are administrative documents and are printed in Vietnamese whatever
    language the official's screen is in (choice labels such as the delivery method
    come from lazy translations, hence the override).
    """
    with translation.override("vi"):
        html = render_to_string(template, {**context, "font_face_css": font_face_css()})
    document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=LocalOnlyFetcher())
    pdf: bytes = document.write_pdf()
    return pdf
