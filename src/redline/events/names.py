"""One spelling of a name for lookups: the dictionaries and the text meet here."""

from __future__ import annotations

import re

_DROP = re.compile(r"[.'’`]")
_SPACE = re.compile(r"[\s_,\-–/()]+")


def name_key(text: str) -> str:
    """Lower-case, without dots or apostrophes, with one space between words.

    "U.N." and "UN" meet, so do "D.P.R.K." and "DPRK", "People's" and "Peoples",
    "cease-fire" and "cease fire".
    """
    return _SPACE.sub(" ", _DROP.sub("", text.lower())).strip()
