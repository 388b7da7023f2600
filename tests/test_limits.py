"""Hostile and careless input: each is refused with a message naming the limit, never with a traceback."""

import time

import pytest
from conftest import ROOT
from test_cli import redline

from redline.errors import RedlineError
from redline.settings import Settings
from redline.watch import load_watchlist
from redline.watch.rules import RuleError, parse_rule

SHIPPED = ROOT / "watchlists" / "korea-ukraine-aid.yaml"
LEVELS = {"a": ["none", "watch", "crossed"], "b": ["none", "watch"]}


@pytest.mark.parametrize("rule", ["(" * 900 + "a" + ")" * 900, "(" * 10_000 + "a", "not " * 10_000 + "a",
                                  "not (" * 500 + "a" + ")" * 500])
def test_a_rule_nested_too_deep_is_a_rule_error_naming_the_setting(rule):
    with pytest.raises(RuleError, match="max_rule_depth"):
        parse_rule(rule, LEVELS)


def test_rules_within_the_limit_still_parse_and_hold():
    rule = parse_rule("not " * 3 + "(" * 20 + "a >= watch and b" + ")" * 20, LEVELS)
    assert rule.holds({"a": 0, "b": 0}) and not rule.holds({"a": 1, "b": 1})
    long_flat = parse_rule(" or ".join(["a = crossed"] * 5000), LEVELS)  # long, not deep: fine
    assert long_flat.holds({"a": 2, "b": 0})
    with pytest.raises(RuleError, match="max_rule_depth"):
        parse_rule("(" * 5 + "a" + ")" * 5, LEVELS, max_depth=4)


def test_a_watchlist_too_big_or_too_deep_is_refused_fast(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# padding\n" * 5_200_000)  # 52 MB
    started = time.perf_counter()
    with pytest.raises(RedlineError, match="max_watchlist_bytes"):
        load_watchlist(big)
    assert time.perf_counter() - started < 2
    deep = tmp_path / "deep.yaml"
    deep.write_text("id: x\nproblem: " + "[" * 20_000 + "]" * 20_000, encoding="utf-8")
    with pytest.raises(RedlineError, match="max_nesting"):
        load_watchlist(deep)
    indented = tmp_path / "indented.yaml"
    indented.write_text("".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v", encoding="utf-8")
    with pytest.raises(RedlineError, match="nested more than 64 deep"):
        load_watchlist(indented)
    assert load_watchlist(SHIPPED, Settings(max_nesting=8)).id == "korea-ukraine-aid"  # real ones are shallow


def test_the_cli_prints_one_line_for_a_hostile_watchlist_not_a_traceback(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8").replace("when: always", "when: " + "(" * 1000 + "always" + ")" * 1000, 1)
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text, encoding="utf-8")
    (tmp_path / "outlets.yaml").write_text((SHIPPED.parent / "outlets.yaml").read_text(encoding="utf-8"))
    result = redline("board", "-w", hostile, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "max_rule_depth" in result.stderr


def test_json_nested_too_deep_is_an_item_error_and_the_run_goes_on(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (tmp_path / "deep.jsonl").write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
                                         '{"text": "North Korea sent troops to Russia, officials said on Monday."}\n')
    result = redline("ingest", tmp_path / "deep.json", tmp_path / "deep.jsonl", "--db",
                     f"sqlite:///{tmp_path / 'r.db'}", cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stderr.count("nested too deeply") == 2 and "1 stored" in result.stdout


@pytest.mark.parametrize("table", [b"\xff\xfe\x00 binary", b"[" * 1000, b"- just\n- a list\n"])
def test_a_watchlist_whose_reliability_table_is_garbage_is_one_clear_error(tmp_path, table):
    (tmp_path / "outlets.yaml").write_bytes(table)
    watchlist = tmp_path / "watch.yaml"
    watchlist.write_bytes(SHIPPED.read_bytes())
    with pytest.raises(RedlineError, match="outlets.yaml"):
        load_watchlist(watchlist)
