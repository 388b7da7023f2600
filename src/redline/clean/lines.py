"""What one line or paragraph of a news page is: body text, or navigation, a stamp, a byline, a paywall, a tail.

These rules are shared by the plain-text and the HTML cleaners: both end as a list of paragraphs to judge.
Each pattern is written for the general case seen across outlets, not for one page.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A page's lines are judged by several steps (the block search, the list reader, the tail cut), and a doubled
# dump prints each twice: each judgement of a line is kept for the next step that asks, within one page
# (`forget` starts each page afresh, so that no figure is measured on lines already judged).
LINE_CACHE = 4096

# A paragraph with at least this many words that ends like a sentence reads as body text.
BODY_MIN_WORDS = 8
# A paragraph this long is body text whatever its last character (long captions and quotes included).
BODY_ALWAYS_WORDS = 30
# A heading (title, section head) is at most this many words and does not end like a sentence.
HEADING_MAX_WORDS = 30

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]」』]*$|[\"”’»」』]$")
SENTENCE_END_TAIL = 12  # characters at the end where a sentence end (its mark and closing quotes) lies


def _sentence_end(text: str) -> bool:
    """Does the text end like a sentence? Only its tail is searched: an end-anchored search scans the whole line."""
    return bool(_SENTENCE_END.search(text[-SENTENCE_END_TAIL:]))

# Lines that only steer the reader around a site.
_NAV = re.compile(
    r"^(go to (the )?(main )?contents?|skip to (main )?(content|navigation)|skip navigation|jump to (main )?content"
    r"|main menu|menu|search|home|top|back to top|close|toggle navigation|open navigation|sections?"
    r"|log ?in|sign ?in|sign ?up|register|my account|subscribe|newsletters?|print|e-?mail|share( this( article| story)?)?|tweet"
    r"|facebook|twitter|linkedin|whatsapp|reddit|copy link|link copied|font ?size|text size|a a a|listen"
    r"|advertisement|sponsored|ad|most (read|popular|viewed)|related (articles|stories|news|content)?"
    r"|read more|more stories|recommended|trending|latest news|next article|previous article"
    r"|view comments|comments?|\d+ comments?|leave a comment|photo|image|video|gallery|tags?)[\s:.!|»>]*$",
    re.IGNORECASE,
)

# A heading over links to other stories: what follows it is not this article.
_RELATED_HEADER = re.compile(
    r"^(you (may|might) (also )?(like|enjoy)|don'?t miss|more (from|in) .{1,40}|related( articles| stories| news| content| topics"
    r"| coverage| posts| reading)?( (from|on|in|about) .{1,60})?|recommended( for you| stories| reading)?|most (read|popular|viewed|shared)"
    r"|trending( now| stories)?|read (more|next)|more stories|editor'?s picks|what to read next|further reading"
    r"|about us|stay connected|connect with us|contact us|get in touch"  # the site's footer
    # the author's biography: "About the author", "Über Moritz Bachmann", "Sobre Carlos Nadalim"
    r"|(about|über|sobre|à propos de) (the author|l'auteur|o autor|den autor|(?-i:[A-Z][\w’'-]+)( (?-i:[A-Z][\w’'-]+)){1,2})"
    r"|more (news|on this( story| topic)?|like this)|latest( news| stories)?|see also|explore further|up next"
    r"|also (read|see)|popular (now|stories)|top stories"
    # the same headings in the other languages of European news sites
    r"|(leia|veja|lea|lee|vea) (tamb[ée]m|m[aá]i?s)|voc[êe] (pode|também pode) gostar|not[íi]cias relacionadas"
    r"|te puede interesar|noticias relacionadas|(à )?lire aussi|vous aimerez aussi|sur le m[êe]me sujet"
    r"|lesen sie (auch|mehr)|mehr zum thema|das k[öo]nnte sie auch interessieren|leggi anche"
    r"|(ti )?potrebbe (anche )?interessarti|articoli correlati)[\s:.!…|»>]*$",
    re.IGNORECASE,
)


def is_related_header(text: str) -> bool:
    return bool(_RELATED_HEADER.match(unbulleted(text).strip()))


# The names of languages in their own scripts, as on a site's language switch ("한국어", "English | 日本語").
LANGUAGE_NAMES = {
    "english", "한국어", "日本語", "中文", "简体中文", "繁體中文", "简体", "繁體", "español", "français", "deutsch",
    "русский", "العربية", "português", "italiano", "tiếng việt", "ภาษาไทย", "bahasa indonesia", "türkçe", "polski",
    "nederlands", "українська", "हिन्दी", "فارسی", "עברית", "ελληνικά", "svenska", "norsk", "dansk", "suomi",
    "čeština", "magyar", "română", "bahasa melayu", "монгол", "kor", "eng", "jpn", "chn", "en", "ko", "ja", "zh",
}
_LANG_SPLIT = re.compile(r"\s*[|/·•,]\s*|\s{2,}")

# "Posted October. 23, 2024 08:45," / "Updated: 2024-10-23" / "Published on Tuesday, 22 October 2024".
_STAMP = re.compile(
    r"^(?P<kind>posted|published|first published|updated|last updated|last modified|modified|created|date|"
    r"released|issued|입력|수정)\s*(on|at)?\s*[:：]?\s*(?P<value>.{4,80}?)[\s,;|]*$",
    re.IGNORECASE,
)
_UPDATE_KINDS = {"updated", "last updated", "last modified", "modified", "수정"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_BY = re.compile(r"^(by|from|reporting by|written by|words by|story by)\s+(?P<names>.{3,120})$", re.IGNORECASE)

_COPYRIGHT = re.compile(
    r"^(©|\(c\)|copyright\b|all rights reserved|no part of this|this (material|article|content) may not be"
    r"|reproduction (is )?(prohibited|forbidden)|unauthori[sz]ed reproduction)",
    re.IGNORECASE,
)
_COPYRIGHT_HOLDER = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?:by\s+)?"
    r"(?P<holder>[^.,|\d][^.|]*?)\s*(?:[.,|]|all rights reserved|$)",
    re.IGNORECASE,
)

# Offers, walls and invitations that close a page: never part of an article.
# Matched against the lower-cased text (no IGNORECASE: much faster on long paragraphs).
# Every phrase starts a word: the leading \b lets the engine skip the other positions fast (twice as fast).
_PAYWALL = re.compile(
    r"\b(?:(un)?subscri(be|ber|ption)|free (access|trial)|(your|free|day) trial|trial period|cancel any ?time|sign up"
    r"|log ?in to|register to|already a (subscriber|member)|full access|unlimited access|paid (subscription|plan)"
    r"|paywall|become a (member|subscriber|supporter)|support (our|independent) journalism|start (now|reading)"
    r"|continue reading|to read the (full|rest)|premium (content|article|members)|\bnewsletter\b"
    r"|\bunlock (this|the|full|all|premium)|get \d+ (days|weeks|months)|per (month|year|week)\b"
    r"|delivered (to|through) your|click here|share (this|it) with|share (this )?(article|story|on)|follow us"
    r"|like this story|tell us what you think|send us your|download (our|the) app|sponsored content"
    r"|\brelated (articles|stories)|^(read|see) (more|also)\b|^also (on|read)\b|^more (on|from) |^tags?\s*[:|]"
    r"|^filed under\b|^topics?\s*:)"
)
# Site notices (cookies, reprints, browsers, market data, comment boxes): tried only on lines with their words.
_NOTICE = re.compile(
    r"\b(this|our) (web)?site uses cookies|\bwe use cookies|\b(accept|necessary|essential) cookies"
    r"|\bcookie (policy|settings|preferences)|^privacy overview$"
    r"|for your personal,? non-?commercial use only|update to a (modern|newer) browser|quotes (are )?delayed"
    r"|comments (are )?powered by|be respectful of other commenters"
    r"|\bconsent to (our|the) use of cookies|this site is protected by recaptcha"
    r"|\b(use of|registration on( or use of)?) this (web)?site constitutes acceptance|terms under which this (web)?site"
    r"|\blearn more about our privacy|^((terms of (use|service)|privacy (policy|notice)|cookie (policy|statement)"
    r"|user agreement|about our ads|advertising|contact us)[\s|·•,]*){2,}$"
    # the same cookie notices in the other languages of European news sites
    r"|\b(utilizziamo|usiamo|usamos|utilizamos|nous utilisons|wir verwenden|wir nutzen) (i |des |las |los )?cookies?"
    r"|\b(questo sito|este sitio( web)?|este site|ce site|diese (web)?seite) (utilizza|usa|utiliza|uses|utilise|verwendet)"
    r" (i |des |los )?cookies?"
)
# Words every notice holds: one cheap search before the long pattern.
_NOTICE_HINT = re.compile(r"cookie|privacy|commercial use|browser|delayed|powered by|commenters|this (web)?site"
                          r"|recaptcha|terms of")


# Han characters and kana: scripts written without spaces, where a word is about two characters.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
UNSPACED_CHARS_PER_WORD = 2


_BULLET = re.compile(r"^\s*(?:[*•·▪►›»\-–—]|\d{1,3}[.)])\s+")
# Where readers' comments begin: "34 responses to ...", "Top Rated Comments", "thelastfan says:", "Leave a Reply".
_COMMENTS_START = re.compile(
    r"^(\[?\s*\d+\s+(comments?|responses?|replies|reactions)\b.*|(top rated |latest |newest |all |show |view |reader )?"
    r"comments?\s*(\(\d+\))?\s*:?|leave a (comment|reply)\b.*|join the (discussion|conversation)\b.*"
    r"|.{1,60}\b(says|said|wrote|replied):|discussion|responses|reader comments"
    r"|lascia un commento|deja un comentario|deixe (um|seu) comentário|laisser un commentaire"
    r"|(einen )?kommentar (schreiben|hinterlassen)|\d*\s*(commenti|comentarios|comentários|commentaires|kommentare))$",
    re.IGNORECASE,
)


_BULLET_STARTS = frozenset("*•·▪►›»-–—0123456789 \t")


def unbulleted(text: str) -> str:
    """The line without a list bullet or number ("* Facebook" → "Facebook"), as page-to-text converters write them."""
    if not text or text[0] not in _BULLET_STARTS:  # the common case, without a regex
        return text
    return _BULLET.sub("", text, count=1)


def starts_comments(text: str) -> bool:
    return bool(_COMMENTS_START.match(unbulleted(text).strip()))


@lru_cache(maxsize=LINE_CACHE)
def words(text: str) -> int:
    """Word count, comparable across scripts: Chinese and Japanese characters count as half a word each."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(_WORD.findall(text))
    return len(_WORD.findall(_UNSPACED.sub(" ", text))) + unspaced // UNSPACED_CHARS_PER_WORD


