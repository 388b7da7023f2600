"""What an HTML page declares about itself: headlines (h1, og:title, JSON-LD headline, <title>), authors (JSON-LD,
<meta name=author>), dates (JSON-LD, article:published_time) and the site's name. The cleaner reconciles these with
trafilatura's own reading (clean/html.py); which source wins is measured in benchmarks/clean.py."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from redline.clean.meta import names_in_field, person_name, squash

# A page's JSON-LD can be anything; what is read of it is bounded.
MAX_LD_SCRIPTS = 20
MAX_LD_CHARS = 200_000
MAX_HEADINGS = 5
_SPACE = re.compile(r"\s+")
_ARTICLE_TYPES = re.compile(r"article|posting|report|webpage", re.IGNORECASE)


@dataclass
class Declared:
    """One page's self-description; every text is whitespace-normalised, every list in page order."""

    title_tag: str | None = None
    og_title: str | None = None
    twitter_title: str | None = None
    ld_headline: str | None = None
    h1: list[str] = field(default_factory=list)
    site_name: str | None = None
    ld_authors: list[str] = field(default_factory=list)
    meta_authors: list[str] = field(default_factory=list)
    ld_published: str | None = None
    ld_modified: str | None = None
    meta_published: str | None = None
    meta_modified: str | None = None


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None


def _unescaped(value) -> str | None:
    """JSON-LD strings often carry HTML entities ("&#8216;The Medium&#8217;") that no parser decoded."""
    return _text(html.unescape(value)) if isinstance(value, str) else None


def _content(tree, xpath: str) -> str | None:
    for value in tree.xpath(xpath):
        found = _text(str(value))
        if found:
            return found
    return None


def declared(tree) -> Declared:
    """Read what the page (an lxml tree, before trafilatura prunes it) says of itself."""
    page = Declared(
        title_tag=_content(tree, "//head/title/text()") or _content(tree, "//title/text()"),
        og_title=_content(tree, '//meta[@property="og:title"]/@content'),
        twitter_title=_content(tree, '//meta[@name="twitter:title"]/@content'),
        h1=[t for t in (_text(h.text_content()) for h in tree.xpath("//h1")[:MAX_HEADINGS]) if t],
        site_name=_content(tree, '//meta[@property="og:site_name"]/@content'),
        meta_authors=[a for a in (_text(str(v)) for v in tree.xpath(
            '//meta[@name="author" or @property="article:author" or @name="parsely-author" '
            'or @name="sailthru.author" or @name="dc.creator" or @name="DC.creator"]/@content')) if a],
        meta_published=_content(tree, '//meta[@property="article:published_time" or @itemprop="datePublished"]'
                                      '/@content'),
        meta_modified=_content(tree, '//meta[@property="article:modified_time" or @itemprop="dateModified"]'
                                     '/@content'),
    )
    _read_json_ld(tree, page)
    return page


def _read_json_ld(tree, page: Declared) -> None:
    for script in tree.xpath('//script[@type="application/ld+json"]')[:MAX_LD_SCRIPTS]:
        raw = script.text_content()[:MAX_LD_CHARS]
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # broken or absurdly nested JSON-LD: skipped, as browsers do
            continue
        for node in _nodes(data):
            kind = node.get("@type")
            kind = " ".join(kind) if isinstance(kind, list) else str(kind or "")
            if not _ARTICLE_TYPES.search(kind) or not (node.get("headline") or node.get("datePublished")):
                continue
            page.ld_headline = page.ld_headline or _unescaped(node.get("headline"))
            page.ld_published = page.ld_published or _text(node.get("datePublished"))
            page.ld_modified = page.ld_modified or _text(node.get("dateModified"))
            if not page.ld_authors:
                page.ld_authors = _names(node.get("author"))


def _nodes(data, depth: int = 0):
    """The objects of a JSON-LD document: a list, an @graph, or one object (a few levels deep at most)."""
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _nodes(data["@graph"], depth + 1)


def _names(author) -> list[str]:
    found = []
    for item in author if isinstance(author, list) else [author]:
        name = item.get("name") if isinstance(item, dict) else item
        name = _unescaped(name)
        if name:
            found.append(name)
    return found


