"""How sure: is the event asserted, reported, planned, considered, conditional, threatened, feared, denied …?

Read from the parse around the word that carries the event: its own negation and modal verbs, the verbs and
nouns that frame it on the way up to the sentence root ("is considering providing", "concerns about
transfers", "denied that …"), an if-clause it depends on (then it is *feared*: a hypothetical) or that depends on
it (then it is *conditional*, and the clause is kept as its condition: a declared red line), and hearsay markers
("reportedly", "according to") anywhere on that path. On the same path: a claim called false ("called the
reports groundless", "rejected claims that …": *denied*), a question or a refusal to say ("asked whether …",
"declined to comment on whether …": no claim at all, `none`), an attempt that failed ("failed to capture", "a
failed attempt to launch": *failed*), an assessment ("is believed to have", "probably", "it is possible that":
*assessed*) and a commitment ("pledged to provide": *promised*).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from redline.events.tree import is_passive, subject_of

HEARSAY_ADVERBS = {"reportedly", "allegedly", "purportedly", "supposedly", "unconfirmed"}
# An assessment, not a statement: the act is judged to have happened ("probably fired", "appears to have sent").
ASSESSING_ADVERBS = {"likely", "probably", "possibly", "apparently", "presumably", "conceivably", "plausibly",
                     "perhaps", "maybe", "seemingly", "evidently"}
RAISING_VERBS = {"appear", "seem"}  # "appears to have sent"
# "is believed to have supplied": a belief about the act, held by someone unnamed.
BELIEF_VERBS = {"believe", "think", "presume", "estimate", "assess", "understand", "suspect", "consider", "judge",
                "deem", "assume", "expect"}
HEARSAY_PASSIVES = {"say", "report", "allege", "rumour", "rumor", "claim"}  # "is said to have", "is reported to"
POSSIBILITY_ADJECTIVES = {"possible", "likely", "probable", "plausible", "conceivable", "unlikely"}  # "it is possible that"
# A claim called false: the claim nouns, and what calling one false takes.
CLAIM_NOUNS = {"claim", "report", "accusation", "allegation", "rumor", "rumour", "suggestion", "assertion",
               "speculation", "charge", "story", "notion", "idea"}
DENYING_VERBS = {"deny", "dismiss", "reject", "refute", "rebut", "dispute", "disavow", "contradict"}
LABELLING_VERBS = {"call", "describe", "brand", "label", "term", "dismiss", "reject", "denounce", "characterize",
                   "characterise"}
FALSITY = {"groundless", "baseless", "fake", "false", "absurd", "unfounded", "untrue", "fabricated", "nonsense",
           "lie", "rumor", "rumour", "smear", "fabrication", "propaganda", "contradictory", "ridiculous", "fiction",
           "speculation", "assertion", "slander", "disinformation", "hoax", "invention", "provocation"}
# No claim either way: a question put to someone, a refusal to say, an open question.
UNANSWERED_HEADS = {"ask", "wonder", "know", "unclear", "clear", "unknown", "certain", "sure", "verify", "confirm",
                    "deny", "comment", "say", "tell", "answer", "respond", "disclose", "reveal", "specify",
                    "question", "determine", "establish", "impossible", "uncertain"}
SAYING_VERBS = {"say", "comment", "confirm", "deny", "disclose", "answer", "specify", "reveal", "elaborate",
                "discuss", "respond"}
WITHHOLDING_VERBS = {"decline", "refuse"}  # "declined to comment"
# What a refusal withholds when it is only a refusal to say ("refused to discuss the offer" is a refusal to talk)
WITHHELD_WORDS = {"comment", "confirm", "say", "disclose", "elaborate", "specify", "reveal"}
ANSWERING_VERBS = {"say", "tell", "answer", "reply", "respond", "retort", "insist"}  # the answer to a question
# An attempt that failed: the verbs of failing and trying, the nouns of attempt, what a failed attempt is called.
FAILING_VERBS = {"fail"}
TRYING_VERBS = {"try", "attempt", "seek"}
ATTEMPT_NOUNS = {"attempt", "bid", "effort", "try"}
FAILURE_WORDS = {"failed", "unsuccessful", "abortive", "botched", "foiled", "thwarted", "aborted", "unsuccessfully",
                 "vain"}
THWARTING_VERBS = {"fail", "foil", "thwart", "repel", "repulse", "overpower", "abort", "collapse", "stop"}
# Verbs whose clause is an assessment: "satellite imagery suggests that …", "analysts assessed that …".
ASSESSING_VERBS = {"suggest", "assess", "judge", "conclude", "estimate", "believe", "deduce", "infer"}
# Frames of a commitment whose act, if hostile, is a threat instead ("vowed to punish").
VOWING = {"vow", "swear"}
HEARSAY_VERBS = {"report", "allege", "rumor", "rumour", "claim"}
HEARSAY_NOUNS = {"report", "reports", "claim", "claims", "allegation", "rumor", "rumour", "media"}
CONDITION_MARKERS = {"if", "unless", "provided", "providing", "should", "once", "whether"}
HYPOTHETICAL_MODALS = {"could", "might", "may", "would"}
FUTURE_MODALS = {"will", "'ll", "shall", "wo"}
OBLIGATION_MODALS = {"must", "should", "ought"}
SPEECH_LEMMAS = {"say", "announce", "tell", "state", "declare", "add", "confirm", "indicate", "warn", "report"}
REPORTING_LEMMAS = SPEECH_LEMMAS | HEARSAY_VERBS  # the verbs whose complement is someone's claim
# Adjectives that make a named event a possibility rather than a fact.
POSSIBILITY = {"potential": "feared", "possible": "considered", "prospective": "considered", "planned": "planned",
               "proposed": "considered", "alleged": "reported", "reported": "reported", "feared": "feared",
               "expected": "expected", "future": "expected", "further": "feared"}
# Verbs of wanting: a request when someone else is to act, an intention otherwise.
DESIRE_VERBS = {"want", "wish"}
# Nouns whose "that" clause holds what is feared ("raising concerns that … transfers … could lead …").
FEAR_NOUNS = {"concern", "fear", "worry", "anxiety", "alarm", "danger", "risk", "threat"}
# Nouns whose "that" clause holds what is asked for ("reiterated its demand that Israel ease …").
REQUEST_NOUNS = {"demand", "call", "request", "appeal", "insistence", "ultimatum"}
CLAUSE_NOUNS = FEAR_NOUNS | REQUEST_NOUNS
NOUN_CLAUSE_GAP = 1  # words allowed between the noun and its "that" ("its demand today that …")
# Steps up the parse after which a framing verb no longer governs the event: "the deployment" in "… is
# considering X following the deployment" is not under consideration.
ADJUNCTS = {"advcl", "acl", "relcl", "npadvmod", "appos", "conj"}
# Dependencies through which a framing word governs the event.
UPWARD = {"xcomp", "ccomp", "pcomp", "acomp", "pobj", "prep", "dobj", "acl", "advcl", "conj", "nsubjpass", "attr", "oprd",
          "csubj", "compound", "amod", "relcl", "appos", "npadvmod"}


@dataclass
class Modality:
    modality: str = "asserted"
    condition: str | None = None
    hearsay: bool = False
    future: bool = False
    frame: Token | None = None  # the word that framed the event ("demanded", "refused"), if one did
    # A conditional the actor commits to ("we may consider …", "will … if"), not a hypothetical ("could expand
    # if …"): only the first is an intention PLOVER codes as AGREE.
    committed: bool = False
    condition_clause: Token | None = None  # the verb of the if-clause: whose act the condition waits on
    claimant: Token | None = None  # who claims or denies it: the speaker of "…, says Seoul", the denier


def _clause_text(token: Token) -> str:
    tokens = sorted(token.subtree, key=lambda t: t.i)
    return token.doc[tokens[0].i: tokens[-1].i + 1].text.strip(" ,")


def _marker(token: Token) -> str | None:
    for child in token.children:
        if child.dep_ == "mark" and child.lower_ in CONDITION_MARKERS:
            return child.lower_
    return None


def reporting_verb(token: Token) -> Token | None:
    """The speech verb whose complement holds the word ("X said (that) …", "…, says Seoul"), if one does."""
    node, steps, through = token, 0, {"ccomp", "conj", "xcomp", "parataxis"}
    if token.dep_ == "acl":
        # "North Korean troops fighting in Ukraine, some killed, says Seoul": a heading's act hangs on its noun
        node, through = token.head, through | {"dobj", "nsubj", "nsubjpass"}
    while node.dep_ in through and node.head.i != node.i and steps < 4:
        node, steps = node.head, steps + 1
        if node.lemma_.lower() in REPORTING_LEMMAS:
            return node
    return None


NO_ONE = {"nobody", "noone", "no-one", "none", "nothing", "neither"}


def _negated_party(token: Token) -> bool:
    """"No troops have been deployed", "nobody was killed", "no one has been arrested", "there are no troops in
    Russia": the act's own doer or object is no one."""
    for child in token.children:
        if child.dep_ in {"nsubj", "nsubjpass", "dobj", "attr"} and (child.lower_ in NO_ONE or any(
                c.dep_ == "det" and c.lower_ == "no" for c in child.children)):
            return True
    return False