# A long line without a sentence end is a menu when at least this share of its words are capitalised.
MENU_CAPITALISED_SHARE = 0.6


@lru_cache(maxsize=LINE_CACHE)
def is_body(text: str) -> bool:
    """Reads like a paragraph of an article: long enough, and ends like a sentence (or is long anyway)."""
    n = words(text)
    if n >= BODY_MIN_WORDS and ends_sentence(text):
        return True
    return n >= BODY_ALWAYS_WORDS and not is_flattened_menu(text) and not is_word_list(text)


# Clause punctuation in any script: prose of thirty words has some; a tag cloud or keyword list has none.
_CLAUSE_MARK = re.compile(r"[,.;:!?()\"“”،、，。；：！？]")


def is_word_list(text: str) -> bool:
    """Tags or keywords printed as one line ("adote um amigo agua alerta ambiente …"): no clause punctuation."""
    return not _CLAUSE_MARK.search(text)


def is_flattened_menu(text: str) -> bool:
    """A menu or tag list printed as one line: long, no sentence end, most words capitalised ("Agricultura
    Campanha Capacitação Combustíveis …")."""
    tokens = _WORD.findall(text)
    cased = [t for t in tokens if t[0].isalpha() and t[0].lower() != t[0].upper()]
    return len(cased) >= BODY_MIN_WORDS and sum(t[0].isupper() for t in cased) >= MENU_CAPITALISED_SHARE * len(cased)


