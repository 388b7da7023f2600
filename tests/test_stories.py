"""Stories: one event across outlets is one story; one topic is not one event; the seeds are one story."""

import json
from datetime import datetime, timedelta, timezone

import httpx
from conftest import DONGA_SEED, EXAMPLES, KOREAPRO_SEED
from test_cli import redline

from redline.pipeline import run_ingest
from redline.records import Article
from redline.stories import StoryTracker, features_of
from redline.stories.facts import unique_facts
from redline.web import create_app, running

QUAKE_A = [
    "A magnitude 6.4 earthquake struck near Pohang on Monday, injuring 23 people and damaging school buildings, "
    "the Korea Meteorological Administration said.",
    "The quake near Pohang on Monday hurt 23 people, officials said, and the Korea Meteorological Administration "
    "measured it at magnitude 6.4.",
    "Rescue workers in Pohang searched damaged school buildings after Monday's magnitude 6.4 quake, which injured "
    "23 people according to the Korea Meteorological Administration.",
]
QUAKE_B = [
    "A magnitude 5.1 earthquake hit Gyeongju on Thursday, shaking buildings as far as Busan, the Korea "
    "Meteorological Administration said; no injuries were reported.",
    "The 5.1 quake in Gyeongju on Thursday was felt in Busan, officials said, with no injuries reported.",
]


def test_same_event_grouped_same_topic_other_event_apart():
    tracker = StoryTracker(use_embeddings=False)
    ids = {}
    for n, text in enumerate(QUAKE_A + QUAKE_B):
        ids[n] = tracker.add(f"a{n}", features_of(text)).story_id
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] == ids[4]
    assert ids[0] != ids[3]


def test_a_story_is_titled_by_a_headline_never_by_a_caption():
    tracker = StoryTracker(use_embeddings=False)
    first = tracker.add("a0", features_of(QUAKE_A[0], title="Photo : YONHAP News"))
    second = tracker.add("a1", features_of(QUAKE_A[1], title="Magnitude 6.4 quake near Pohang injures 23"))
    assert first.story_id == second.story_id
    assert tracker.stories[first.story_id].title == "Magnitude 6.4 quake near Pohang injures 23"


def test_the_same_words_a_year_later_are_another_story():
    """Reports of two quakes in one town a year apart read alike: the time gap tells them apart."""
    tracker = StoryTracker(use_embeddings=False)
    first = tracker.add("a", features_of(QUAKE_A[0], published=_day(0))).story_id
    assert tracker.add("b", features_of(QUAKE_A[1], published=_day(2))).story_id == first
    assert tracker.add("c", features_of(QUAKE_A[2], published=_day(365))).story_id != first


def test_a_late_arriving_report_from_the_middle_of_a_story_joins_it():
    """A backfill brings reports out of order: one dated inside a story's span belongs to it, however far it is
    from the story's last report."""
    tracker = StoryTracker(use_embeddings=False, live_window=timedelta(days=7), story_span=timedelta(days=4))
    story = tracker.add("a", features_of(QUAKE_A[0], published=_day(0))).story_id
    assert tracker.add("b", features_of(QUAKE_A[1], published=_day(4))).story_id == story
    assert tracker.add("d", features_of(QUAKE_A[1], published=_day(1))).story_id == story
    assert tracker.add("e", features_of(QUAKE_A[0], published=_day(-10))).story_id != story


def test_a_long_crisis_is_a_thread_of_stories_one_development_each():
    """Reports of one subject over weeks: each development is a story of at most STORY_SPAN, and they are
    linked as one thread while the subject is reported at least once a live window; after a month's silence
    the subject starts a thread of its own."""
    tracker = StoryTracker(use_embeddings=False, live_window=timedelta(days=7), story_span=timedelta(days=4))
    days = [0, 1, 2, 6, 7, 12, 1, 45]
    placed = [tracker.add(f"r{n}", features_of(QUAKE_A[n % 3], published=_day(day))) for n, day in enumerate(days)]
    first, second, third = placed[0].story_id, placed[3].story_id, placed[5].story_id
    assert placed[1].story_id == placed[2].story_id == placed[6].story_id == first  # day 1 came late: joins
    assert placed[4].story_id == second and len({first, second, third}) == 3
    assert (placed[3].new_story, placed[3].thread) == (True, first)
    assert [tracker.stories[s].thread for s in (first, second, third)] == [first, first, first]
    alone = tracker.stories[placed[7].story_id]
    assert placed[7].new_story and alone.thread is None and alone.id not in {first, second, third}
    spans = [tracker.stories[s].last_seen - tracker.stories[s].first_seen for s in (first, second, third)]
    assert all(span <= timedelta(days=4) for span in spans)