def _own_cues(token: Token, frames: dict[str, str]) -> tuple[str | None, bool]:
    """(modality, future) from the word's own auxiliaries, negation and modifiers."""
    modality, future = None, False
    if _negated_party(token):
        return "negated", future
    for child in token.children:
        word = child.lower_
        if child.dep_ == "neg" or (child.dep_ == "det" and word == "no"):
            could = any(c.dep_ == "aux" and c.lower_ == "could" for c in token.children)
            return ("failed" if could and token.pos_ == "VERB" else "negated"), future  # "could not deliver"
        if child.dep_ in {"aux", "auxpass"}:
            if word in FUTURE_MODALS:
                future = True
            elif word == "would" and (reporting_verb(token) is not None or (
                    token.dep_ == "ccomp" and token.head.lemma_.lower() in frames)):
                future = True  # "said they would boycott", "promised that it would supply": a told future
            elif word in HYPOTHETICAL_MODALS and modality is None:
                modality = "feared"
            elif word in OBLIGATION_MODALS and modality is None:
                modality = "requested"  # "China must drop barriers": someone demands it
        if child.dep_ == "amod" and word in POSSIBILITY and modality is None:
            modality = POSSIBILITY[word]
        if child.dep_ == "advmod" and word in ASSESSING_ADVERBS and modality is None:
            modality = "assessed"  # "probably fired", "highly likely been deployed"
        bare = not any(c.dep_ in {"nsubj", "nsubjpass", "xcomp", "ccomp", "mark"} for c in child.children)
        if child.dep_ == "advcl" and word in ASSESSING_ADVERBS and bare and modality is None:
            modality = "assessed"  # "deployed to Russia, highly likely": a hedge told after the act, no clause
    return modality, future


