"""HTML pages: trafilatura finds the main text and metadata; redline's paragraph rules finish the job."""

from __future__ import annotations

import warnings

from redline.clean import lines
from redline.clean.paragraphs import Draft, tidy
from redline.errors import NoArticleError

# Measured on the ScrapingHub set (benchmarks/clean.py): trafilatura's own fallbacks (readability, jusText) add
# nothing once redline's paragraph rules run after it, and cost a quarter of the time; precision mode loses more
# recall than it gains.
TRAFILATURA_OPTIONS = dict(fast=True, include_comments=False, include_tables=True)
# When trafilatura returns a page's menus with its text (at least this many lines, this share of them not body
# text), the plain-text main-block search is run on its output as a safety net.
NAVIGATION_DUMP_MIN_LINES = 100
NAVIGATION_DUMP_SHARE = 0.8
# htmldate's extensive search reads every date on the page: slow, and the original date is usually declared.
DATE_OPTIONS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S"}


def extract_html(html: str, *, url: str | None, where: str) -> tuple[Draft, dict]:
    """(the draft article, trafilatura's metadata) for one page; NoArticleError when the page holds no article."""
    import trafilatura  # heavy import, paid only when HTML is cleaned

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, date_extraction_params=DATE_OPTIONS, **TRAFILATURA_OPTIONS
        )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise NoArticleError(where, "no article text found in the HTML (navigation or an empty page?)")
    meta = {
        "title": doc.title,
        "author": doc.author,
        "date": doc.date,
        "sitename": doc.sitename,
        "url": doc.url,
    }
    paragraphs = [line for line in text.split("\n") if line.strip()]
    draft = tidy(paragraphs, title=doc.title, plain_text=_looks_like_navigation(paragraphs))
    if not draft.paragraphs:
        raise NoArticleError(where, "no article text: the HTML holds only navigation or boilerplate")
    return draft, meta


def _looks_like_navigation(paragraphs: list[str]) -> bool:
    if len(paragraphs) < NAVIGATION_DUMP_MIN_LINES:
        return False
    return sum(1 for p in paragraphs if not lines.is_body(p)) >= NAVIGATION_DUMP_SHARE * len(paragraphs)
