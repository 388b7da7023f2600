"""Markdown dumps read as text: what reader tools (Jina Reader, Firecrawl, html2text, pandoc) write of a page.

A link keeps its words and loses its address, an image goes with its address, emphasis and heading marks go;
each block (heading, paragraph, list item, table row, quote) becomes a line of its own, as the plain-text
cleaner expects. Parsed by markdown-it-py (CommonMark, with tables), which rich already brings.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A link or image with an address: "[words](https://…)", "![alt](/img.png)", "[words](#anchor)".
_LINK = re.compile(r"\]\((?:https?://|/|#|\.\.?/|mailto:)[^)\s]*(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6} \S", re.MULTILINE)
# Markdown is told from plain text by its links (three, where plain news text has none) or its headings (two).
MIN_LINKS = 3
MIN_HEADINGS = 2

# Blocks whose inline text is a line of their own (their *_open tokens).
_TEXT_BLOCKS = {"heading_open", "paragraph_open", "th_open", "td_open"}


def looks_like_markdown(text: str) -> bool:
    return len(_LINK.findall(text, 0, 200_000)) >= MIN_LINKS or len(_HEADING.findall(text)) >= MIN_HEADINGS


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def markdown_to_text(text: str) -> tuple[str, str | None]:
    """The dump as plain text (one line per block, blocks apart by a blank line, table cells on one line), and
    its first top-level heading: the page's title, where reader tools put it."""
    out: list[str] = []
    row: list[str] = []
    title = None
    tokens = _parser().parse(text)
    for opener, token in zip([None, *tokens], tokens):
        if token.type == "inline" and opener is not None and opener.type in _TEXT_BLOCKS:
            words = _inline_text(token.children or [])
            if title is None and opener.tag == "h1":
                title = words or None
            if opener.type in ("th_open", "td_open"):
                row.append(words)
            elif words:
                out.append(words)
        elif token.type == "tr_close":
            out.append(" ".join(cell for cell in row if cell))
            row = []
        elif token.type in ("fence", "code_block"):
            out.extend(line for line in token.content.splitlines() if line.strip())
    return "\n\n".join(line for line in out if line), title


def _inline_text(children) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":  # a wrapped line
            parts.append(" ")
        elif child.type == "hardbreak":  # a <br>: lines apart, as the plain-text cleaner reads them
            parts.append("\n")
        # image (alt text and address), html_inline, link and emphasis marks: nothing of their own to keep
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n"))
