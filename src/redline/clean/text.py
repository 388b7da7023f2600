"""Plain-text dumps (a page copied or converted to text): split into paragraphs, then the shared rules."""

from __future__ import annotations

import re

from redline.clean import lines
from redline.clean.markdown import looks_like_markdown, markdown_to_text
from redline.clean.paragraphs import Draft, tidy
from redline.errors import NoArticleError

_LOWER_START = re.compile(r"^[a-z(]")
# Punctuation no paragraph starts with: the rest of a sentence whose link or emphasis the converter cut out.
_CLOSING_START = re.compile(r"^(?:[,.;:)!?’”]|'s\b)")
# A link's or an emphasis's text cut out of its sentence: a few words, no sentence end.
FRAGMENT_MAX_WORDS = 4
# Commas of the scripts written without spaces or capitals (Chinese, Japanese).
_UNSPACED_COMMAS = ("、", "，")


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per line, except lines cut mid-sentence, which are joined again.

    Two converters cut sentences: hard wrapping ('may be reproduced, distributed, or used for' + 'commercial ...')
    and a text node per line, where every link or emphasis inside a sentence gets a line of its own ('there has
    been news on the fourth film in rebooted' + 'Star Trek' + 'film series: ...', 'according to' + 'The Wrap' +
    '.'). A line continues the one before (no blank line between) when that one stops mid-sentence and this one
    starts in lower case or with closing punctuation, or is a short fragment the next line continues.
    """
    rows = [" ".join(raw.split()) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    paragraphs: list[str] = []
    previous_blank = True
    for number, line in enumerate(rows):
        if not line:
            previous_blank = True
            continue
        following = rows[number + 1] if number + 1 < len(rows) else ""
        if paragraphs and not previous_blank and _continues(paragraphs[-1], line, following):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        previous_blank = False
    return paragraphs


def _continues(previous: str, line: str, following: str) -> bool:
    if previous.endswith(_UNSPACED_COMMAS):  # "また、その他にも、" goes on on the next line: no case tells it
        return True
    # "(c) Northern Post 2019 …" under a byline starts a copyright line, not the byline's next words.
    if lines.ends_sentence(previous) or lines.is_copyright(line) or lines.is_byline(previous):
        return False
    if _CLOSING_START.match(line):
        return True
    if lines.words(previous) < 6:
        return False
    if _LOWER_START.match(line):
        return True
    return (lines.words(line) <= FRAGMENT_MAX_WORDS and not lines.ends_sentence(line)
            and bool(_CLOSING_START.match(following) or _LOWER_START.match(following)))


def extract_text(text: str, *, where: str, title: str | None = None) -> Draft:
    if looks_like_markdown(text):
        text, heading = markdown_to_text(text)
        title = title or heading
    draft = tidy(split_paragraphs(text), title=title, plain_text=True)
    if not draft.paragraphs:
        raise NoArticleError(where, "no article text: every line is navigation, metadata or boilerplate")
    return draft
