"""The watch: watchlists, indicators, grading, the ladder, alerts and their sinks, board and replay.

Engine tests store articles and events in a real SQLite file (events written as the coder writes them), so the
watch reads them exactly as it does after ingest; the seeds go through the whole pipeline; sinks talk to real
servers on 127.0.0.1 (HTTP and SMTP).
"""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import EXAMPLES, ROOT
from loopback import free_port
from test_cli import redline

from redline.pipeline import run_ingest
from redline.records import Article, article_id
from redline.store import Outcome
from redline.watch import Watcher, WatchlistError, load_watchlist
from redline.watch.rules import RuleError, parse_rule
from redline.watch.sinks import EmailSink, JsonlSink, WebhookSink
from redline.watch.watchlist import Sink

SHIPPED = ROOT / "watchlists" / "korea-ukraine-aid.yaml"
T0 = datetime(2024, 10, 22, 9, 0, tzinfo=timezone.utc)

WATCHLIST = """
id: test-watch
problem: Are troops being sent?
scenarios: [{id: escalation, title: More troops}]
reliability: {Wire: A, Daily: B, Weekly: C}
indicators:
  - id: troops
    question: How many troops?
    scenarios: [escalation]
    match: {events: [AID, MOBILIZE], actors: [PRK], recipients: [RUS], modalities: [asserted, reported]}
    measure: {kind: quantity, unit: troops}
    thresholds:
      watch: {}
      warning: 1000
      crossed: {value: 10000, sources: 2}
  - id: tech
    question: Is technology sent?
    match: {events: [AID], actors: [RUS], recipients: [PRK], keywords: [satellite]}
    thresholds:
      watch: {modalities: [feared, considered]}
      crossed: {modalities: [asserted, reported], sources: 2}
    half_life_days: 10
stages:
  - {level: 0, name: calm}
  - {level: 1, name: alert, when: troops >= warning or tech >= watch}
  - {level: 2, name: act, when: troops = crossed and tech = crossed}
hysteresis: {down_after_days: 7}
"""


