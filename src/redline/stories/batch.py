"""Stories for a JSONL batch of articles, nothing stored: the `redline stories --input --json` contract.

Each input line gets one result, in input order: {"id", "story", "duplicate_of", "derived_from"}; a line that
cannot be read (not JSON, no id or text, an id seen on an earlier line) gets those fields empty and an "error"
naming the line, and the others are grouped.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from redline.clean.meta import parse_date
from redline.records import Article
from redline.stories.grouping import Grouper

# Articles embedded and placed per step (a progress bar moves by this much).
GROUP_BATCH = 256


def read_story_inputs(lines: list[str]) -> list[dict]:
    """Each non-blank line as {"id", "article"} or, when it cannot be read, {"id", "error"}."""
    rows, first_line_of = [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append({"id": None, "error": f"line {number}: not valid JSON ({exc.msg})"})
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or record.get("id") is None:
            found_id = record.get("id") if isinstance(record, dict) else None
            problem = f"line {number}: a record needs an \"id\" and a \"text\" string"
            rows.append({"id": None if found_id is None else str(found_id), "error": problem})
            continue
        article_id = str(record["id"])
        if article_id in first_line_of:
            rows.append({"id": article_id, "error": f"line {number}: id {article_id!r} is already on line "
                                                       f"{first_line_of[article_id]}"})
            continue
        first_line_of[article_id] = number
        text = record["text"]
        article = Article(id=article_id, text=text, paragraphs=text.split("\n\n"), title=record.get("title"),
                          outlet=record.get("outlet"), published=parse_date(record.get("published")))
        rows.append({"id": article_id, "article": article})
    return rows


def group_lines(lines: list[str], *, embeddings: bool = True,
                on_step: Callable[[int, int], None] | None = None) -> list[dict]:
    """The contract's results for these JSONL lines. `on_step(done, total)` follows the grouping."""
    rows = read_story_inputs(lines)
    articles = [row["article"] for row in rows if "article" in row]
    grouper = Grouper(use_embeddings=embeddings)
    for start in range(0, len(articles), GROUP_BATCH):
        grouper.process(articles[start:start + GROUP_BATCH])
        if on_step:
            on_step(min(start + GROUP_BATCH, len(articles)), len(articles))
    # Read once all are placed: a later merge can move an earlier article's story.
    results = []
    for row in rows:
        article = row.get("article")
        result = {"id": row["id"], "story": None, "duplicate_of": None, "derived_from": None}
        if article is None:
            result["error"] = row["error"]
        else:
            result.update(story=grouper.tracker.story_for(article.id), duplicate_of=article.duplicate_of,
                          derived_from=article.derived_from)
        results.append(result)
    return results
