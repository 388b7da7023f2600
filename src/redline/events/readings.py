"""PLOVER's own readings of an act: what the manual codes when the act is intended, threatened, requested or
refused ("Cooperative actions ... reported in future tense ... should be coded as AGREE"; "the coder should
always return the single event category"). The act itself stays in the event's `action`."""

from __future__ import annotations

from redline.events.lexicon import Lexicon
from redline.events.modality import Modality

# REQUEST and REJECT take their mode from the act asked for or refused (PLOVER's shared modes).
COOPERATIVE = {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"}
ACT_MODES = {"AID": "assist", "COOPERATE": "assist", "SUPPORT": "assist", "CONSULT": "meet", "AGREE": "meet",
             "RETREAT": "yield", "CONCEDE": "yield"}
REQUEST_CODES = {"": "100", "assist": "101", "meet": "106", "yield": "105", "change": "104"}
REJECT_CODES = {"": "120", "assist": "121", "meet": "125", "yield": "1246", "change": "124"}
# Intent to cooperate, by act and context (CAMEO 03x).
INTENT_CODES = {
    "AID": {"": "033", "economic": "0331", "military": "0332", "humanitarian": "0333", "peacekeeping": "0334"},
    "COOPERATE": {"": "031", "economic": "0311", "military": "0312", "legal": "0313", "intelligence": "0314"},
    "CONSULT": {"": "036"},
    "SUPPORT": {"": "032"},
}
# A conflictual act under a threat frame becomes the matching CAMEO threat.
THREAT_CODES = {"ASSAULT": "138", "MOBILIZE": "138", "COERCE": "1384", "SANCTION": "1312", "PROTEST": "133"}


def plover_reading(kind: tuple, cameo: str, modality: Modality, lex: Lexicon) -> tuple[tuple, str]:
    """PLOVER codes intentions and threats as events of their own (manual, AGREE, CONCEDE and THREATEN):
    a cooperative act that is planned, considered, conditional or in the future is AGREE; a retreat yet to
    come is CONCEDE; a conflictual act threatened, or announced for the future, is THREATEN (asserted where the
    threat was made, planned where the act is only prepared or announced). The act itself stays in `action`. A
    feared or hypothetical act is left as it is: no one committed to it."""
    event = kind[0]
    refused = modality.modality == "refused" or (
        modality.modality == "negated" and modality.future and event in COOPERATIVE)
    if modality.modality == "requested" and event == "COERCE":
        modality.modality = "asserted"  # "ordered the paper to suspend publication": ordered coercion is coercion
        return kind, cameo
    if modality.modality == "requested" or refused:
        # "demanded that X withdraw" is a REQUEST; "refused to withdraw", "will not accept" a REJECT.
        table = REQUEST_CODES if modality.modality == "requested" else REJECT_CODES
        new = table.get(ACT_MODES.get(event, ""), table[""])
        modality.modality = "conditional" if modality.condition else (
            "reported" if modality.hearsay else "asserted")
        plover = lex.plover(new)
        return (plover.event, plover.mode, plover.context or kind[2]), new
    intended = modality.modality in {"planned", "considered", "promised"} or (modality.future and modality.modality == "asserted")
    intended = intended or (modality.modality == "conditional" and modality.committed)
    if modality.modality == "threatened" or (intended and event in THREAT_CODES):
        new = THREAT_CODES.get(event, "130")
        if modality.modality == "threatened":  # the threat was made: it is the act the text tells
            modality.modality = "conditional" if modality.condition else (
                "reported" if modality.hearsay else "asserted")
        elif modality.modality == "asserted":  # "will launch": announced, not done
            modality.modality = "planned"
        # a force only planned, considered or promised ("is preparing to launch a spy satellite") keeps that
        # modality: PLOVER types it THREATEN, and the board must not read it as a threat carried out
    elif intended and event in INTENT_CODES:
        new = INTENT_CODES[event].get(kind[2][0] if kind[2] else "", INTENT_CODES[event][""])
    elif intended and event == "RETREAT":
        new = "080"
    else:
        return kind, cameo
    plover = lex.plover(new)
    return (plover.event, plover.mode, plover.context or kind[2]), new