@pytest.fixture
def watchlist(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(WATCHLIST)
    return load_watchlist(path)


def report(store, outlet: str, text: str, published: datetime, events: list[dict], derived_from: str | None = None,
           wire: str | None = None):
    """Store one article and its coded events, as ingest and the coder would; returns the article id."""
    article = Article(id=article_id(text), url=f"https://{outlet.lower()}.example/{article_id(text)[:8]}",
                      outlet=outlet, title=text[:40], published=published, text=text, paragraphs=[text],
                      derived_from=derived_from, wire=wire)
    store.write([Outcome(origin=article.url, raw_sha=article.id, article=article)])
    store.save_events([(article.id, events)], "test")
    return article.id


def event(kind="AID", actor="PRK", recipient="RUS", modality="reported", sentence="", troops=None, hearsay=False):
    return {"event": kind, "mode": None, "context": [], "modality": modality, "condition": None,
            "actor": [{"text": actor, "code": actor, "sector": None}],
            "recipient": [{"text": recipient, "code": recipient, "sector": None}] if recipient else [],
            "quantities": [{"value": troops, "unit": "troops", "what": actor, "text": f"{troops} troops"}]
            if troops else [], "quote": None, "cameo": "070",
            "evidence": {"sentence": sentence or f"{actor} {kind} {recipient}", "start": 0, "end": 10,
                         "trigger": "sent"}, "hearsay": hearsay, "future": False}


# --- the watchlist ---------------------------------------------------------------------------------------------

def test_shipped_watchlist_loads_with_its_reliability_table():
    loaded = load_watchlist(SHIPPED)
    assert {i.id for i in loaded.indicators} >= {"nk-troops-in-russia", "nk-troops-in-combat", "ru-space-tech-to-nk",
                                                 "ru-missile-nuclear-tech-to-nk", "nk-satellite-launch"}
    assert [s.name for s in loaded.ladder] == ["monitoring", "non-lethal aid", "defensive weapons",
                                               "offensive weapons (last resort)"]
    assert loaded.reliability_of("The Dong-A Ilbo") == "B"
    assert loaded.reliability_of("Unknown Daily") == "F"
    # names as pages print them: with or without "The", as a site name
    assert loaded.reliability_of("koreaherald.com") == loaded.reliability_of("Korea Herald") == "B"
    assert loaded.reliability_of("www.reuters.com") == "A" and loaded.reliability_of("KCNA") == "E"
    assert {i.id for i in loaded.indicators} >= {"nk-casualties", "ru-air-defence-to-nk", "kor-weapons-to-ukraine",
                                                 "kor-monitoring-team", "kor-sanctions"}


def test_every_mistake_in_a_watchlist_is_reported_with_its_place(tmp_path):
    bad = WATCHLIST.replace("measure: {kind: quantity, unit: troops}", "measure: {kind: quantity}")
    bad = bad.replace("modalities: [feared, considered]", "modalities: [feared, rumoured]")
    bad = bad.replace("troops = crossed and", "troops = critical and")
    bad = bad.replace("Weekly: C", "Weekly: G")
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(path)
    message = str(caught.value)
    assert "indicators[0].measure" in message and "needs a unit" in message
    assert "indicators[1].thresholds.watch.modalities" in message and "rumoured" in message
    assert "reliability" in message and "Weekly: G" in message


def test_a_rule_naming_an_unknown_level_or_indicator_fails_at_load(tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text(WATCHLIST.replace("troops = crossed and", "troops = critical and"))
    with pytest.raises(WatchlistError, match="no level 'critical'.*levels: none, watch, warning, crossed"):
        load_watchlist(path)
    path.write_text(WATCHLIST.replace("tech >= watch}", "tanks >= watch}"))
    with pytest.raises(WatchlistError, match="unknown indicator 'tanks'"):
        load_watchlist(path)


def test_broken_yaml_says_where(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nindicators: [\n  - a: b\n")
    with pytest.raises(WatchlistError, match=r"not valid YAML \(line \d+"):
        load_watchlist(path)
    with pytest.raises(WatchlistError, match="cannot read"):
        load_watchlist(tmp_path / "missing.yaml")


def test_rules_compare_levels_in_ladder_order_and_explain_themselves():
    levels = {"a": ["none", "watch", "warning", "crossed"], "b": ["none", "watch", "crossed"]}
    rule = parse_rule("a >= warning and (b = crossed or not a = crossed)", levels)
    holds, why = rule.explain({"a": 2, "b": 0})
    assert holds and [str(c) for c in why] == ["a >= warning"]
    holds, why = rule.explain({"a": 3, "b": 2})
    assert holds and [str(c) for c in why] == ["a >= warning", "b = crossed"]
    assert not rule.holds({"a": 3, "b": 1})
    assert parse_rule("b", levels).holds({"b": 1}) and not parse_rule("b", levels).holds({"b": 0})
    for broken in ("a >=", "a >= warning and", "(a >= watch", "a ~ watch"):
        with pytest.raises(RuleError):
            parse_rule(broken, levels)


# --- the engine ------------------------------------------------------------------------------------------------

def test_levels_climb_with_the_number_and_with_independent_sources(store, watchlist):
    watcher = Watcher(watchlist, store)
    first = report(store, "Daily", "Pyongyang sent 1,500 troops to Russia, officials said.", T0,
                   [event(troops=1500, hearsay=True)])
    board = watcher.observe([first], as_of=T0)
    troops = board.indicators[0]
    assert (troops.level, troops.value, troops.modality, troops.sources) == ("warning", 1500, "reported", 1)
    assert troops.credibility == 3 and troops.grade == "B3"  # one source, at second hand
    assert board.stage.level == 1 and board.stage.reasons[0]["condition"] == "troops >= warning"
    assert board.stage.reasons[0]["evidence"][0]["outlet"] == "Daily"

    big = report(store, "Daily", "Now 12,000 troops are in Russia.", T0 + timedelta(days=1),
                 [event(troops=12000, modality="asserted")])
    board = watcher.observe([big], as_of=T0 + timedelta(days=1))
    assert board.indicators[0].level == "warning"  # 12,000 troops, but from one outlet only: not crossed

    other = report(store, "Weekly", "Some 12,000 North Korean troops have arrived in Russia.", T0 + timedelta(days=2),
                   [event(troops=12000, modality="asserted")])
    board = watcher.observe([other], as_of=T0 + timedelta(days=2))
    troops = board.indicators[0]
    assert (troops.level, troops.value, troops.sources_for_value) == ("crossed", 12000, 2)
    assert troops.credibility == 1 and troops.grade == "B1"  # two independent sources, first-hand
    alerts = [a for a in board.alerts if a.subject == "troops"]
    assert alerts[0].before == "warning" and alerts[0].after == "crossed"
    assert "10000" in alerts[0].why and "2 independent" in alerts[0].why
    assert {e["outlet"] for e in alerts[0].evidence} == {"Daily", "Weekly"}


def test_two_outlets_running_one_wire_story_are_one_source(store, watchlist):
    watcher = Watcher(watchlist, store)
    one = report(store, "Daily", "North Korea has moved 12,000 troops to Russia, officials said.", T0,
                 [event(troops=12000, modality="asserted")], wire="Wire")
    two = report(store, "Weekly", "Officials say North Korea has now moved 12,000 troops into Russia.", T0,
                 [event(troops=12000, modality="asserted")], wire="Wire")
    troops = watcher.observe([one, two], as_of=T0 + timedelta(hours=1)).indicators[0]
    assert troops.sources == 1 and troops.level == "warning"  # two runs of one agency's copy: not two sources
    assert {o.reliability for o in troops.evidence} == {"A"}  # graded as the agency whose report it is


def test_a_wire_copy_counts_once(store, watchlist):
    watcher = Watcher(watchlist, store)
    original = report(store, "Wire", "Wire: 12,000 troops moved to Russia.", T0, [event(troops=12000, modality="asserted")])
    copy = report(store, "Daily", "Daily (from Wire): 12,000 troops moved to Russia.", T0 + timedelta(hours=2),
                  [event(troops=12000, modality="asserted")], derived_from=original)
    board = watcher.observe([original, copy], as_of=T0 + timedelta(hours=3))
    troops = board.indicators[0]
    assert troops.sources == 1 and troops.level == "warning"  # not crossed: the copy is not a second source
    assert troops.reliability == "A"  # the copy counts for the wire it copies
    assert {o.source for o in troops.evidence} == {"Wire"}


def test_denials_are_counter_evidence_and_lower_credibility(store, watchlist):
    watcher = Watcher(watchlist, store)
    one = report(store, "Daily", "Russia sent satellite parts to North Korea.", T0,
                 [event("AID", "RUS", "PRK", "asserted", "Russia sent satellite parts to North Korea.")])
    two = report(store, "Weekly", "Russia gave Pyongyang satellite know-how, a source said.", T0,
                 [event("AID", "RUS", "PRK", "reported", "Russia gave Pyongyang satellite know-how.", hearsay=True)])
    board = watcher.observe([one, two], as_of=T0)
    assert board.indicators[1].level == "crossed" and board.indicators[1].credibility == 1
    denial = report(store, "Wire", "Moscow denied giving any satellite technology to Pyongyang.", T0 + timedelta(hours=1),
                    [event("AID", "RUS", "PRK", "denied", "Moscow denied giving any satellite technology.")])
    board = watcher.observe([denial], as_of=T0 + timedelta(hours=1))
    tech = board.indicators[1]
    assert tech.credibility == 2  # still two sources against one denial, but one grade lower
    assert [o.outlet for o in tech.counter_evidence] == ["Wire"]
    assert not board.alerts  # the level did not change: nothing to tell


def test_evidence_ages_and_the_stage_steps_down_only_after_the_hysteresis(store, watchlist):
    watcher = Watcher(watchlist, store)
    fear = report(store, "Daily", "Officials fear Russia could give North Korea satellite technology.", T0,
                  [event("AID", "RUS", "PRK", "feared", "Russia could give North Korea satellite technology.")])
    board = watcher.observe([fear], as_of=T0)
    assert board.indicators[1].level == "watch" and board.stage.level == 1
    assert board.indicators[1].credibility == 6  # a fear: nobody reports it as fact

    board = watcher.evaluate(T0 + timedelta(days=15))  # weight 0.35: still counts
    assert board.indicators[1].level == "watch" and board.indicators[1].value == pytest.approx(0.354, abs=0.001)
    board = watcher.evaluate(T0 + timedelta(days=21))  # two half-lives: stale
    assert board.indicators[1].level == "none"
    assert "watch no longer holds" in board.alerts[0].why and "half-life 10" in board.alerts[0].why
    assert board.stage.level == 1 and board.stage.held_since == T0 + timedelta(days=21)  # kept: hysteresis
    board = watcher.evaluate(T0 + timedelta(days=25))
    assert board.stage.level == 1 and not board.alerts
    board = watcher.evaluate(T0 + timedelta(days=28, minutes=1))
    assert board.stage.level == 0
    assert [a.what for a in board.alerts] == ["stage down: 1 alert → 0 calm"]
    assert [s.level for s in store.stage_history(watchlist.id)] == [1, 1, 0]


def test_the_same_evidence_never_raises_a_second_alert(store, watchlist):
    first = report(store, "Daily", "North Korea sent 2,000 troops to Russia.", T0, [event(troops=2000)])
    board = Watcher(watchlist, store).observe([first], as_of=T0)
    assert {a.subject for a in board.alerts} == {"troops", "stage"}
    assert Watcher(watchlist, store).evaluate(T0).alerts == []  # a new process reads the recorded state
    watcher = Watcher(watchlist, store)
    assert watcher.observe([first], as_of=T0 + timedelta(hours=1)).alerts == []
    assert len(store.alerts(watchlist.id)) == 2
    history = store.indicator_history(watchlist.id, "troops")
    assert [h.level for h in history] == ["warning"]


# --- sinks -----------------------------------------------------------------------------------------------------

class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the name http.server wants
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        server.received.append(json.loads(body))
        status = server.statuses.pop(0) if server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received, server.statuses = [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    yield server
    server.shutdown()
    server.server_close()


def _raise_one_alert(store, watchlist, sinks):
    text = "North Korea sent 2,000 troops to Russia."
    first = report(store, "Daily", text, T0, [event(troops=2000, sentence=text)])
    return Watcher(watchlist, store, sinks=sinks).observe([first], as_of=T0).alerts


def test_webhook_retries_server_errors_with_backoff_and_records_the_delivery(store, watchlist, hook):
    hook.statuses = [500, 503]  # the first alert needs three tries
    raised = _raise_one_alert(store, watchlist, [WebhookSink(hook.url, retries=3, backoff_s=0.01)])
    assert len(hook.received) == len(raised) + 2
    assert hook.received[-1]["what"] == raised[-1].what and hook.received[-1]["evidence"]
    deliveries = {a["subject"]: a["deliveries"][0] for a in store.alerts(watchlist.id)}
    assert deliveries["troops"]["attempts"] == 3 and deliveries["troops"]["status"] == "delivered"


def test_a_refusing_webhook_is_recorded_and_the_watch_goes_on(store, watchlist, hook, tmp_path):
    hook.statuses = [400, 400]
    sinks = [WebhookSink(hook.url, retries=3, backoff_s=0.01), JsonlSink(tmp_path / "alerts.jsonl")]
    raised = _raise_one_alert(store, watchlist, sinks)
    assert len(hook.received) == 2  # a 4xx is not tried again
    lines = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [line["what"] for line in lines] == [a.what for a in raised]
    statuses = {(d["sink"].split()[0], d["status"], d["error"]) for a in store.alerts(watchlist.id) for d in a["deliveries"]}
    assert ("webhook", "failed", "HTTP 400") in statuses and ("jsonl", "delivered", None) in statuses


def test_failed_deliveries_go_out_again_later_and_their_attempts_add_up(store, watchlist, hook):
    hook.statuses = [503] * 100  # down
    sink = WebhookSink(hook.url, retries=3, backoff_s=0.01)
    raised = _raise_one_alert(store, watchlist, [sink])
    failed = [d for a in store.alerts(watchlist.id) for d in a["deliveries"]]
    assert {(d["status"], d["attempts"]) for d in failed} == {("failed", 4)}  # one try and three retries each
    hook.statuses, received_before = [], len(hook.received)
    # The hook is back: a later watcher of the same watchlist sends what did not go through, once each.
    delivered, failing = Watcher(watchlist, store, sinks=[sink]).retry_failed()
    assert (delivered, failing) == (len(raised), 0)
    assert [r["what"] for r in hook.received[received_before:]] == [a.what for a in raised]
    deliveries = [d for a in store.alerts(watchlist.id) for d in a["deliveries"]]
    assert {(d["status"], d["attempts"]) for d in deliveries} == {("delivered", 5)}
    assert Watcher(watchlist, store, sinks=[sink]).retry_failed() == (0, 0)  # nothing left to send


def test_email_goes_through_a_real_smtp_server(store, watchlist):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, conversation, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        spec = Sink(kind="email", host="127.0.0.1", port=controller.port, to=["analyst@example.org"])
        raised = _raise_one_alert(store, watchlist, [EmailSink(spec)])
    finally:
        controller.stop()
    subjects = [m["Subject"] for m in inbox.messages]
    assert subjects == [f"[redline test-watch] {a.what}" for a in raised]
    body = inbox.messages[0].get_content()
    assert "Why:" in body and "North Korea sent 2,000 troops to Russia." in body


def test_an_unreachable_mail_server_is_a_recorded_failure(store, watchlist):
    spec = Sink(kind="email", host="127.0.0.1", port=free_port(), to=["analyst@example.org"], timeout_s=2)
    raised = _raise_one_alert(store, watchlist, [EmailSink(spec)])
    assert raised and all(not a.delivered for a in raised)
    assert all(a["deliveries"][0]["status"] == "failed" for a in store.alerts(watchlist.id))


# --- the seeds, as acceptance ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The two seeds ingested with the shipped watchlist kept up to date as they arrive."""
    from redline.settings import Settings
    from redline.store import Store

    folder = tmp_path_factory.mktemp("seeded")
    settings = Settings(db_url=f"sqlite:///{folder / 'redline.db'}")
    store = Store.open(settings)
    run_ingest([str(EXAMPLES)], store, settings=settings, watchers=[Watcher(load_watchlist(SHIPPED), store)])
    yield folder, store
    store.close()


def test_seeds_troops_indicator_shows_1500_reported_from_one_source(seeded):
    folder, _ = seeded
    result = redline("board", "--watchlist", SHIPPED, "--as-of", "latest", "--json", cwd=folder)
    assert result.returncode == 0, result.stderr
    board = json.loads(result.stdout)
    assert list(board)[:6] == ["watchlist", "problem", "as_of", "stage", "ladder", "indicators"]
    troops = next(i for i in board["indicators"] if i["id"] == "nk-troops-in-russia")
    assert (troops["value"], troops["unit"], troops["modality"], troops["sources_for_value"]) == (1500, "troops",
                                                                                                 "reported", 1)
    assert troops["evidence"][0]["outlet"] == "The Dong-A Ilbo" and "1,500" in troops["evidence"][0]["sentence"]


def test_seeds_technology_transfer_shows_the_concern_not_a_crossing(seeded):
    folder, _ = seeded
    board = json.loads(redline("board", "-w", SHIPPED, "--as-of", "latest", "--json", cwd=folder).stdout)
    space = next(i for i in board["indicators"] if i["id"] == "ru-space-tech-to-nk")
    assert space["level"] == "watch" and space["modality"] == "feared" and space["credibility"] == 6
    assert all(e["modality"] == "feared" for e in space["evidence"])
    assert all(i["level"] != "crossed" for i in board["indicators"] if "tech" in i["id"])


def test_seeds_stage_and_its_reasons_point_to_sentence_and_outlet(seeded):
    folder, _ = seeded
    result = redline("board", "-w", SHIPPED, "--as-of", "latest", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "▶ 1 non-lethal aid" in result.stdout
    assert "Why stage 1" in result.stdout and "nk-troops-in-russia >= watch" in result.stdout
    assert "The Dong-A Ilbo [B] 2024-10-22, reported: “This comes as Pyongyang" in result.stdout
    board = json.loads(redline("board", "-w", SHIPPED, "--as-of", "latest", "--json", cwd=folder).stdout)
    assert board["stage"]["level"] == 1
    for reason in board["stage"]["reasons"]:
        assert reason["evidence"] and all(e["sentence"] and e["outlet"] for e in reason["evidence"])


def test_ingest_with_a_watchlist_raises_alerts_once(tmp_path):
    today = datetime.now(timezone.utc).replace(microsecond=0)
    news = tmp_path / "news.jsonl"
    news.write_text(json.dumps({"text": "North Korea has sent 3,000 more troops to Russia, South Korean intelligence "
                                        "said on Monday.", "title": "More troops", "outlet": "The Dong-A Ilbo",
                                "date": today.isoformat(), "url": "https://www.donga.com/en/1"}) + "\n")
    result = redline("ingest", news, "--watchlist", SHIPPED, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ALERT nk-troops-in-russia: none → warning (value 3000 troops)" in result.stderr  # the console sink
    assert "ALERT stage up: 0 monitoring → 1 non-lethal aid" in result.stderr
    listed = [json.loads(line) for line in redline("alerts", "--json", cwd=tmp_path).stdout.splitlines()]
    assert {a["subject"] for a in listed} == {"nk-troops-in-russia", "stage"}
    assert all(d["sink"] == "console" and d["status"] == "delivered" for a in listed for d in a["deliveries"])
    again = redline("ingest", news, "--watchlist", SHIPPED, cwd=tmp_path)
    assert again.returncode == 0 and "ALERT" not in again.stderr
    assert len(redline("alerts", "--json", cwd=tmp_path).stdout.splitlines()) == 2


def test_replay_prints_the_stage_timeline(tmp_path):
    result = redline("replay", EXAMPLES, "--watchlist", SHIPPED, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "stage up: 0 monitoring → 1 non-lethal aid" in result.stdout
    assert "2024-10-22 23:45" in result.stdout
    lines = [json.loads(line) for line in
             redline("replay", EXAMPLES, "-w", SHIPPED, "--json", cwd=tmp_path).stdout.splitlines()]
    stage = [a for a in lines if a["kind"] == "stage"]
    assert [(a["from"], a["to"]) for a in stage] == [("0", "1")]
    assert not list(tmp_path.glob("*.db"))  # the replay's store was temporary


def test_a_look_back_in_time_is_shown_but_neither_recorded_nor_alerted(store, watchlist):
    text = "North Korea sent 2,000 troops to Russia."
    first = report(store, "Daily", text, T0, [event(troops=2000, sentence=text)])
    watcher = Watcher(watchlist, store)
    watcher.observe([first], as_of=T0 + timedelta(days=30))
    recorded = len(store.indicator_history(watchlist.id))
    past = watcher.evaluate(T0 - timedelta(days=1))  # before the report: nothing yet
    assert past.indicators[0].level == "none" and past.stage.level == 0 and not past.alerts
    assert watcher.evaluate(T0 + timedelta(days=30)).alerts == []  # and the present is as it was
    assert len(store.indicator_history(watchlist.id)) == recorded


def test_sinks_are_written_short_or_in_full(tmp_path):
    path = tmp_path / "sinks.yaml"
    path.write_text(WATCHLIST + "alerts:\n  - console\n  - jsonl: out/alerts.jsonl\n"
                    "  - webhook: http://127.0.0.1:9/hook\n  - {kind: email, host: 127.0.0.1, to: [a@b.org]}\n")
    sinks = load_watchlist(path).alerts
    assert [(s.kind, s.path, s.url, s.host) for s in sinks] == [
        ("console", None, None, None), ("jsonl", "out/alerts.jsonl", None, None),
        ("webhook", None, "http://127.0.0.1:9/hook", None), ("email", None, None, "127.0.0.1")]
    path.write_text(WATCHLIST + "alerts:\n  - email: {host: 127.0.0.1}\n")
    with pytest.raises(WatchlistError, match="alerts\\[0\\].*needs to"):
        load_watchlist(path)


def test_a_quantity_measure_reads_the_kind_and_a_failed_attempt_crosses_nothing():
    from redline.records import Observation
    from redline.watch.indicators import _figure
    from redline.watch.watchlist import DEFAULT_MODALITIES

    soldiers = Observation(event_id=1, article_id="a", event="AID", modality="reported", hearsay=True, sentence="",
                           trigger="deployed", published=datetime(2025, 1, 6, tzinfo=timezone.utc),
                           quantities=[{"value": 12000, "unit": "soldier", "kind": "troops", "bound": "more_than"}])
    assert _figure(soldiers, "troops") == 12000  # "more than 12,000 soldiers" is a figure of troops
    assert _figure(soldiers, "tanks") is None
    assert "failed" not in DEFAULT_MODALITIES and "denied" not in DEFAULT_MODALITIES


def test_reading_a_board_past_or_present_changes_nothing_in_the_store(tmp_path):
    import sqlite3

    result = redline("ingest", EXAMPLES, "--watchlist", SHIPPED, cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    def history() -> tuple:
        with sqlite3.connect(tmp_path / "redline.db") as connection:
            return tuple(connection.execute(f"select count(*) from {table}").fetchone()[0]
                         for table in ("indicator_states", "stage_states", "alerts"))

    recorded = history()
    assert recorded[0] > 0
    for as_of in ("2024-10-01", "latest", "2025-06-01", "now"):
        shown = redline("board", "--watchlist", SHIPPED, "--as-of", as_of, "--json", cwd=tmp_path)
        assert shown.returncode == 0 and "ALERT" not in shown.stderr, shown.stderr
        assert json.loads(shown.stdout)["alerts"] == []
    assert history() == recorded


def test_a_date_only_report_stays_on_its_day(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text(json.dumps({"text": "North Korea has sent 1,500 special forces troops to Russia, South Korea's "
                                        "spy agency said on Friday.", "title": "Troops", "outlet": "The Dong-A Ilbo",
                                "date": "2024-10-18", "url": "https://www.donga.com/en/2"}) + "\n")
    assert redline("ingest", news, "--watchlist", SHIPPED, cwd=tmp_path).returncode == 0
    board = json.loads(redline("board", "--watchlist", SHIPPED, "--as-of", "2024-10-18", "--json",
                               cwd=tmp_path).stdout)
    troops = next(i for i in board["indicators"] if i["id"] == "nk-troops-in-russia")
    assert troops["level"] != "none"  # the report counts on its own day, not from the evening before
    assert troops["evidence"] and all(e["published"].startswith("2024-10-18") for e in troops["evidence"])
    listed = redline("articles", cwd=tmp_path).stdout
    assert "2024-10-18" in listed and "12:00" not in listed  # a date is shown as a date


COMBAT = """
id: combat-watch
problem: Are North Korean troops fighting?
scenarios: [{id: war, title: War}]
reliability: {Wire: A, Daily: B, Weekly: C}
indicators:
  - id: combat
    question: Are North Korean troops fighting Ukraine?
    scenarios: [war]
    match: {events: [ASSAULT], actors: [PRK], exclude: [drill, exercise]}
    thresholds:
      watch: {modalities: [planned, promised, feared, considered, threatened]}
      warning: {modalities: [asserted, reported]}
      crossed: {modalities: [asserted, reported], undisputed: true}
stages:
  - {level: 0, name: calm}
  - {level: 1, name: war, when: combat = crossed}
"""


def _claimed(found: dict, code: str) -> dict:
    return {**found, "claimed_by": {"text": code, "code": code, "sector": None}}


def test_a_credible_denial_holds_a_crossing_back_and_a_party_denying_itself_does_not(store, tmp_path):
    path = tmp_path / "combat.yaml"
    path.write_text(COMBAT)
    watcher = Watcher(load_watchlist(path), store)
    claim = "North Korean troops attacked Ukrainian positions in Kursk, a Ukrainian commander said."
    one = report(store, "Daily", claim, T0, [_claimed(event("ASSAULT", "PRK", "UKR", "reported", claim), "UKR")])
    assert watcher.observe([one], as_of=T0).indicators[0].level == "crossed"
    party = "North Korea denied that its troops attacked Ukrainian positions."
    two = report(store, "Wire", party, T0 + timedelta(hours=1),
                 [_claimed(event("ASSAULT", "PRK", "UKR", "denied", party), "PRK")])
    state = watcher.observe([two], as_of=T0 + timedelta(hours=1)).indicators[0]
    assert state.level == "crossed" and state.disputed_by == ["PRK (a party to it)"]  # shown, not decisive
    seoul = "Seoul denied reports that North Korean troops attacked Ukrainian positions."
    three = report(store, "Wire", seoul, T0 + timedelta(hours=2),
                   [_claimed(event("ASSAULT", "PRK", "UKR", "denied", seoul), "KOR")])
    board = watcher.observe([three], as_of=T0 + timedelta(hours=2))
    state = board.indicators[0]
    assert state.level == "warning"  # an A-graded outlet's denial, against a B's report: disputed
    assert "KOR" in state.disputed_by
    assert [a.subject for a in board.alerts] == ["combat"]  # the stage holds for its hysteresis


def test_an_intention_never_crosses_and_excluded_words_rule_a_sentence_out(store, tmp_path):
    path = tmp_path / "combat.yaml"
    path.write_text(COMBAT)
    watcher = Watcher(load_watchlist(path), store)
    plan = "North Korea plans to send its troops to attack Ukrainian positions."
    one = report(store, "Wire", plan, T0, [event("ASSAULT", "PRK", "UKR", "planned", plan)])
    drill = "North Korean troops attacked a mock position in a live-fire drill."
    two = report(store, "Wire", drill, T0, [event("ASSAULT", "PRK", None, "asserted", drill)])
    later = T0 + timedelta(days=3)
    state = watcher.observe([one, two], as_of=later).indicators[0]
    assert state.level == "watch" and [o.sentence for o in state.evidence] == [plan]


def test_replay_report_lists_every_alert_with_the_sentence_it_rests_on(tmp_path):
    markdown, html = tmp_path / "backtest.md", tmp_path / "backtest.html"
    result = redline("replay", EXAMPLES, "-w", SHIPPED, "--report", markdown, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = markdown.read_text()
    assert "# Backtest of korea-ukraine-aid" in text and "stage up: 0 monitoring → 1 non-lethal aid" in text
    assert "← “This comes as Pyongyang has reportedly already dispatched 1,500 elite troops" in text
    assert "The Dong-A Ilbo [B], 2024-10-22, reported" in text
    assert redline("replay", EXAMPLES, "-w", SHIPPED, "--report", html, cwd=tmp_path).returncode == 0
    page = html.read_text()
    assert page.startswith("<!doctype html>") and "1,500 elite troops" in page and "<script" not in page


def test_an_alert_cites_its_strongest_evidence_first():
    from redline.records import Observation
    from redline.watch.indicators import strongest_first

    def seen(modality, grade, hours):
        return Observation(event_id=hours, article_id=str(hours), event="AID", modality=modality, hearsay=False,
                           sentence=f"{modality} {grade}", trigger=None, quantities=[],
                           published=T0 + timedelta(hours=hours), reliability=grade)

    found = strongest_first([seen("reported", "A", 3), seen("asserted", "C", 1), seen("asserted", "B", 0),
                             seen("asserted", "B", 2), seen("feared", "A", 4)])
    assert [o.sentence for o in found] == ["asserted B", "asserted B", "asserted C", "reported A", "feared A"]
    assert [o.event_id for o in found[:2]] == [2, 0]  # the newest of equals first


def test_an_undated_report_counts_as_of_its_storys_first_dated_report(seeded):
    folder, _ = seeded
    board = json.loads(redline("board", "-w", SHIPPED, "--as-of", "latest", "--json", cwd=folder).stdout)
    troops = next(i for i in board["indicators"] if i["id"] == "nk-troops-in-russia")
    assert troops["sources"] == 2  # the Korea Pro dump has no date: it counts as of the Dong-A report of its story
    korea_pro = [e for e in troops["evidence"] if e["outlet"].startswith("Korea Pro")]
    assert korea_pro and all(e["published"].startswith("2024-10-22") for e in korea_pro)


def test_a_quantity_watch_is_reached_without_a_figure_and_a_ceiling_is_no_count(store, watchlist):
    watcher = Watcher(watchlist, store)
    bare = report(store, "Daily", "North Korea has sent troops to Russia, officials said.", T0,
                  [event(modality="reported")])
    troops = watcher.observe([bare], as_of=T0).indicators[0]
    assert troops.level == "watch" and troops.value is None  # reported, with no number yet
    ceiling = event(modality="reported", troops=5000)
    ceiling["quantities"][0]["bound"] = "at_most"
    up_to = report(store, "Weekly", "Up to 5,000 North Korean troops could be sent, officials said.", T0,
                   [ceiling])
    troops = watcher.observe([up_to], as_of=T0 + timedelta(hours=1)).indicators[0]
    assert troops.level == "watch" and troops.value is None  # "up to 5,000" is no count of 5,000


PACT = """
id: pact
problem: Do North Korea and Russia bind themselves?
scenarios: [{id: alliance, title: An alliance}]
indicators:
  - id: by-code
    question: A pact of North Korea with Russia?
    match: {events: [COOPERATE], actors: [PRK], recipients: [RUS]}
    thresholds: {crossed: {modalities: [asserted]}}
  - id: by-sector
    question: A pact of North Korea's government with Russia?
    match: {events: [COOPERATE], actors: ["PRK:GOV"], recipients: [RUS]}
    thresholds: {crossed: {modalities: [asserted]}}
stages:
  - {level: 0, name: calm}
"""


def test_the_parties_of_a_reciprocal_event_stand_on_both_sides(store, tmp_path):
    """"Russia and North Korea signed a treaty" is coded Russia → North Korea, PLOVER's way: an indicator or a
    filter on North Korea acting towards Russia finds it; the same event told one way does not."""
    path = tmp_path / "pact.yaml"
    path.write_text(PACT)
    watcher = Watcher(load_watchlist(path), store)
    one_way = "Russia sent a treaty draft to North Korea."
    first = report(store, "Wire", one_way, T0, [event("COOPERATE", "RUS", "PRK", "asserted", one_way)])
    assert [i.level for i in watcher.observe([first], as_of=T0).indicators] == ["none", "none"]
    pact = "Russia and North Korea signed a mutual defence treaty."
    signed = event("COOPERATE", "RUS", "PRK", "asserted", pact)
    signed["recipient"][0]["sector"] = "GOV"
    second = report(store, "Wire", pact, T0 + timedelta(hours=1), [{**signed, "reciprocal": True}])
    board = watcher.observe([second], as_of=T0 + timedelta(hours=1))
    assert [i.level for i in board.indicators] == ["crossed", "crossed"]
    assert [e["evidence"]["sentence"] for e in store.events(actor="PRK")] == [pact]
    stored = store.events(recipient="RUS")[0]
    assert stored["reciprocal"] and [p["code"] for p in stored["actor"]] == ["RUS"]  # kept as coded
