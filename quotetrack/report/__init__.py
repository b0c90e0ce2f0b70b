"""Presentation: one self-contained HTML report (``html.render_report``)."""

from quotetrack.report.html import render_report

__all__ = ["render_report"]