# A teaser as page-to-text converters print it: a Title Case headline glued to its summary ("… Troy
# SteakhouseA party of six left …"). The headline must start the line and read as a title.
_GLUE = re.compile(r"(?<=[a-z0-9)?!'’])(?=[A-Z][a-z'’]*\s+[a-z])")
TEASER_HEAD_MIN_WORDS = 3
TEASER_HEAD_CAPITALISED_SHARE = 0.7


# A teaser of a wire-style outlet: its headline, then the summary's dateline ("… from US NEW DELHI: Their …").
# The headline has no sentence end in it; a one-word place name has five letters or more (not "NATO: …").
_DATELINE_INSIDE = re.compile(r"(?<=[\w’'])\s+(?:[A-Z]{2,}[ .]+){1,2}[A-Z]{3,}:\s+(?=[A-Z])|(?<=[\w’'])\s+[A-Z]{5,}:\s+(?=[A-Z])")
_SENTENCE_BREAK = re.compile(r"[.!?]\s")
TEASER_HEAD_MAX_WORDS = 25


@lru_cache(maxsize=LINE_CACHE)
def is_glued_teaser(text: str) -> bool:
    dateline = _DATELINE_INSIDE.search(text) if ":" in text else None
    if dateline:
        head = text[:dateline.start()]
        if TEASER_HEAD_MIN_WORDS <= len(_WORD.findall(head)) <= TEASER_HEAD_MAX_WORDS and not _SENTENCE_BREAK.search(head):
            return True
    for glue in _GLUE.finditer(text):
        head = _WORD.findall(text[:glue.start()])
        if len(head) < TEASER_HEAD_MIN_WORDS or text[glue.start() - 1: glue.start() + 1].isspace():
            continue
        capitalised = sum(1 for word in head if word[0].isupper() or word[0].isdigit())
        if capitalised >= TEASER_HEAD_CAPITALISED_SHARE * len(head):
            return True
    return False


