"""Render Django templates to PDF with WeasyPrint, and the QR codes printed on documents.

Entry points: `render_pdf(template_name, context) -> bytes` (tagged PDF/UA-1), `qr_png_data_uri(text)`.
Templates extend "documents/pdf/base.html" (A4, page numbers, a Unicode serif font found by
family name through fontconfig: DejaVu Serif, from Debian's fonts-dejavu-core, has every
Vietnamese glyph). WeasyPrint may fetch nothing but data: URIs: documents never reach the
network or the file system, whatever ends up in the context.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def render_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of `template_name` rendered with `context`.

    Official forms are Vietnamese legal documents: they are rendered in Vietnamese whatever the
    language of the person or task asking for them (dates, numbers, any translated string)."""
    with translation.override("vi"):
        html = render_to_string(template_name, context)
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    # PDF/UA-1: a tagged PDF (headings, tables, image alternatives, language) that screen readers
    # can read, for the citizens who receive it.
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf(pdf_variant="pdf/ua-1")


def qr_png_data_uri(text: str, *, scale: int = 4) -> str:
    """A QR code of `text` as a PNG data URI (error correction M, quiet zone of 4 modules)."""
    return segno.make(text, error="m", micro=False).png_data_uri(scale=scale, border=4)