# --- reconciling what the page declares with what trafilatura read ---------------------------------------------

# "Headline | Section | Site", "Site - Headline", "Headline :: Site": the separators of a <title> or og:title.
_SEGMENTS = re.compile(r"\s+(?:[|\-–—:·»/]|::)\s+")
# An h1 no other source confirms is taken as the headline only when it has this many words: shorter ones are
# section names and logos ("Games", "India Post").
MIN_UNCONFIRMED_HEADLINE_WORDS = 4
# An h1 this long is confirmed by a declared title that contains it (a title with a kicker or a subtitle).
MIN_CONTAINED_HEADLINE_CHARS = 20
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def _key(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip().casefold()


def site_names(host: str | None, *names: str | None) -> frozenset[str]:
    """The site's names, squashed: its declared names and the labels of its host ("news.sky.com" → news, sky)."""
    labels = (host or "").lower().removeprefix("www.").split(".")
    keys = {squash(n) for n in names} | {squash(label) for label in labels[:-1]} | {squash(".".join(labels))}
    return frozenset(k for k in keys if len(k) >= 3)


def _is_site(segment: str, site: frozenset[str]) -> bool:
    key = squash(segment)
    return bool(key) and any(key == s or key.startswith(s) or (len(key) >= 4 and s.startswith(key)) for s in site)


def without_site(title: str | None, site: frozenset[str]) -> str | None:
    """A declared title without the site's name: "Headline - The Site" → "Headline"."""
    if not title:
        return title
    segments = _SEGMENTS.split(title)
    kept = [s for s in segments if not _is_site(s, site)]
    if len(segments) > 1 and kept and len(kept) < len(segments):
        return " - ".join(kept)
    return title


def _confirmed_by(heading: str, declared_titles: list[str]) -> bool:
    key = _key(heading)
    for title in declared_titles:
        other = _key(title)
        segments = _SEGMENTS.split(other)
        # A part of a "Headline | Section | Site" title confirms only as its longest part: the site's name and
        # the section are shorter than the headline they frame.
        if other == key or key == max(segments, key=len):
            return True
        if len(key) >= MIN_CONTAINED_HEADLINE_CHARS and key in other:
            return True
    return False


def headline(page: Declared, site: frozenset[str], fallback: str | None) -> str | None:
    """The article's headline as the reader sees it: the first h1 that a declared title confirms (og:title,
    twitter:title, JSON-LD, <title>; trafilatura's own title often is the h1, so it confirms nothing); else the
    first h1 that reads as a headline and not as the site's name; else the declared title without the site's name;
    else `fallback` (trafilatura's)."""
    titles = [without_site(t, site) for t in (page.og_title, page.twitter_title, page.ld_headline, page.title_tag)
              if t]
    for heading in page.h1:
        if _confirmed_by(heading, titles):
            return heading
    for heading in page.h1:
        if len(heading.split()) >= MIN_UNCONFIRMED_HEADLINE_WORDS and not _is_site(heading, site):
            return heading
    return titles[0] if titles else fallback


def declared_authors(page: Declared, fallback: str | None, site: frozenset[str]) -> list[str]:
    """The writers: JSON-LD's authors, else the author meta tags, else trafilatura's reading (`fallback`, names
    joined by ';'), each through the same person-name filter as a byline."""
    for fields in (page.ld_authors, page.meta_authors, [fallback] if fallback else []):
        names = [person_name(n, site) for field_ in fields for n in names_in_field(field_)]
        found = list(dict.fromkeys(n for n in names if n))
        if found:
            return found
    return []


def exact_moment(page: Declared, day: str | None) -> str | None:
    """The declared publication time (JSON-LD, article:published_time) when it falls on `day`, the date htmldate
    found, as printed in its own offset; else the day alone. A declared time on another day is a UTC conversion
    ("2019-11-20T01:50Z" for a page dated 19 November in Los Angeles) or another edition: the day stays."""
    for value in (page.ld_published, page.meta_published):
        if day and value and value[:10] == day and "T" in value:
            return value
    return day