def test_threads_are_stored_shown_and_continued_by_a_later_run(store, settings, tmp_path):
    later = ("Schools in Pohang stayed shut after the magnitude 6.4 earthquake that injured 23 people, the Korea "
             "Meteorological Administration said, as engineers checked the damaged buildings.")
    texts = {0: QUAKE_A[0], 1: QUAKE_A[1], 6: QUAKE_A[2], 11: later}  # no two of them copies of each other

    def batch(name, days):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"id": f"{name}-{day}", "title": f"Pohang quake report, day {day}",
                                            "text": texts[day], "published": _day(day).isoformat(),
                                            "outlet": f"Outlet {day}"}) + "\n" for day in days))
        return str(path)

    run_ingest([batch("first.jsonl", [0, 1, 6])], store, settings=settings)
    stories = sorted(store.stories(limit=None), key=lambda s: s["first_seen"])
    assert [s["size"] for s in stories] == [2, 1]
    root = stories[0]["id"]
    assert [s["thread_id"] for s in stories] == [root, root]
    run_ingest([batch("later.jsonl", [11])], store, settings=settings)  # a new run: the thread is read back
    thread = store.thread(root)
    assert [s["size"] for s in thread] == [2, 1, 1] and thread[0]["id"] == root
    assert store.story_threads() == {s["id"]: root for s in thread}
    listed = json.loads(redline("stories", "--json", "--db", settings.db_url).stdout.splitlines()[0])
    assert listed["thread"] == root
    shown = redline("story", thread[1]["id"], "--db", settings.db_url).stdout
    assert "Thread: 3 stories" in shown and "Pohang quake report, day 0" in shown
    with running(create_app(settings, [])) as base:  # the story page and the API, on a real local server
        page = httpx.get(f"{base}/stories/{thread[1]['id']}", timeout=60).text
        api = httpx.get(f"{base}/api/stories/{thread[1]['id']}", timeout=60).json()
    assert 'id="thread"' in page and f'href="/stories/{root}"' in page
    assert api["thread_id"] == root and api["thread"] == [s["id"] for s in thread]


def test_candidates_are_found_by_words_some_story_has_used():
    """A long report's rarest words are mostly its own (no earlier report used them): the story it belongs to
    must be found by the rarest words it shares, even with no names and no embeddings to go on."""
    from redline.stories.features import Features, terms_of

    tracker = StoryTracker(use_embeddings=False, weights=(1.0, 0.0, 0.0), threshold=0.1)
    own_words = [" ".join(f"{side}word{n}" for n in range(13)) for side in "xyz"]
    talks = "Officials said the talks would resume in Geneva next week after a pause of several months."
    first = tracker.add("a", Features(terms=terms_of(QUAKE_A[0] + " " + own_words[0]), named=frozenset()))
    other = tracker.add("b", Features(terms=terms_of(talks + " " + own_words[1]), named=frozenset()))
    again = tracker.add("c", Features(terms=terms_of(QUAKE_A[1] + " " + own_words[2]), named=frozenset()))
    assert again.story_id == first.story_id != other.story_id and not again.new_story


