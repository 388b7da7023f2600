"""From a page's paragraphs to the article's: drop what is not the article, keep what the page says about it.

Both cleaners end here. The steps, in order:
1. take out navigation, Posted/Updated stamps (kept as dates), bylines (kept as authors), copyright lines
   (kept as the holder's name);
2. plain text only: keep the main block, the run of lines richest in body text (maximum-sum segment: body
   paragraphs score their length, other lines a penalty), since a text dump holds the whole page, and the list
   it ends by introducing ("The tour dates:"), since list items are not prose;
3. find the title (given, or the heading just before the main block) and drop its repeats;
4. cut the tail: offers, paywalls, share prompts (and, in plain text, any line that is not body text) after
   the last paragraph of the article;
5. drop short promotional lines inside the body, and keep repeated paragraphs once.
"""

from __future__ import annotations

import re

from collections import Counter
from dataclasses import dataclass, field

from redline.clean import lines, meta
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


# Promotional lines inside the body are short; a long paragraph that mentions a subscription is news, and so
# is a short one that reports what someone said ("… continued to sign up subscribers, Mayer said").
PROMO_MAX_WORDS = 25
_REPORTED = re.compile(r"\b(said|says|told|according to)\b")
# A repeated paragraph this long is a copy defect; shorter repeats (an interview's recurring question, list
# items) are the page's own, unless most of the page is doubled.
REPEAT_MIN_WORDS = 20
# A page is doubled (a copy defect, like the seed that prints every paragraph twice) when nearly all its body
# paragraphs recur; a page whose recipes or plans share a few lines is not (ScrapingHub, 5f03fc…).
DOUBLED_SHARE = 0.7
# Main-block scoring, measured on text dumps of the ScrapingHub pages (benchmarks/clean.py): a body paragraph
# scores its length less a small offset (one-sentence fragments should not carry a block); a line that is not
# body text costs its length within [min, max].
BODY_OFFSET = 4
NON_BODY_MIN_PENALTY = 5
NON_BODY_MAX_PENALTY = 15
# A body paragraph with no body paragraph on either side (a teaser's summary between its headline and date, a
# comment between its author and "Reply") counts this share of its score: articles are runs of paragraphs.
ISOLATED_WEIGHT = 0.5
# A run of this many lines that are not body text ends the article: teaser lists and menus follow it.
MAX_GAP_LINES = 8
# Navigation, stamps, bylines and copyright lines are short: a longer paragraph is not tested for them.
META_MAX_WORDS = 40
# A list the article introduces ("The tour dates:") is read on while its items are at most this long.
LIST_ITEM_MAX_WORDS = 40
# Lines of another shape within a list (a product's link on a line of its own) before the list is over.
LIST_ODD_LINES = 1
LIST_MIN_ITEMS = 2
# Under a heading with no colon, a list is read only when it holds figures (dates, scores) in this many items.
LIST_MIN_ITEMS_UNDER_HEADING = 5
FIGURE_WITHIN_WORDS = 3
# The title is looked for among this many lines before the main block.
TITLE_LOOKBACK = 8
# A block of at least this score before the readers' comments begin is the article; the comments are not.
MIN_ARTICLE_SCORE = 50


def tidy(
    paragraphs: list[str],
    *,
    title: str | None = None,
    plain_text: bool = False,
) -> Draft:
    """Judge a page's paragraphs; `plain_text` when they come from a whole-page dump rather than an extractor."""
    lines.forget()
    draft = Draft(paragraphs=[], title=title)
    kept = _take_out_meta(paragraphs, draft)
    listed: list[str] = []  # the items of a list the article ends by introducing: kept, though not prose
    if plain_text:
        start, end = main_block(kept)
        list_end = _list_after(kept, end)
        if draft.title is None:
            draft.title = _title_before(kept[max(0, start - TITLE_LOOKBACK):start]) or _title_before(kept[start:end])
        draft.dropped.extend(("outside the main block", text) for text in kept[:start] + kept[list_end:])
        kept, listed = kept[start:end], kept[end:list_end]
    kept = _drop_title(kept, draft)
    kept = _cut_related(kept, draft)
    kept = _cut_tail(kept, draft, strict=plain_text) + listed
    draft.paragraphs = _dedupe(_drop_promos(kept, draft), draft)
    return draft