def ends_sentence(text: str) -> bool:
    return _sentence_end(text.strip())


def is_heading(text: str) -> bool:
    text = text.strip()
    return 0 < words(text) <= HEADING_MAX_WORDS and not _sentence_end(text.rstrip("”’\"'"))


@lru_cache(maxsize=LINE_CACHE)
def is_nav(text: str) -> bool:
    text = unbulleted(text).strip()
    return bool(_NAV.match(text)) or is_language_switch(text)


def is_language_switch(text: str) -> bool:
    if len(text) > 80:
        return False
    parts = [p for p in _LANG_SPLIT.split(text.strip().casefold()) if p]
    return bool(parts) and all(p in LANGUAGE_NAMES for p in parts) and any(len(p) > 3 or not p.isascii() for p in parts)


def stamp(text: str) -> tuple[str, str] | None:
    """('published' | 'updated', the date text) for a Posted/Updated line, else None."""
    match = _STAMP.match(text.strip())
    if not match or not re.search(r"\d", match["value"]):
        return None
    kind = "updated" if match["kind"].lower() in _UPDATE_KINDS else "published"
    return kind, match["value"]


def emails(text: str) -> list[str]:
    if "@" not in text:  # the common case: the pattern would be tried at every word of the line
        return []
    return [m.group(0) for m in _EMAIL.finditer(text)]


def is_byline(text: str) -> bool:
    """A short line naming the writers: e-mail addresses with names, or 'By Jane Doe'."""
    text = text.strip()
    n = words(text)
    if "@" in text and n <= 40 and _EMAIL.search(text) and not is_body_sentence_with_email(text):
        return True
    return bool(_BY.match(text)) and n <= 15 and not _sentence_end(text.rstrip(")"))


