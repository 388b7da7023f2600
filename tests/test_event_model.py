"""The event coder's trained layer: trained by the repository's script, loaded from the package, used by the coder;
and the roles it reads in crisis reporting (a speaker is no actor, a dateline no party, a weapon's country its
origin, a recipient left to the sentence before)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from redline.events import Coder
from redline.events.learned import EventModel, LinearModel, dateline_tokens, default_model

SHARED = Path(os.environ.get("REDLINE_SHARED", ROOT.parent / "shared"))
needs_gold = pytest.mark.skipif(not (SHARED / "eval" / "events").is_dir(),
                                reason=f"the gold sentences are not at {SHARED / 'eval'} (set REDLINE_SHARED)")


@pytest.fixture(scope="module")
def coder():
    return Coder()


def _train(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "train_event_model.py"), "--limit", "40",
                           "--epochs", "1", "--eval", str(SHARED / "eval"), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)


@needs_gold
def test_training_a_slice_writes_small_deterministic_weights_that_the_coder_uses(tmp_path, coder):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    for path in (first, second):
        result = _train(path)
        assert result.returncode == 0, result.stderr
    assert "trained on 80 gold sentences" in result.stdout
    assert first.stat().st_size < 12_000_000  # the encoder's three tuned layers in half precision, the rest small
    with np.load(first) as a, np.load(second) as b:
        assert sorted(a.files) == sorted(b.files)
        assert any(key.startswith("encoder.") for key in a.files)
        assert all(np.array_equal(a[key], b[key]) for key in a.files)  # fixed seeds: the same weights
    model = EventModel.load(first)
    assert model.about.startswith("80 gold sentences")
    assert model.encoder is not None and model.encoder.classes == model.types.classes
    assert model.encoder.reads_events and model.gate_blend > 0  # trained with negatives: its event head decides too
    sliced = Coder(nlp=coder.nlp, model=model)
    assert sliced.model is model
    text = "North Korea has sent 3,000 troops to Russia, South Korea's spy agency said."
    model.gate_threshold = 1.01  # no sentence is that sure: the gate of the weights written decides
    assert sliced.code(text).events == []
    model.gate_threshold = model.reading_threshold = 0.0
    read = []
    model.encoder.read = lambda sent, read_it=model.encoder.read: read.append(sent.text) or read_it(sent)
    events = sliced.code(text).events
    assert events and events[0].event in model.types.classes
    assert read == [text]  # the tuned encoder read the sentence the gate let through


def test_the_encoder_reads_a_type_and_each_words_role(coder):
    model = coder.model
    sent = next(coder.nlp("Russia has supplied air defence missiles to North Korea.").sents)
    reading = model.read(sent)
    assert abs(sum(reading.types.values()) - 1.0) < 1e-4 and set(reading.types) == set(model.types.classes)
    assert max(reading.types, key=reading.types.get) == "AID"
    assert reading.roles.shape == (len(sent), 3)
    roles = {token.text: ("none", "actor", "recipient")[int(row.argmax())] for token, row in zip(sent, reading.roles)}
    assert roles["Russia"] == "actor" and roles["Korea"] == "recipient" and roles["missiles"] == "none"


def test_the_gate_asks_the_encoder_only_of_sentences_the_linear_gate_finds_likely(coder):
    model = coder.model
    political = next(coder.nlp("Russia has supplied air defence missiles to North Korea.").sents)
    sport = next(coder.nlp("The Lakers beat the Celtics 102-98 on Sunday night.").sents)
    assert model.read(political).event > 0.9 and model.read(sport).event < 0.5
    view = coder.proposals(political.doc)[0].view
    holds, reading = model.gate_reading(view)
    assert holds and reading is not None and reading.event > 0.9
    view = coder.proposals(sport.doc)[0].view
    assert model.event_probability(view) < model.reading_threshold
    assert model.gate_reading(view) == (False, None)  # not read at all: the encoder costs a parse's time


def test_no_party_acts_on_itself_through_a_word_of_its_own_name(coder):
    # the actor's own modifiers and first names are no recipient ("Nigerian" of "The Nigerian government")
    for text, actor_words in [
            ("The Nigerian government has agreed to let foreign aid workers into the north-east.", "government"),
            ("President Donald Trump agreed to lift sanctions against the North.", "Trump"),
            ("The Ministry of Foreign Affairs of Peru rejected the election results.", "Ministry")]:
        event = _main(coder, text)
        actor = " ".join(p.text for p in event.actor)
        assert actor_words in actor, (text, actor)
        assert all(p.text not in actor and actor not in p.text for p in event.recipient), (text, event.recipient)


def test_the_shipped_model_is_loaded_by_default_and_trained_on_all_dev_gold(coder):
    assert coder.model is default_model() is not None
    assert coder.model.about.startswith("1223 gold sentences")
    assert set(coder.model.types.classes) >= {"AID", "ASSAULT", "ACCUSE", "REJECT", "RETREAT", "CONCEDE"}


def test_linear_model_weights_survive_saving(tmp_path):
    weights = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    model = LinearModel(classes=["a", "b", "c"], vocabulary={"x": 0, "y": 1}, weights=weights,
                        bias=np.array([0.1, -0.2, 0.0], dtype=np.float32), dense_size=2)
    path = tmp_path / "m.npz"
    event_model = EventModel(gate=model, types=model, roles=model, trigger_affinity={("send", "AID"): 0.5})
    event_model.save(path)
    loaded = EventModel.load(path)
    dense = np.array([0.5, -1.0], dtype=np.float32)
    assert np.allclose(loaded.types.proba(["x", "unseen"], dense), model.proba(["x"], dense))
    assert loaded.trigger_affinity == {("send", "AID"): 0.5}
    assert abs(model.proba(["x", "y"]).sum() - 1.0) < 1e-6


def _main(coder, text):
    events = coder.code(text, "2024-11-04").events
    assert events, text
    return events[0]


def _codes(parties):
    return {p.code for p in parties if p.code}


def test_the_speaker_of_a_statement_is_not_the_doer_of_what_he_reports(coder):
    event = _main(coder, "Blinken said North Korea has sent 8,000 troops to Russia.")
    assert (event.event, _codes(event.actor), _codes(event.recipient)) == ("AID", {"PRK"}, {"RUS"})


def test_a_wire_dateline_places_the_report_and_acts_on_no_one(coder):
    event = _main(coder, "SEOUL, South Korea (AP) — Russia has supplied air defense missiles to North Korea, a "
                         "South Korean official said.")
    assert (_codes(event.actor), _codes(event.recipient)) == ({"RUS"}, {"PRK"})
    doc = coder.nlp("MOSCOW, Oct 21 (Reuters) - Russia accused Ukraine of shelling a border village.")
    assert [doc[i].text for i in sorted(dateline_tokens(doc[:]))] == ["MOSCOW", ",", "Oct", "21", "(", "Reuters",
                                                                     ")", "-"]
    assert dateline_tokens(coder.nlp("Russia - and China - condemned the vote.")[:]) == set()
    event = _main(coder, "MOSCOW, Oct 21 (Reuters) - Russia accused Ukraine of shelling a border village.")
    assert (event.event, _codes(event.actor), _codes(event.recipient)) == ("ACCUSE", {"RUS"}, {"UKR"})


def test_a_weapons_country_is_its_origin_not_a_party(coder):
    event = _main(coder, "Russian forces fired North Korean missiles at Kharkiv.")
    assert (event.event, _codes(event.actor), _codes(event.recipient)) == ("ASSAULT", {"RUS"}, {"UKR"})
    event = _main(coder, "North Korean missiles deployed by Russian forces struck Kharkiv on Sunday.")
    assert _codes(event.actor) == {"RUS"}


def test_a_recipient_left_to_the_sentences_before_is_taken_from_them(coder):
    text = ("South Korea is considering providing weapons to Ukraine, a senior official said.\n\n"
            "\"If we believe the threshold is crossed, we may even consider offensive weapons,\" the official "
            "added.")
    events = [e for e in coder.code(text, "2024-10-22").events if "threshold" in e.evidence.sentence]
    assert events and _codes(events[0].actor) == {"KOR"} and _codes(events[0].recipient) == {"UKR"}
    assert events[0].modality == "conditional"
    # an act of another party, or another act, takes nothing from it
    text = "South Korea is considering providing weapons to Ukraine.\n\nJapan may also consider offensive weapons."
    japan = [e for e in coder.code(text, "2024-10-22").events if "Japan" in e.evidence.sentence]
    assert all("UKR" not in _codes(e.recipient) for e in japan)


def test_a_codebook_reading_the_gold_merges_stands(coder):
    # PLV's labels merge RETREAT into CONCEDE; the manual: "the actual release … of prisoners … RETREAT"
    event = _main(coder, "Hamas released two Israeli hostages.")
    assert (event.event, _codes(event.actor), _codes(event.recipient)) == ("RETREAT", {"PSE"}, {"ISR"})
    # PLV follows the CAMEO table (COERCE); the manual: "international sanctions are coded as SANCTION"
    event = _main(coder, "The United States imposed new sanctions on Russian entities.")
    assert (event.event, _codes(event.actor), _codes(event.recipient)) == ("SANCTION", {"USA"}, {"RUS"})


def test_everyday_news_codes_nothing(coder):
    for text in ("The quake struck inland at a depth of 10 kilometres, the survey said.",
                 "The Lakers beat the Celtics 102-98 on Sunday night.",
                 "There is additional support to customers and refinement of our products.",
                 "The actress checked herself into a rehab clinic in Malibu."):
        assert coder.code(text).events == [], text


@needs_gold
def test_the_quote_cue_table_chooses_its_share_by_cross_validation(tmp_path):
    out = tmp_path / "cues.json"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_quote_cues.py"), "--limit", "30",
                             "--eval", str(SHARED / "eval"), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    table = __import__("json").loads(out.read_text(encoding="utf-8"))
    scores = {float(share): f1 for share, f1 in table["cross_validated_f1"].items()}
    # the share written is the one with the best cross-validated figure, and every share was scored
    assert table["min_cue_precision"] == max(scores, key=lambda share: (scores[share], share))
    assert len(scores) == 8 and all(0 < f1 <= 1 for f1 in scores.values())
    assert table["cues"] and "ccomp" in table["content_deps"]