def _block_score(text: str) -> int:
    n = lines.words(text)
    # Offers and tails are short: a long paragraph that mentions one is news. A site notice is never news.
    boilerplate = lines.is_paywall_or_tail if n <= META_MAX_WORDS else lines.is_site_notice
    if lines.is_body(text) and not boilerplate(text) and not lines.is_glued_teaser(text):
        return n - BODY_OFFSET
    return -min(max(n, NON_BODY_MIN_PENALTY), NON_BODY_MAX_PENALTY)


def _block_scores(paragraphs: list[str]) -> list[int]:
    scores = [_block_score(text) for text in paragraphs]
    for index, text in enumerate(paragraphs[1:], start=1):
        if scores[index - 1] > 0 and lines.is_picture_credit(text):  # the line over a picture's credit: a caption
            scores[index - 1] = -NON_BODY_MAX_PENALTY
    weighted = list(scores)
    for index, score in enumerate(scores):
        before = scores[index - 1] if index > 0 else 0
        after = scores[index + 1] if index + 1 < len(scores) else 0
        if score > 0 and before <= 0 and after <= 0:
            weighted[index] = int(score * ISOLATED_WEIGHT)
    return weighted


def main_block(paragraphs: list[str]) -> tuple[int, int]:
    """[start, end) of the article: the maximum-sum run of paragraph scores (Kadane's algorithm).

    Readers' comments read like body text too; where the page has an article-sized block before its comments
    begin, that block is the article.
    """
    scores = _block_scores(paragraphs)
    # A line printed twice in a row (a copy defect) is one line of a gap, not two.
    repeats = [index > 0 and text == paragraphs[index - 1] for index, text in enumerate(paragraphs)]
    for index, text in enumerate(paragraphs):
        if lines.starts_comments(text):
            score, span = _best_run(scores[:index], repeats)
            if score >= MIN_ARTICLE_SCORE:
                return span
    return _best_run(scores, repeats)[1] if paragraphs else (0, 0)


def _list_after(paragraphs: list[str], end: int) -> int:
    """Where the article ends once the list it introduces is read: a last paragraph, or the line right after it,
    that ends with a colon ("The tour dates:", "Here are the offers:") is followed by its items (dates, products,
    standings), not by the page; so is a heading right after it over items with figures ("The Doobie Brothers
    Tour Dates", then the dates). The items look alike; the page that follows them does not."""
    min_items, need_figures = LIST_MIN_ITEMS, False
    first = end
    if end < len(paragraphs) and _introduces_list(paragraphs[end]):
        first = end + 1
    elif end < len(paragraphs) and _heads_list(paragraphs[end]):
        first, min_items, need_figures = end + 1, LIST_MIN_ITEMS_UNDER_HEADING, True
    elif not end or not _introduces_list(paragraphs[end - 1]):
        return end
    if first == len(paragraphs) or not _is_list_item(paragraphs[first]):
        return end
    shape, last_item, items = _item_shape(paragraphs[first]), first, 0
    for index in range(first, len(paragraphs)):
        if not _is_list_item(paragraphs[index]) or (need_figures and not _figure_first(paragraphs[index])):
            break
        if _item_shape(paragraphs[index]) == shape:
            last_item, items = index, items + 1
        elif index - last_item > LIST_ODD_LINES:
            break
    return last_item + 1 if items >= min_items else end


def _figure_first(text: str) -> bool:
    """A row of data puts its figure up front: "June 9 – West Palm Beach", "1 Kyle Busch 5040", "2a etapa: …"."""
    return any(character.isdigit() for character in " ".join(text.split()[:FIGURE_WITHIN_WORDS]))