def read_modality(trigger: Token, frames: dict[str, str]) -> Modality:
    result = Modality()
    modality, result.future = _own_cues(trigger, frames)
    # An if-clause hanging on the event, or on the act it commits to ("threatened to stop the talks if the US goes
    # ahead"), makes it conditional: keep the condition.
    for child in _with_complements(trigger):
        if child.dep_ == "advcl" and _marker(child) in CONDITION_MARKERS:
            result.condition, result.condition_clause = _clause_text(child), child
            break
    if _is_question(trigger) or _put_to_someone(trigger):
        modality = "none"
    if modality == "negated" and trigger.lemma_.lower() in {"deny", "confirm"}:
        modality = "none"  # "the Kremlin has not denied or confirmed …": no claim either way, not a refusal
    node = trigger
    steps = 0
    governed = True  # still inside the complements of the words above
    open_question = False  # inside a "whether" clause: the verb above says whether it is asked or left open
    in_clause = True  # not yet past a relative or adverbial clause: a denial or failure above still governs
    while node.dep_ in UPWARD and node.head.i != node.i and steps < 12:
        child, node = node, node.head
        steps += 1
        in_clause = in_clause and child.dep_ not in {"advcl", "relcl", "parataxis"}
        open_question = open_question or _marker_word(child) in {"whether", "if"} and child.dep_ != "advcl" or (
            _marker_word(child) == "if" and node.lemma_.lower() in {"ask", "wonder"})
        if modality is None and open_question and node.lemma_.lower() == "ask":
            answer = _answered_false(node)
            if answer is not None:
                modality, result.frame = "denied", answer
        if modality is None and _unanswered(node, child, open_question):
            modality = "none"  # "asked whether …", "declined to comment on …", "neither confirmed nor denied …"
        if modality is None and in_clause and _failed_attempt(node):
            modality, result.frame = "failed", node
        denier = _called_false(node) if modality is None and in_clause and node.pos_ in {"NOUN", "PROPN"} \
            and node.lemma_.lower() in CLAIM_NOUNS else None
        if denier is not None:
            modality, result.frame = "denied", denier  # "called the reports absurd", "rejected claims that …"
        if modality is None and governed:
            modality = _assessment(node, child)
        if child.dep_ == "advcl" and _marker(child):
            modality = modality or "feared"  # inside "if Russia assists …": a hypothetical
        noun_content = child.dep_ == "acl" and node.pos_ == "NOUN" and node.lemma_.lower() in frames
        if (child.dep_ in ADJUNCTS and not noun_content) or (child.dep_ == "prep" and node.pos_ in {"VERB", "AUX"}):
            governed = False  # but "concerns over Russia potentially transferring …" holds what is feared
        lemma = node.lemma_.lower()
        if modality is None and governed and lemma in DESIRE_VERBS and node.i != trigger.i:
            # "Seoul wants Washington to impose sanctions" asks Washington; "Seoul wants to send aid" intends it.
            asked = any(c.dep_ in {"dobj", "nsubj"} and c.i < child.i for c in child.children) or any(
                c.dep_ == "dobj" and c.i < child.i for c in node.children)
            modality, result.frame = ("requested" if asked else "planned"), node
        if modality is None and governed and lemma in frames and node.i != trigger.i:
            modality = frames[lemma]
            result.frame = node
            if modality == "denied" and any(c.dep_ == "neg" for c in node.children):
                modality = "none"  # "did not deny": no denial, and no claim either
            elif modality == "expected" and _perfect(child):
                modality = "assessed"  # "is likely to have killed": judged to have happened, not expected
        if node.pos_ in {"VERB", "AUX"}:
            own, future = _own_cues(node, frames)
            result.future = result.future or future
            if own == "negated" and modality is None:
                modality = "negated"
            elif own == "feared" and modality is None and governed and child.dep_ in {"xcomp", "ccomp"}:
                modality = "feared"  # "could lead Seoul to escalate its support": the escalation is a possibility
            for sibling in node.children:
                if sibling.dep_ == "advcl" and _marker(sibling) in CONDITION_MARKERS and result.condition is None:
                    if sibling.i != child.i:
                        result.condition, result.condition_clause = _clause_text(sibling), sibling
        if lemma in HEARSAY_VERBS or (node.pos_ == "NOUN" and node.lower_ in HEARSAY_NOUNS):
            result.hearsay = True
    if modality is None:
        noun = _clause_of_noun(trigger)  # "concerns that …", "its demand today that Israel ease …"
        if noun is not None:
            modality = "feared" if noun.lemma_.lower() in FEAR_NOUNS else "requested"
            result.frame = noun
    result.hearsay = result.hearsay or _hearsay_in_sentence(trigger)
    if result.condition and modality in (None, "feared", "considered", "planned"):
        volition = {c.lower_ for c in trigger.children if c.dep_ == "aux"} & {"may", "would", "will", "shall"}
        result.committed = modality in {"considered", "planned"} or result.future or bool(volition)
        modality = "conditional"
    result.modality = modality or ("reported" if result.hearsay else "asserted")
    if result.modality == "denied" and result.frame is not None:
        result.claimant = subject_of(result.frame)
    elif result.hearsay:
        result.claimant = _according_to_whom(trigger)
    if result.modality == "asserted" and result.future:
        result.modality = "planned"  # "will resume", "said it would boycott": announced, not done
    if result.modality in {"planned", "expected", "promised"}:
        result.future = True
    return result


