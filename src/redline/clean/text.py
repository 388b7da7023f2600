"""Plain-text dumps (a page copied or converted to text): split into paragraphs, then the shared rules."""

from __future__ import annotations

import re

from redline.clean import lines
from redline.clean.paragraphs import Draft, tidy
from redline.errors import NoArticleError

_LOWER_START = re.compile(r"^[a-z(]")
# Commas of the scripts written without spaces or capitals (Chinese, Japanese).
_UNSPACED_COMMAS = ("、", "，")


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per line, except lines hard-wrapped mid-sentence, which are joined again.

    A line continues the one before when that one stops mid-sentence (no closing punctuation, not a heading-like
    short line) and this one starts in lower case: 'may be reproduced, distributed, or used for' + 'commercial ...'.
    """
    paragraphs: list[str] = []
    previous_blank = True
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            previous_blank = True
            continue
        if paragraphs and not previous_blank and _continues(paragraphs[-1], line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        previous_blank = False
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    if previous.endswith(_UNSPACED_COMMAS):  # "また、その他にも、" goes on on the next line: no case tells it
        return True
    # "(c) Northern Post 2019 …" under a byline starts a copyright line, not the byline's next words.
    return (bool(_LOWER_START.match(line)) and not lines.ends_sentence(previous) and lines.words(previous) >= 6
            and not lines.is_copyright(line) and not lines.is_byline(previous))


def extract_text(text: str, *, where: str, title: str | None = None) -> Draft:
    draft = tidy(split_paragraphs(text), title=title, plain_text=True)
    if not draft.paragraphs:
        raise NoArticleError(where, "no article text: every line is navigation, metadata or boilerplate")
    return draft
