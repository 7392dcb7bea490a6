"""Report pages: a results table as a standalone HTML page (a title, a caption and the table), and the captions."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

STYLE = ("body{font-family:sans-serif;font-size:13px} table{border-collapse:collapse} "
         "td,th{border:1px solid #bbb;padding:3px 6px;text-align:right}")  # fmt: skip


def table_page(df: pd.DataFrame, title: str, caption: str = "") -> str:
    """``df`` as an HTML page (numbers to 4 significant digits, no index)."""
    table = df.to_html(index=False, float_format=lambda x: f"{x:.4g}", na_rep="", border=0)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1><p>{html.escape(caption)}</p>"
            f"{table}</body></html>\n")  # fmt: skip


def caption(report_dir: Path, name: str) -> str:
    """The report caption ``{report_dir}/{name}.rst`` of figure or table ``name`` (every one needs its own)."""
    path = Path(report_dir) / f"{name}.rst"
    if not path.is_file():
        raise FileNotFoundError(f"{name} has no report caption: write workflow/report/{name}.rst")
    return path.read_text()
