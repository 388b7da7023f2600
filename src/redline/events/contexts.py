"""Why: PLOVER contexts (military, diplomatic, legal, economic, …) from the words of the event's sentence.

PLOVER expects contexts to be read from the text around an event rather than from its verb. redline keeps the
CAMEO table's context for the code and adds every context whose words (lemmas, or two adjacent lemmas) the
sentence uses, from the project's list in data/lexicon_redline.json.
"""

from __future__ import annotations

from spacy.tokens import Span

from redline.events.lexicon import Lexicon


def sentence_contexts(sent: Span, lex: Lexicon) -> list[str]:
    lemmas = [t.lemma_.lower() for t in sent]
    words = set(lemmas) | {t.lower_ for t in sent}
    words |= {f"{a} {b}" for a, b in zip(lemmas, lemmas[1:])}
    return [context for context, cues in lex.contexts.items() if words & cues]