def _according_to(trigger: Token) -> Token | None:
    """The "to" of "according to …" in the event's sentence, if it has one."""
    sent = trigger.sent
    return next((t.nbor(1) for t in sent if t.lower_ == "according" and t.i + 1 < sent.end
                 and t.nbor(1).lower_ == "to"), None)


def _according_to_whom(trigger: Token) -> Token | None:
    """The source of "according to the NIS" in the event's sentence."""
    to = _according_to(trigger)
    return next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None


def _marker_word(token: Token) -> str | None:
    return next((c.lower_ for c in token.children if c.dep_ == "mark"), None)


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in {"neither", "nor"} for c in token.children)


def _is_question(trigger: Token) -> bool:
    """A sentence asking, outside quotation marks: "Did China provide the components?"."""
    words = [t for t in trigger.sent if not t.is_space]
    return bool(words) and words[-1].text == "?" and not any(t.is_quote for t in words)


def _unanswered(node: Token, child: Token, open_question: bool) -> bool:
    """Is the act what someone was asked, would not say, or what is not known?"""
    lemma = node.lemma_.lower()
    heads = {lemma} | {c.lemma_.lower() for c in node.children if c.dep_ in {"acomp", "attr", "oprd"}}
    if open_question and heads & UNANSWERED_HEADS:
        return True
    if lemma in WITHHOLDING_VERBS and child.dep_ == "xcomp" and child.lemma_.lower() in WITHHELD_WORDS:
        return True  # "declined to comment", "refused to confirm": the refusal to say is no act either
    if lemma in SAYING_VERBS and child.dep_ in {"ccomp", "prep", "dobj", "xcomp", "pcomp"}:
        withheld = node.dep_ == "xcomp" and node.head.lemma_.lower() in WITHHOLDING_VERBS
        neither = _negated(node) or (node.dep_ == "conj" and _negated(node.head))
        return withheld or neither
    return False


