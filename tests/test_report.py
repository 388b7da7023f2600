"""Briefs: what changed, each story's facts with citations, what each outlet adds, numbers that differ, quotes,
a timeline; Markdown, HTML and PDF, from a real store (the seeds through the pipeline, and stored reports)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from conftest import EXAMPLES, ROOT
from test_cli import redline
from test_watch import event, report

from redline.report import build_brief, render, write_pdf

SHIPPED = ROOT / "watchlists" / "korea-ukraine-aid.yaml"
T0 = datetime(2024, 11, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("brief")
    assert redline("ingest", EXAMPLES, cwd=folder).returncode == 0
    return folder


def test_seed_brief_tells_the_stage_the_story_and_cites_every_line(seeded):
    result = redline("brief", "-w", SHIPPED, "--as-of", "latest", cwd=seeded)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "**Stage 1: non-lethal aid**" in text
    assert "| nk-troops-in-russia | warning | 1,500 troops | reported | 2 | B1 |" in text  # both outlets report it
    assert "### Presidential Office signals possible offensive weapons aid to Ukraine (new)" in text
    assert "- Korea Pro (Korea Risk Group): " in text and "- The Dong-A Ilbo: " in text
    story = text.split("## Stories", 1)[1]
    facts = [line for line in story.splitlines() if line.startswith(("- ", "  - ")) and "“" in line]
    assert facts and all(re.search(r"\[(The Dong-A Ilbo|Korea Pro \(Korea Risk Group\)), (2024-10-22|undated)\]",
                                   line) for line in facts)
    assert "**What each outlet adds**" in story and "*Korea Pro (Korea Risk Group)* only:" in story
    assert "Kim Tae-hyo" in story  # the quotes, with their speakers
    assert "**Timeline**" in story


def test_the_next_brief_tells_only_what_changed_since(seeded):
    assert redline("brief", cwd=seeded).returncode == 0  # the first brief of this store (or the second)
    quiet = redline("brief", cwd=seeded)
    assert quiet.returncode == 0 and "What changed since" in quiet.stdout and "### " not in quiet.stdout
    everything = redline("brief", "--since", "2024-10-01", cwd=seeded)
    assert "### Presidential Office" in everything.stdout


def test_numbers_that_differ_between_sources_are_set_side_by_side(store):
    one = report(store, "Daily", "Pyongyang sent 1,500 troops to Russia.", T0,
                 [event(troops=1500, sentence="Pyongyang sent 1,500 troops to Russia.")])
    two = report(store, "Weekly", "Some 3,000 North Korean troops are in Russia.", T0,
                 [event(troops=3000, sentence="Some 3,000 North Korean troops are in Russia.")])
    store.save_stories([{"id": "s1", "title": "Troops", "first_seen": T0, "last_seen": T0, "size": 2,
                         "merged_into": None}], [])
    with store.engine.begin() as connection:
        from redline.store.schema import articles
        connection.execute(articles.update().where(articles.c.id.in_([one, two])).values(story_id="s1"))
    brief = build_brief(store)
    (story,) = brief.stories
    (numbers,) = story.numbers
    assert numbers["unit"] == "troops" and [v for v, _ in numbers["figures"]] == [1500, 3000]
    assert [[c.outlet for c in cs] for _, cs in numbers["figures"]] == [["Daily"], ["Weekly"]]
    text = render(brief, "md")
    assert "troops (PRK): 1,500 [Daily, 2024-11-01](https://daily.example/" in text


def test_what_one_outlet_reports_and_another_denies(store):
    said = "Russia sent satellite parts to North Korea, officials said."
    denied = "Moscow denied sending satellite parts to Pyongyang."
    one = report(store, "Daily", said, T0, [event("AID", "RUS", "PRK", "asserted", said)])
    two = report(store, "Weekly", denied, T0, [event("AID", "RUS", "PRK", "denied", denied)])
    store.save_stories([{"id": "s3", "title": "Parts", "first_seen": T0, "last_seen": T0, "size": 2,
                         "merged_into": None}], [])
    with store.engine.begin() as connection:
        from redline.store.schema import articles
        connection.execute(articles.update().where(articles.c.id.in_([one, two])).values(story_id="s3"))
    (story,) = build_brief(store).stories
    (contradiction,) = story.contradictions
    assert said in contradiction.text and denied in contradiction.text
    assert [c.outlet for c in contradiction.citations] == ["Daily", "Weekly"]
    assert "**What one outlet reports and another denies**" in render(build_brief(store), "md")


def pango_installed() -> bool:
    try:
        import weasyprint  # noqa: F401 - importing it is the check: it loads Pango
    except OSError:
        return False
    return True


def test_html_brief_escapes_and_pdf_is_a_pdf(store, tmp_path):
    hostile = "<script>alert(1)</script> Russia sent satellite parts to North Korea."
    report(store, "Daily", hostile, T0, [event("AID", "RUS", "PRK", "asserted", hostile)])
    store.save_stories([{"id": "s2", "title": "<b>Parts</b>", "first_seen": T0, "last_seen": T0, "size": 1,
                         "merged_into": None}], [])
    with store.engine.begin() as connection:
        from redline.store.schema import articles
        connection.execute(articles.update().values(story_id="s2"))
    brief = build_brief(store)
    page = render(brief, "html")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Parts&lt;/b&gt;" in page
    if not pango_installed():
        pytest.skip("PDF briefs need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                    "(make test installs it where it can)")
    path = write_pdf(brief, tmp_path / "brief.pdf")
    assert path.read_bytes().startswith(b"%PDF") and path.stat().st_size > 2000


def test_brief_format_errors_are_one_line(seeded):
    result = redline("brief", "--format", "docx", cwd=seeded)
    assert result.returncode == 1 and "give one of md, html, pdf" in result.stderr
    result = redline("brief", "--format", "pdf", cwd=seeded)
    assert result.returncode == 1 and "--output" in result.stderr
