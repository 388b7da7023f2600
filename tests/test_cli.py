"""The `redline` command as a user runs it: a real process, real files, a real SQLite file."""

import json
import os
import subprocess
import sys

from conftest import DONGA_SEED, EXAMPLES, FIXTURES, KOREAPRO_SEED, ROOT

CONTRACT_KEYS = ["id", "url", "outlet", "title", "published", "updated", "authors", "language", "text"]


def redline(*args, cwd=None, env_db=None):
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    if env_db:
        env["REDLINE_DB_URL"] = env_db
    return subprocess.run([sys.executable, "-m", "redline", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_clean_json_contract_one_line_per_input_in_order(tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"caf\xe9 \xff")
    result = redline("clean", KOREAPRO_SEED, broken, FIXTURES / "article.html", DONGA_SEED, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 4
    assert [r["outlet"] for r in rows if r["id"]] == ["Korea Pro (Korea Risk Group)", "The Korea Herald",
                                                     "The Dong-A Ilbo"]
    assert list(rows[0])[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert rows[1]["id"] is None and rows[1]["input"] == str(broken) and "undecodable" in rows[1]["error"]["message"]
    donga = rows[3]
    assert donga["published"] == "2024-10-23T08:45:00+09:00"
    assert donga["authors"][0] == {"name": "Jin-Woo Shin", "email": "niceshin@donga.com"}
    assert not list(tmp_path.glob("*.db")), "clean must not store anything"


def test_ingest_then_list_and_rerun_adds_nothing(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    first = redline("ingest", EXAMPLES, "--json", env_db=db, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["stored"] == 2
    second = redline("ingest", EXAMPLES, env_db=db, cwd=tmp_path)
    assert "0 stored" in second.stdout and "2 already ingested" in second.stdout
    listed = redline("articles", "--json", env_db=db, cwd=tmp_path)
    assert sorted(json.loads(line)["outlet"] for line in listed.stdout.splitlines()) == [
        "Korea Pro (Korea Risk Group)", "The Dong-A Ilbo"]


def test_ingest_reports_each_bad_item_on_one_line(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = redline("ingest", tmp_path / "empty.txt", DONGA_SEED, "--db", f"sqlite:///{tmp_path / 'r.db'}",
                     cwd=tmp_path)
    assert result.returncode == 0
    assert f"{tmp_path / 'empty.txt'}: empty file" in result.stderr
    assert "1 stored" in result.stdout and "1 failed" in result.stdout
    strict = redline("ingest", tmp_path / "empty.txt", "--strict", "--db", f"sqlite:///{tmp_path / 'r.db'}")
    assert strict.returncode == 1


def test_demo_builds_a_fresh_store_from_the_examples(tmp_path):
    result = redline("demo", EXAMPLES, "--db-file", tmp_path / "demo.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 stored" in result.stdout
    assert "The Dong-A Ilbo" in result.stdout and "Korea Pro (Korea Risk Group)" in result.stdout
    again = redline("demo", EXAMPLES, "--db-file", tmp_path / "demo.db", cwd=tmp_path)
    assert "2 stored" in again.stdout  # fresh each time


def test_bad_settings_file_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "redline.toml").write_text("db_url = [", encoding="utf-8")
    result = redline("articles", cwd=tmp_path)
    assert result.returncode == 1
    assert "not valid TOML" in result.stderr and "Traceback" not in result.stderr


def test_stories_list_and_story_view_from_the_store(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    assert redline("ingest", EXAMPLES, env_db=db, cwd=tmp_path).returncode == 0
    listed = redline("stories", "--json", env_db=db, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    stories = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(stories) == 1 and len(stories[0]["articles"]) == 2
    assert {(o["name"], o["independent"]) for o in stories[0]["outlets"]} == {
        ("The Dong-A Ilbo", True), ("Korea Pro (Korea Risk Group)", True)}
    assert any("1,500 elite troops" in s for s in stories[0]["adds"]["The Dong-A Ilbo"])
    shown = redline("story", stories[0]["id"], env_db=db, cwd=tmp_path)
    assert shown.returncode == 0 and "Only Korea Pro (Korea Risk Group) reports" in shown.stdout
    missing = redline("story", "s-nope", env_db=db, cwd=tmp_path)
    assert missing.returncode == 1 and "no story 's-nope'" in missing.stderr


def test_every_command_says_what_it_is_for_and_shows_an_example():
    top = redline("--help")
    assert top.returncode == 0 and "redline demo" in top.stdout
    for command in ("ingest", "clean", "articles", "stories", "story", "code", "events", "board", "replay",
                    "alerts", "brief", "serve", "collect", "sources", "demo"):
        shown = redline(command, "--help")
        assert shown.returncode == 0, shown.stderr
        assert "Example:" in shown.stdout and f"redline {command}" in shown.stdout.split("Example:")[1], command


def test_an_empty_store_says_so_and_what_to_do(tmp_path):
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    for command in (("articles",), ("stories",), ("events",), ("board", "-w", ROOT / "watchlists" / "korea-ukraine-aid.yaml")):
        result = redline(*command, env_db=db, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "the store holds no articles" in result.stderr and "redline ingest" in result.stderr, command


def test_a_board_whose_evidence_has_aged_out_says_so(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    assert redline("ingest", DONGA_SEED, env_db=db, cwd=tmp_path).returncode == 0  # dated October 2024
    watchlist = ROOT / "watchlists" / "korea-ukraine-aid.yaml"
    now = redline("board", "-w", watchlist, env_db=db, cwd=tmp_path)
    assert now.returncode == 0, now.stderr
    assert "pieces of evidence are older than" in now.stderr and "--as-of latest" in now.stderr
    latest = redline("board", "-w", watchlist, "--as-of", "latest", env_db=db, cwd=tmp_path)
    assert "older than" not in latest.stderr and "1,500 troops" in latest.stdout
