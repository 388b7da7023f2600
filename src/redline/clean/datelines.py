"""A wire dateline at the start of an article's body: "SEOUL, South Korea (AP) — …", "MOSCOW, Oct 21 (Reuters) -".

The place, the date as printed and the wire credit (the agency whose copy this is) are read off and taken out
of the text, so that the event coder reads "Russia has supplied …" and not a sentence whose first words are a
city; the credit is what makes two outlets' runs of one AP story one source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Agencies as their credits print them, and the name the reliability table and the watch know them by.
WIRES = {
    "ap": "Associated Press", "associated press": "Associated Press", "reuters": "Reuters", "afp": "AFP",
    "agence france-presse": "AFP", "yonhap": "Yonhap News Agency", "kyodo": "Kyodo News", "xinhua": "Xinhua",
    "tass": "TASS", "ria novosti": "RIA Novosti", "upi": "UPI", "dpa": "dpa", "efe": "EFE", "ansa": "ANSA",
    "bloomberg": "Bloomberg", "kcna": "KCNA", "ukrinform": "Ukrinform", "interfax": "Interfax", "anadolu": "Anadolu",
}
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_REGION = r"(?:,\s*(?!" + _MONTH + r"\s+\d)[A-Z][\w.'\- ]{1,30}?)?"  # ", South Korea"; "Oct 21" is the date
_PLACE = r"(?P<place>[A-Z][A-Z.'\- ]{1,40}[A-Z.]" + _REGION + ")"
_DATE = r"(?:,?\s*(?P<date>" + _MONTH + r"\s+\d{1,2}(?:,\s*\d{4})?))?"
_CREDIT = r"\s*\((?P<wire>[A-Za-z][\w .\-]{1,30})\)"
_DASH = r"\s*(?:—|–|--|-|:)\s+"
DATELINE = re.compile(r"^" + _PLACE + _DATE + _CREDIT + _DASH)
# Without a credit the place alone is a dateline only in capitals and before a dash: "KYIV, Ukraine — …".
BARE_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z.'\-]{2,}(?: [A-Z][A-Z.'\-]+)?" + _REGION + ")"
                           + _DATE + r"\s*(?:—|–|--)\s+")


@dataclass
class Dateline:
    place: str
    wire: str | None  # the agency's name, for a credit redline knows ("AP" → Associated Press), else as printed
    date: str | None  # as printed ("Oct 21"): the article's own date stays the page's
    length: int  # characters of the paragraph it takes


def read_dateline(paragraph: str) -> Dateline | None:
    match = DATELINE.match(paragraph) or BARE_DATELINE.match(paragraph)
    if match is None or match.end() >= len(paragraph) - 20:
        return None  # a line that is all dateline is no article's lede
    groups = match.groupdict()
    credit = (groups.get("wire") or "").strip()
    wire = WIRES.get(credit.lower(), credit) if credit else None
    return Dateline(place=groups["place"].strip(" ,"), wire=wire, date=groups.get("date"), length=match.end())


def strip_dateline(paragraphs: list[str]) -> tuple[list[str], Dateline | None]:
    """The paragraphs with the first one's dateline taken out, and the dateline."""
    if not paragraphs:
        return paragraphs, None
    found = read_dateline(paragraphs[0])
    if found is None:
        return paragraphs, None
    return [paragraphs[0][found.length:], *paragraphs[1:]], found