def _put_to_someone(trigger: Token) -> bool:
    """"Asked whether troops had been sent, …", "when asked if …", "was asked whether …": a question put to the
    one who answers, not a request (PLOVER's REQUEST asks for an act; "Seoul asked if Washington could send
    interceptors" does, and stays one)."""
    if trigger.lemma_.lower() != "ask" or not any(
            _marker_word(c) in {"whether", "if"} for c in trigger.children if c.dep_ in {"ccomp", "advcl"}):
        return False
    asker_unsaid = trigger.dep_ == "advcl" and not any(c.dep_ == "nsubj" for c in trigger.children)
    return asker_unsaid or any(c.dep_ in {"auxpass", "nsubjpass"} for c in trigger.children)


def _answered_false(asked: Token) -> Token | None:
    """The answer that calls what was asked false ("'This looks like fake news,' Peskov told reporters when asked
    if North Korea was sending troops"; "Asked whether troops had been sent, Peskov said it was a lie"): a
    denial by whoever answered, not an open question."""
    answer = asked.head
    if asked.dep_ != "advcl" or answer.lemma_.lower() not in ANSWERING_VERBS or _negated(answer):
        return None
    question = range(asked.left_edge.i, asked.right_edge.i + 1)
    said = [t for t in answer.subtree if t.i not in question]
    if any(t.lemma_.lower() in WITHHOLDING_VERBS or (t.lemma_.lower() in UNANSWERED_HEADS and _negated(t))
           for t in said):
        return None  # "said the Kremlin does not comment on such speculation": no answer either way
    if any(t.lemma_.lower() in FALSITY or t.lower_ in FALSITY or t.lemma_.lower() in DENYING_VERBS for t in said):
        return answer
    return None


def _failed_attempt(node: Token) -> bool:
    """"failed to capture", "was unable to enter", "a failed attempt to launch", "tried … but were repelled"."""
    lemma = node.lemma_.lower()
    if (lemma in FAILING_VERBS and node.pos_ in {"VERB", "AUX"}) or (lemma == "unable" and node.pos_ == "ADJ"):
        return True
    trying = (lemma in TRYING_VERBS and node.pos_ == "VERB") or (lemma in ATTEMPT_NOUNS and node.pos_ == "NOUN")
    if not trying:
        return False
    if any(c.dep_ in {"amod", "advmod", "pobj", "prep"} and c.lower_ in FAILURE_WORDS for c in node.children):
        return True
    if node.pos_ == "NOUN" and node.dep_ in {"nsubj", "nsubjpass"} and node.head.lemma_.lower() in THWARTING_VERBS:
        return True  # "the attempt was foiled", "the bid failed"
    return any(_thwarted(c) for c in node.children if c.dep_ == "conj")  # "tried … but were repelled"