def test_stories_no_report_can_join_any_more_are_forgotten_with_what_merged_into_them():
    """A collector runs for months with one tracker: stories closed long ago leave its memory."""
    import numpy as np

    tracker = StoryTracker(use_embeddings=True, merge_threshold=0.3, live_window=timedelta(days=7))
    unit = np.eye(384, dtype=np.float32)
    tracker.add("x", features_of("Pohang earthquake injures 23 people in schools", published=_day(0),
                                 embedding=unit[0]))
    tracker.add("y", features_of("Rescue teams search schools after deadly flood in Daegu", published=_day(0),
                                 embedding=unit[1]))
    bridge = "Pohang earthquake injures 23 people in schools as rescue teams search schools after deadly flood in Daegu"
    merged = tracker.add("z", features_of(bridge, published=_day(1), embedding=unit[0])).merged
    assert len(merged) == 1
    recent = tracker.add("q", features_of(QUAKE_B[0], published=_day(20), embedding=unit[2])).story_id
    gone = tracker.forget_closed()  # the cutoff is two windows before day 20
    assert sorted(gone) == sorted(merged[0])
    assert list(tracker.stories) == [recent] and list(tracker.story_of) == ["q"]
    assert not any(set(gone) & ids for ids in tracker._postings.values())
    # The forgotten story's row of the index of meaning goes to the next new story; the rest works as before.
    later = tracker.add("w", features_of(QUAKE_A[0], published=_day(21), embedding=unit[3])).story_id
    assert later != recent and sorted(tracker._meaning._labels) == sorted([later, recent])  # two rows made: reused
    assert tracker.add("v", features_of(QUAKE_B[1], published=_day(21), embedding=unit[2])).story_id == recent


def test_stories_that_turn_out_to_be_one_are_merged_and_the_merge_recorded():
    tracker = StoryTracker(use_embeddings=False, merge_threshold=0.3)
    tracker.add("x", features_of("Pohang earthquake injures 23 people in schools"))
    tracker.add("y", features_of("Rescue teams search schools after deadly flood in Daegu"))
    bridge = ("Pohang earthquake injures 23 people in schools as rescue teams search schools after deadly flood "
              "in Daegu")
    assignment = tracker.add("z", features_of(bridge))
    assert assignment.merged and tracker.merges == assignment.merged
    assert tracker.story_for("x") == tracker.story_for("y") == tracker.story_for("z")
    assert len(tracker.live_stories()) == 1


def test_seeds_are_one_story_with_two_independent_outlets(store, settings):
    summary = run_ingest([str(DONGA_SEED), str(KOREAPRO_SEED)], store, settings=settings)
    assert summary.stored == 2
    stories = store.stories()
    assert len(stories) == 1 and stories[0]["size"] == 2
    members = store.story_articles(stories[0]["id"])
    assert sorted(a.outlet for a in members) == ["Korea Pro (Korea Risk Group)", "The Dong-A Ilbo"]
    assert all(a.duplicate_of is None and a.derived_from is None for a in members)
    adds = unique_facts(members)
    assert any("pushed back against Moscow's claims" in s for s in adds["Korea Pro (Korea Risk Group)"])
    assert any("1,500 elite troops" in s for s in adds["The Dong-A Ilbo"])
    # A later run continues the same story rather than starting another.
    again = run_ingest([str(EXAMPLES)], store, settings=settings)
    assert again.skipped == 2 and len(store.stories()) == 1