def _heads_list(text: str) -> bool:
    return lines.is_heading(text) and _may_open_list(text)


def _introduces_list(text: str) -> bool:
    return text.rstrip().endswith(":") and _may_open_list(text)


def _may_open_list(text: str) -> bool:
    """A line of the article, not of the page ("Related links:" opens the page's own list)."""
    return _is_list_item(text) and not text.lower().startswith("related")


def _is_list_item(text: str) -> bool:
    return (lines.words(text) <= LIST_ITEM_MAX_WORDS and not lines.is_nav(text) and not lines.is_paywall_or_tail(text)
            and not lines.is_related_header(text) and not lines.starts_comments(text))


def _item_shape(text: str) -> tuple[str, bool]:
    """How a list item starts (a number, a bullet, a capital …) and whether it holds a figure: items of one list
    share it ("June 9 -- Coral Sky Amphitheatre", "Sept. 5 -- White River Amphitheatre")."""
    first = text.lstrip()[:1]
    start = "digit" if first.isdigit() else "bullet" if first in "*•·-–—+" else "upper" if first.isupper() else "other"
    return start, any(character.isdigit() for character in text)


def _best_run(scores: list[int], repeats: list[bool]) -> tuple[int, tuple[int, int]]:
    """The best run within the stretches that long gaps of non-body lines separate."""
    best: tuple[int, tuple[int, int]] = (0, (0, len(scores)))
    for start, end in _stretches(scores, repeats):
        score, (a, b) = _kadane(scores[start:end])
        if score > best[0]:
            best = (score, (start + a, start + b))
    return best


def _stretches(scores: list[int], repeats: list[bool]) -> list[tuple[int, int]]:
    stretches, start, gap, gap_start = [], 0, 0, 0
    for index, score in enumerate(scores):
        if score > 0:
            gap = 0
        elif not repeats[index]:
            gap_start = index if gap == 0 else gap_start
            gap += 1
            if gap == MAX_GAP_LINES:
                stretches.append((start, gap_start))
                start = index + 1
    stretches.append((start, len(scores)))
    return stretches


def _kadane(scores: list[int]) -> tuple[int, tuple[int, int]]:
    best, best_span = 0, (0, len(scores))
    running, start = 0, 0
    for index, score in enumerate(scores):
        if running <= 0:
            running, start = 0, index
        running += score
        if running > best:
            best, best_span = running, (start, index + 1)
    return best, best_span


def _title_before(candidates: list[str]) -> str | None:
    for text in reversed(candidates):
        if lines.is_heading(text) and lines.words(text) >= 3 and not lines.is_paywall_or_tail(text):
            return text
    return None


def _take_out_meta(paragraphs: list[str], draft: Draft) -> list[str]:
    kept = []
    body_above = False  # below the article's first paragraph, a date alone heads a part of it (a timeline's entry)
    for text in paragraphs:
        text = text.strip()
        if not text:
            continue
        if lines.words(text) > META_MAX_WORDS:
            kept.append(text)
            body_above = body_above or lines.is_body(text)
            continue
        found_stamp = lines.stamp(text) or (None if body_above else _dateline(text))
        if found_stamp:
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
            body_above = body_above or lines.is_body(text)
    return kept


def _dateline(text: str) -> tuple[str, str] | None:
    """A line that is only a date, above the article's first paragraph: when the article was published."""
    value = meta.date_line(text)
    return ("published", value) if value else None


def _drop_title(paragraphs: list[str], draft: Draft) -> list[str]:
    if not draft.title:
        return paragraphs
    key = normalise_text(draft.title)
    kept = []
    body_above = False
    for text in paragraphs:
        # The title repeated as the page's first lines (a headline over the article) is not article text; so is
        # a variant of it ("Opinion | Is Football Violence a Crime?" over "Is Football Violence a Crime?").
        if not body_above and _same_title(normalise_text(text), key):
            draft.dropped.append(("title", text))
        else:
            kept.append(text)
        body_above = body_above or lines.is_body(text)
    return kept