def is_body_sentence_with_email(text: str) -> bool:
    """'Readers can write to tips@example.com with questions.': an e-mail inside prose is not a byline."""
    return is_body(_EMAIL.sub("", text))


def byline_names(text: str) -> str | None:
    match = _BY.match(text.strip())
    return match["names"] if match else None


def is_copyright(text: str) -> bool:
    return bool(_COPYRIGHT.match(text.strip())) or "all rights reserved" in text.lower()


def copyright_holder(text: str) -> str | None:
    match = _COPYRIGHT_HOLDER.search(text)
    if not match:
        return None
    holder = match["holder"].strip(" .,-–")
    return holder if 1 <= words(holder) <= 8 else None


# Credit lines that close wire and newspaper copy: "Reporting by Jane Doe; Editing by John Roe",
# "Fox News' Jessica Napoli contributed to this report.", "Additional reporting by ...".
_CREDIT = re.compile(
    r"^\(?((additional )?reporting by|editing by|writing by|compiled by|translated by|produced by)\b"
    r"|\b(contributed|contributed reporting) to this (report|story|article)\W*$",
    re.IGNORECASE,
)


def is_credit(text: str) -> bool:
    return bool(_CREDIT.search(unbulleted(text).strip())) and words(text) <= 30


# A photo caption: it ends with the picture's credit, or opens "In this … file photo".
_CAPTION_END = re.compile(
    r"\((?-i:AP|AFP|Reuters|EPA|Getty|Xinhua|Yonhap)\b[^()]{0,60}\)\s*$"
    r"|\bphoto(graph)?\s+(by|courtesy of|credit:?)\s+[^.]{2,80}$|/(?-i:AFP|Getty Images|Reuters|AP|EPA)\s*\)?\s*$",
    re.IGNORECASE,
)
# "… (Image: GETTY)", "… Credit: EPA", "… © Reuters / David Mercado": tried only on a tail with a colon or a ©.
_CAPTION_CREDIT = re.compile(
    r"\((image|photo|picture|pic|credit|source|foto)s?\s*:\s*[^()]{1,60}\)\s*$|©\s*[^©.]{2,60}$"
    r"|\bcredits?:\s*[^.:]{2,60}$",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(r"in this .{0,60}?\b(file )?photo\b|(image|media|photo|video) (caption|copyright)\b",
                            re.IGNORECASE)
CAPTION_MAX_WORDS = 60
CAPTION_CREDIT_CHARS = 120  # a credit is found at the end, within this many characters


# A picture's credit on its own line, under its caption: "Photo: Hau Dinh, AP", "Image credit: Getty".
_CREDIT_LINE = re.compile(r"^(photo|image|picture|foto|photograph)s?( credit)?\s*:\s*\S.{0,60}$", re.IGNORECASE)


def is_picture_credit(text: str) -> bool:
    return bool(_CREDIT_LINE.match(text.strip()))


def is_caption(text: str) -> bool:
    text = text.strip()
    if words(text) > CAPTION_MAX_WORDS:
        return False
    tail = text[-CAPTION_CREDIT_CHARS:]
    return bool(_CAPTION_END.search(tail) or _CAPTION_START.match(text)
                or (("©" in tail or ":" in tail) and _CAPTION_CREDIT.search(tail)))


@lru_cache(maxsize=LINE_CACHE)
def is_paywall_or_tail(text: str) -> bool:
    text = unbulleted(text).strip()
    lowered = text.lower()
    return (bool(_PAYWALL.search(lowered)) or is_copyright(text) or is_credit(text) or is_caption(text)
            or _notice_in(lowered))


def is_site_notice(text: str) -> bool:
    """Cookie, reprint, browser and comment-box notices: never the article, however long they run."""
    return _notice_in(text.lower())


def _notice_in(lowered: str) -> bool:
    return bool(_NOTICE_HINT.search(lowered)) and bool(_NOTICE.search(lowered))


def forget() -> None:
    """Drop the judgements kept for the last page's lines."""
    for judge in (words, is_body, is_glued_teaser, is_nav, is_paywall_or_tail):
        judge.cache_clear()
