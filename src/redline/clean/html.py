"""HTML pages: trafilatura finds the main text and metadata; redline's paragraph rules finish the job."""

from __future__ import annotations

import re
import warnings
from copy import deepcopy

from urllib.parse import urlsplit

from redline.clean import lines
from redline.clean.pagemeta import Declared, declared, declared_authors, exact_moment, headline, site_names
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
# The last extracted paragraph must be this long to be found again in the page, where the body may continue.
CONTINUATION_MIN_CHARS = 40
# A continuation holds at least this many body paragraphs; comments and footers repeat their class too.
CONTINUATION_MIN_PARAGRAPHS = 2
_NOT_BODY_CLASS = re.compile(r"comment|footer|sidebar|widget|related|promo", re.IGNORECASE)
# htmldate (inside trafilatura) finds the day of first publication, with the URL and every date on the page
# (extensive search): the reader redline measured best on pages it was not tuned on (benchmarks/clean.py). The
# time of day comes from the page's own declaration when that falls on the same day (pagemeta.exact_moment).
DATE_OPTIONS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d"}


def extract_html(html: str, *, url: str | None, where: str) -> tuple[Draft, dict]:
    """(the draft article, trafilatura's metadata) for one page; NoArticleError when the page holds no article."""
    import trafilatura  # heavy import, paid only when HTML is cleaned
    from trafilatura.utils import load_html

    # The page is parsed once: trafilatura prunes the tree it is given, so it gets a copy (copying costs a third
    # of parsing) and the untouched tree is kept for the body's continuation.
    page = load_html(html)
    own = declared(page) if page is not None else Declared()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = trafilatura.bare_extraction(
            deepcopy(page) if page is not None else html, url=url, with_metadata=True,
            date_extraction_params=DATE_OPTIONS, **TRAFILATURA_OPTIONS
        )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise NoArticleError(where, "no article text found in the HTML (navigation or an empty page?)")
    site = site_names(urlsplit(url or doc.url or "").hostname, own.site_name, doc.sitename)
    meta = {
        "title": headline(own, site, doc.title),
        "author": declared_authors(own, doc.author, site),
        "date": exact_moment(own, doc.date),
        "updated": own.ld_modified or own.meta_modified,
        "sitename": doc.sitename,
        "url": doc.url,
    }
    paragraphs = [line for line in text.split("\n") if line.strip()]
    paragraphs += continued_body(page, paragraphs) if page is not None else []
    draft = tidy(paragraphs, title=meta["title"], plain_text=_looks_like_navigation(paragraphs))
    if not draft.paragraphs:
        raise NoArticleError(where, "no article text: the HTML holds only navigation or boilerplate")
    return draft, meta


def continued_body(tree, paragraphs: list[str]) -> list[str]:
    """The rest of an article body that the page (its parsed tree) splits into several containers of one class
    (an advertisement row between two `article__body` blocks): trafilatura keeps the first block only."""
    last = _key(paragraphs[-1]) if paragraphs else ""
    if len(last) < CONTINUATION_MIN_CHARS:
        return []
    container = next((p.getparent() for p in tree.iter("p") if _key(p.text_content()) == last), None)
    if container is None or not container.get("class") or _NOT_BODY_CLASS.search(container.get("class")):
        return []
    later, seen = [], False
    for element in tree.iter(container.tag):
        if element is container:
            seen = True
        elif seen and element.get("class") == container.get("class"):
            later.append(element)
    known = {_key(text) for text in paragraphs}
    found = []
    for element in later:
        for p in element.iter("p"):
            if any(a.tag in {"aside", "figure", "figcaption"} for a in p.iterancestors()):
                continue  # pull quotes and captions repeat or label the article
            text = _key(p.text_content())
            if text and text not in known:
                known.add(text)
                found.append(text)
    return found if sum(1 for text in found if lines.is_body(text)) >= CONTINUATION_MIN_PARAGRAPHS else []


def _key(text: str) -> str:
    return " ".join(text.split())


def _looks_like_navigation(paragraphs: list[str]) -> bool:
    if len(paragraphs) < NAVIGATION_DUMP_MIN_LINES:
        return False
    return sum(1 for p in paragraphs if not lines.is_body(p)) >= NAVIGATION_DUMP_SHARE * len(paragraphs)