def _thwarted(verb: Token) -> bool:
    if verb.lemma_.lower() in THWARTING_VERBS:
        return True
    if verb.lemma_.lower() == "turn" and any(c.dep_ == "prt" and c.lower_ in {"back", "away"} for c in verb.children):
        return True
    # "… but the operation failed": a failure whose subject is the attempt itself
    return any(c.dep_ == "conj" and _thwarted(c) for c in verb.children)


def _called_false(noun: Token) -> Token | None:
    """The verb that denies the claim noun ("reports that …", "accusations of …") or calls it false, if one does
    (for "baseless claims that …", the noun itself)."""
    if any(c.dep_ == "amod" and c.lemma_.lower() in FALSITY for c in noun.children):
        return noun
    verb = noun.head
    for _ in range(3):  # "dismissed as contradictory the claims …": through the words the parser hung it on
        if verb.pos_ in {"VERB", "AUX"} or verb.head.i == verb.i:
            break
        verb = verb.head
    lemma = verb.lemma_.lower()
    if verb.pos_ not in {"VERB", "AUX"} or _negated(verb):
        return None
    if lemma in DENYING_VERBS:
        return verb
    if lemma in LABELLING_VERBS or lemma == "be":
        # what the claim is called, wherever the small parser hangs it ("… sending soldiers groundless rumours")
        if any((t.lemma_.lower() in FALSITY or t.lower_ in FALSITY) and t.i != noun.i for t in verb.subtree):
            return verb
    return None


def _perfect(verb: Token) -> bool:
    """"to have killed": the act is past."""
    return any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children)


def _assessment(node: Token, child: Token) -> str | None:
    """An assessment governing the act: "appears to have", "is believed to", "it is possible that", "probably";
    "is said to have" is hearsay."""
    lemma = node.lemma_.lower()
    if child.dep_ == "xcomp" and lemma in RAISING_VERBS:
        return "assessed"
    if child.dep_ == "xcomp" and is_passive(node) and lemma in BELIEF_VERBS - {"expect"}:
        return "assessed"
    if child.dep_ == "xcomp" and is_passive(node) and lemma in HEARSAY_PASSIVES:
        return "reported"
    if child.dep_ == "xcomp" and lemma == "expect" and is_passive(node) and _perfect(child):
        return "assessed"
    if child.dep_ in {"ccomp", "csubj"} and (lemma in ASSESSING_VERBS or any(
            c.dep_ in {"acomp", "attr"} and c.lemma_.lower() in POSSIBILITY_ADJECTIVES for c in node.children)):
        return "assessed"  # "imagery suggests that …", "it is possible that …"
    if node.pos_ in {"VERB", "AUX"} and any(c.dep_ == "advmod" and c.lower_ in ASSESSING_ADVERBS
                                           for c in node.children):
        return "assessed"
    return None


def _with_complements(verb: Token, depth: int = 3) -> list[Token]:
    """The verb's children, then those of the acts it takes as complements ("to stop …"), nearest first."""
    found = list(verb.children)
    for child in verb.children:
        if child.dep_ == "xcomp" and depth > 1:
            found += _with_complements(child, depth - 1)
    return found


def _clause_of_noun(trigger: Token) -> Token | None:
    """The fear or demand noun whose "that" clause holds the event ("concerns that X could …", "its demand today
    that Israel ease …"), found by the words (the clause's "that" at most two words after the noun), since the
    small parser often hangs the clause elsewhere."""
    node = trigger
    for _ in range(10):
        mark = next((c for c in node.children if c.dep_ == "mark" and c.lower_ == "that"), None)
        if mark is not None:
            before = trigger.doc[max(0, mark.i - NOUN_CLAUSE_GAP - 1): mark.i]
            noun = next((t for t in reversed(before) if t.pos_ == "NOUN"
                         and t.lemma_.lower() in CLAUSE_NOUNS), None)
            if noun is not None:
                return noun
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _hearsay_in_sentence(trigger: Token) -> bool:
    """'reportedly' on the event or its governing verbs, or 'according to' in its sentence."""
    node, seen = trigger, 0
    while seen < 8:
        if any(c.lower_ in HEARSAY_ADVERBS for c in node.children):
            return True
        if node.head.i == node.i:
            break
        node, seen = node.head, seen + 1
    return _according_to(trigger) is not None
