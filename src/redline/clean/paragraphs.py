"""From a page's paragraphs to the article's: drop what is not the article, keep what the page says about it.

Both cleaners end here. The steps, in order:
1. drop lines the outlet is known to repeat on every page (learned boilerplate);
2. take out navigation, Posted/Updated stamps (kept as dates), bylines (kept as authors), copyright lines
   (kept as the holder's name);
3. find the title (given, or the first heading before the body) and drop its repeats;
4. cut the tail: offers, paywalls, share prompts and link lists after the last paragraph of the article;
5. drop short promotional lines inside the body, and keep each repeated paragraph once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redline.clean import lines
from redline.records import normalise_text


@dataclass
class Draft:
    """What the cleaners found, before it becomes an Article."""

    paragraphs: list[str]
    title: str | None = None
    stamps: list[tuple[str, str]] = field(default_factory=list)  # ("published" | "updated", date text)
    bylines: list[str] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)  # copyright holders
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (why, text): shown by `redline clean --explain`


# Promotional lines inside the body are short; a long paragraph that mentions a subscription is news.
PROMO_MAX_WORDS = 25


def tidy(
    paragraphs: list[str],
    *,
    title: str | None = None,
    find_title: bool = False,
    learned: frozenset[str] = frozenset(),
) -> Draft:
    draft = Draft(paragraphs=[], title=title)
    kept = _take_out_meta(paragraphs, draft, learned)
    kept = _take_title(kept, draft, find_title)
    kept = _cut_tail(kept, draft)
    draft.paragraphs = _dedupe(_drop_promos(kept, draft), draft)
    return draft


def _take_out_meta(paragraphs: list[str], draft: Draft, learned: frozenset[str]) -> list[str]:
    kept = []
    for text in paragraphs:
        text = text.strip()
        if not text:
            continue
        found_stamp = lines.stamp(text)
        if learned and normalise_text(text) in learned:
            draft.dropped.append(("learned boilerplate", text))
        elif found_stamp:
            draft.stamps.append(found_stamp)
            draft.dropped.append(("date stamp", text))
        elif lines.is_nav(text):
            draft.dropped.append(("navigation", text))
        elif lines.is_byline(text):
            draft.bylines.append(text)
            draft.dropped.append(("byline", text))
        elif lines.is_copyright(text):
            holder = lines.copyright_holder(text)
            if holder:
                draft.holders.append(holder)
            draft.dropped.append(("copyright", text))
        else:
            kept.append(text)
    return kept


def _take_title(paragraphs: list[str], draft: Draft, find_title: bool) -> list[str]:
    if draft.title is None and find_title:
        for text in paragraphs:
            if lines.is_body(text):
                break
            if lines.is_heading(text) and not lines.is_paywall_or_tail(text):
                draft.title = text
                break
    if not draft.title:
        return paragraphs
    key = normalise_text(draft.title)
    kept = []
    for index, text in enumerate(paragraphs):
        # The title repeated as the page's first lines (a headline over the article) is not article text.
        if normalise_text(text) == key and all(not lines.is_body(p) for p in paragraphs[:index]):
            draft.dropped.append(("title", text))
        else:
            kept.append(text)
    return kept


def _cut_tail(paragraphs: list[str], draft: Draft) -> list[str]:
    """Walk back from the end, dropping what is not article text, until the last real paragraph."""
    end = len(paragraphs)
    while end > 0:
        text = paragraphs[end - 1]
        if lines.is_body(text) and not lines.is_paywall_or_tail(text):
            break
        end -= 1
    if end == 0:  # nothing reads as body text: keep the page as it is rather than empty it
        return paragraphs
    draft.dropped.extend(("tail", text) for text in paragraphs[end:])
    return paragraphs[:end]


def _drop_promos(paragraphs: list[str], draft: Draft) -> list[str]:
    kept = []
    for text in paragraphs:
        if lines.is_paywall_or_tail(text) and lines.words(text) <= PROMO_MAX_WORDS:
            draft.dropped.append(("promotion", text))
        else:
            kept.append(text)
    return kept


def _dedupe(paragraphs: list[str], draft: Draft) -> list[str]:
    seen: set[str] = set()
    kept = []
    for text in paragraphs:
        key = normalise_text(text)
        if key and key in seen:
            draft.dropped.append(("repeated", text))
            continue
        seen.add(key)
        kept.append(text)
    return kept
