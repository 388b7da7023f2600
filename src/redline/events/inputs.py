"""Events for lines of input, nothing stored: the `redline code --json` contract.

A line is a JSONL record {id, text, date?} or a plain line of text (its id is its line number). Each gets one
result, in input order: {"id", "events", "quotes"}, or {"id", "events": [], "error"} for a line it cannot read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from redline.events.coder import Coder


def read_code_input(line: str, number: int) -> dict:
    """{"id", "text", "date"} or {"id", "error"}."""
    stripped = line.strip()
    if not stripped.startswith("{"):
        return {"id": str(number), "text": stripped}
    try:
        row = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return {"id": str(number), "error": f"line {number}: not valid JSON ({exc.msg})"}
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return {"id": str(row.get("id", number)) if isinstance(row, dict) else str(number),
                "error": f"line {number}: a record needs a \"text\" string"}
    return {"id": row.get("id", str(number)), "text": row["text"], "date": row.get("date")}


def code_lines(lines: list[str], coder: Coder | None = None, workers: int = 1) -> Iterator[dict]:
    """The contract's results for these lines (blank lines skipped), in order, as they are coded."""
    rows = [read_code_input(line, number) for number, line in enumerate(lines, start=1) if line.strip()]
    coder = coder or Coder()
    good = [r for r in rows if "error" not in r]
    coded = iter(coder.code_many(((r["text"], r.get("date"), str(r["id"])) for r in good), n_process=workers))
    for row in rows:
        if "error" in row:
            yield {"id": row["id"], "events": [], "error": row["error"]}
        else:
            yield {"id": row["id"], **next(coded).to_json()}
