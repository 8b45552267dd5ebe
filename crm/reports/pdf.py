"""Printable PDF reports: a Django template rendered to HTML, then to PDF by WeasyPrint with a Cyrillic font.

A report is a template extending `reports/base_report.html` (A4, DejaVu Sans from the system's fonts,
page numbers, who printed it and when) plus a context built from the same query functions as the
screen; `render_pdf` does the rest. Charts are inline SVG (`crm.reports.charts`): WeasyPrint runs no
JavaScript. Nothing is fetched from the network: the URL fetcher serves `data:` URIs only.
"""

import logging
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

PDF_CONTENT_TYPE = "application/pdf"
# WeasyPrint reports each layout step at INFO; the root logger is at INFO in production.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The template rendered to a PDF document."""
    from weasyprint import HTML  # imported on first use: it loads Pango and the fonts
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return bytes(HTML(string=html, url_fetcher=fetcher, base_url="about:blank").write_pdf())


def pdf_response(document: bytes, filename: str) -> HttpResponse:
    """The PDF as a download with a Russian-safe file name."""
    headers = {"Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)}
    return HttpResponse(document, content_type=PDF_CONTENT_TYPE, headers=headers)