def _same_title(line: str, title: str) -> bool:
    if not line:
        return False
    return line == title or (lines.words(line) >= 3 and (line in title or title in line)
                             and abs(len(line) - len(title)) <= max(len(line), len(title)) / 2)


def _cut_related(paragraphs: list[str], draft: Draft) -> list[str]:
    """Cut at a 'You may also like' / 'Related stories' heading after the article's first paragraph, unless the
    article goes on below it (an inline 'Related' box)."""
    past_first_paragraph = False
    for index, text in enumerate(paragraphs):
        if past_first_paragraph and lines.is_related_header(text) and not _article_goes_on(paragraphs[index + 1:]):
            draft.dropped.extend(("related links", t) for t in paragraphs[index:])
            return paragraphs[:index]
        past_first_paragraph = past_first_paragraph or lines.is_body(text)
    return paragraphs


def _article_goes_on(paragraphs: list[str]) -> bool:
    """Two body paragraphs in a row (not list items): the article goes on. Teasers under a 'More in …' heading
    come one by one, each between its headline and its date."""
    in_body = [lines.is_body(text) and lines.unbulleted(text) == text for text in paragraphs]
    return any(in_body[i] and in_body[i + 1] and paragraphs[i] != paragraphs[i + 1] for i in range(len(paragraphs) - 1))


def _cut_tail(paragraphs: list[str], draft: Draft, *, strict: bool) -> list[str]:
    """Walk back from the end, dropping what is not article text, until the last real paragraph.

    `strict` (plain text): any line that does not read as body text goes. Otherwise (extracted HTML, where lists
    and short closing lines are often the article's own) only offers, paywalls and share prompts go.
    """
    end = len(paragraphs)
    while end > 0:
        text = paragraphs[end - 1]
        if lines.is_paywall_or_tail(text) or lines.is_nav(text):
            end -= 1
        elif strict and not lines.is_body(text):
            end -= 1
        else:
            break
    if end == 0:  # nothing reads as body text: keep the page as it is rather than empty it
        return paragraphs
    draft.dropped.extend(("tail", text) for text in paragraphs[end:])
    return paragraphs[:end]


def _drop_promos(paragraphs: list[str], draft: Draft) -> list[str]:
    kept = []
    for text in paragraphs:
        if lines.is_caption(text):
            draft.dropped.append(("caption", text))
        elif lines.words(text) <= PROMO_MAX_WORDS and lines.is_paywall_or_tail(text) and not _REPORTED.search(text):
            draft.dropped.append(("promotion", text))
        else:
            kept.append(text)
    return kept


def _dedupe(paragraphs: list[str], draft: Draft) -> list[str]:
    keys = [normalise_text(text) for text in paragraphs]
    counts = Counter(keys)
    body_keys = {key for text, key in zip(paragraphs, keys) if lines.is_body(text)}
    doubled_page = sum(1 for key in body_keys if counts[key] > 1) >= DOUBLED_SHARE * len(body_keys)
    first: dict[str, int] = {}
    kept = []
    for index, (text, key) in enumerate(zip(paragraphs, keys)):
        recurring = counts[key] >= 3 and not _copied_with_neighbours(keys, first.get(key, index), index)
        if key in first and (doubled_page or (lines.words(text) >= REPEAT_MIN_WORDS and not recurring)):
            draft.dropped.append(("repeated", text))
            continue
        first.setdefault(key, index)
        kept.append(text)
    return kept


def _copied_with_neighbours(keys: list[str], original: int, repeat: int) -> bool:
    """A copy defect repeats a paragraph next to itself or with its neighbours (A A, or A B … A B). A paragraph
    that comes back three times or more among new text (an interview's recurring question) is the page's own."""
    if repeat == original + 1:
        return True
    before = repeat > 0 and original > 0 and keys[repeat - 1] == keys[original - 1]
    after = repeat + 1 < len(keys) and keys[repeat + 1] == keys[original + 1]
    return before or after