def test_a_copy_joins_its_original_story_and_is_not_independent(store, settings, tmp_path):
    text = DONGA_SEED.read_text(encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(text.replace("Tuesday", "Tuesday morning").replace("1,500", "about 1,500"), encoding="utf-8")
    summary = run_ingest([str(DONGA_SEED), str(copy)], store, settings=settings)
    assert (summary.stored, summary.copies, summary.derived) == (2, 1, 0)
    original, duplicate = sorted(store.articles(limit=None), key=lambda a: a.ingested_at)
    assert duplicate.duplicate_of == original.id and duplicate.story_id == original.story_id


def test_stories_input_json_contract(tmp_path):
    rows = [{"id": "a", "text": DONGA_SEED.read_text()}, {"id": "b", "text": KOREAPRO_SEED.read_text()},
            {"id": "c", "text": DONGA_SEED.read_text()}, {"id": "q1", "text": QUAKE_A[0]}]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = redline("stories", "--input", path, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(o) for o in out] == [["id", "story", "duplicate_of", "derived_from"]] * 4
    assert [o["id"] for o in out] == ["a", "b", "c", "q1"]
    assert out[0]["story"] == out[1]["story"] == out[2]["story"] != out[3]["story"]
    assert out[2]["duplicate_of"] == "a" and out[0]["duplicate_of"] is None and out[1]["duplicate_of"] is None
    assert not list(tmp_path.glob("*.db"))


def test_stories_input_reports_each_bad_line_and_goes_on(tmp_path):
    lines = [json.dumps({"id": "a", "text": QUAKE_A[0]}), "{not json", json.dumps({"id": "b", "title": "no text"}),
             json.dumps({"id": 7, "text": QUAKE_A[1]}), json.dumps({"id": "a", "text": QUAKE_B[0]}), "",
             json.dumps({"id": "q", "text": QUAKE_B[1]})]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = redline("stories", "--input", path, "--json", "--no-embeddings", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", "7", "a", "q"]
    assert [o.get("error", "")[:7] for o in out] == ["", "line 2:", "line 3:", "", "line 5:", ""]
    assert "already on line 1" in out[4]["error"] and out[4]["story"] is None
    assert out[0]["story"] == out[3]["story"] != out[5]["story"]


def test_unique_facts_leave_out_what_others_also_say():
    a = Article(id="1", text="Seoul held an emergency national security meeting on Tuesday. The government also "
                "plans to send a monitoring team to Kyiv next month.", paragraphs=[], outlet="A")
    b = Article(id="2", text="An emergency national security meeting was held in Seoul on Tuesday night.",
                paragraphs=[], outlet="B")
    assert unique_facts([a, b]) == {"A": ["The government also plans to send a monitoring team to Kyiv next month."]}


def test_a_reports_vector_leans_toward_its_lede():
    """Two reports with the same long background and different ledes (two events of one topic) are further
    apart as reports than as plain texts: the lede says which event a report is about."""
    import numpy as np

    from redline.stories.features import LEDE_WORDS, default_embedder

    background = " ".join(QUAKE_A + QUAKE_B) * 3
    first = "Microsoft released an emergency patch for Internet Explorer on Wednesday to close a flaw hackers used. "
    second = "Lindsay Lohan checked into the Betty Ford rehab clinic in California on Friday, her lawyer said. "
    texts = [first + background, second + background]
    assert len(first.split()) < LEDE_WORDS < len(texts[0].split())
    embedder = default_embedder()
    plain, reports = embedder.embed(texts), embedder.embed_reports(texts)
    assert np.allclose(np.linalg.norm(reports, axis=1), 1.0, atol=1e-5)
    assert float(reports[0] @ reports[1]) < float(plain[0] @ plain[1]) - 0.05
    # a text no longer than a lede is its own lede: the same vector either way
    short = [QUAKE_B[1]]
    assert np.allclose(embedder.embed(short), embedder.embed_reports(short), atol=1e-6)


def _day(offset: int) -> datetime:
    return datetime(2024, 10, 1, 9, tzinfo=timezone.utc) + timedelta(days=offset)


def test_the_index_of_meaning_finds_the_nearest_stories_as_they_move():
    import numpy as np

    from redline.stories.nearest import MeaningIndex

    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((200, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = MeaningIndex()
    rows = [index.add(f"s{n}", v) for n, v in enumerate(vectors)]  # grows past its first 64 rows
    assert rows == list(range(200))
    near_17 = vectors[17] + 0.3 * vectors[90]
    assert index.nearest(near_17 / np.linalg.norm(near_17), 2) == ["s17", "s90"]
    index.put(17, vectors[5])  # a story's centroid moved: the row follows it
    assert index.nearest(vectors[5], 2) in (["s5", "s17"], ["s17", "s5"])
    index.clear(17)
    assert index.nearest(vectors[5], 1) == ["s5"]
    assert index.add("t", vectors[17]) == 17 and index.nearest(vectors[17], 1) == ["t"]  # a cleared row is used again
