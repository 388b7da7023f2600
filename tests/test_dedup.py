"""Duplicates, edited copies and syndicated rewrites, judged online in arrival order."""

from conftest import DONGA_SEED, KOREAPRO_SEED

from redline.clean import clean
from redline.dedup import Deduplicator
from redline.records import RawItem

WIRE = [
    "North Korea has sent about 1,500 special forces troops to Russia, South Korea's spy agency said on Friday, "
    "in the first confirmed deployment of its ground forces to the war in Ukraine.",
    "The National Intelligence Service said the troops were flown from the port city of Chongjin to Vladivostok "
    "aboard Russian navy transport ships between Oct. 8 and 13, and had been issued Russian uniforms.",
    "Officials in Seoul called an emergency meeting of the National Security Council on Friday morning and said "
    "the government would consider all possible countermeasures together with its allies.",
    "Analysts said the deployment showed how far military cooperation between Pyongyang and Moscow had grown "
    "since the two countries signed a mutual defence pact in June of this year.",
]
OTHER = [
    "Ukraine's defence ministry said it was studying the reports and would share its own information soon.",
    "In Kyiv, officials warned that foreign troops on Russian soil would be treated as legitimate targets, and "
    "asked partners in Europe and Asia for more air defence systems before the winter.",
    "The foreign ministry in Moscow dismissed the reports as fabrications and accused Seoul of spreading "
    "disinformation to justify deeper involvement in a conflict far from the Korean peninsula.",
]


def text(*paragraphs):
    return "\n\n".join(paragraphs)


def test_exact_and_edited_copies_are_duplicates_of_the_first():
    dedup = Deduplicator()
    assert dedup.add("wire", text(*WIRE)).independent
    assert dedup.add("same", text(*WIRE).upper()).duplicate_of == "wire"
    edited = [WIRE[0].replace("about", "some"), *WIRE[1:]]
    assert dedup.add("edited", text(*edited)).duplicate_of == "wire"
    assert dedup.add("trimmed", text(*WIRE[1:])).duplicate_of == "wire"
    assert dedup.add("added", text(*WIRE, OTHER[0])).duplicate_of == "wire"


def test_a_rewrite_sharing_two_paragraphs_is_derived_with_its_passages():
    dedup = Deduplicator()
    dedup.add("wire", text(*WIRE))
    rewrite = text(OTHER[1], WIRE[1], OTHER[2], WIRE[3])
    verdict = dedup.add("rewrite", rewrite)
    assert verdict.derived_from == "wire" and verdict.duplicate_of is None
    shared = sorted(rewrite[p.start:p.end] for p in verdict.passages)
    assert shared == sorted([WIRE[1].rstrip("."), WIRE[3].rstrip(".")])
    source = text(*WIRE)
    assert all(source[p.source_start:p.source_end] == rewrite[p.start:p.end] for p in verdict.passages)


def test_a_shared_quote_or_the_same_topic_is_not_a_copy():
    quote = ('"We are watching the situation closely and could consider defensive weapon support in stages, and '
             'if we believe the threshold is crossed we may even consider offensive weapons," the official said.')
    dedup = Deduplicator()
    dedup.add("a", text(WIRE[0], quote))
    assert dedup.add("b", text(OTHER[1], quote, OTHER[2])).independent
    same_topic = ("Seoul said on Friday that thousands of North Korean soldiers were being trained in Russia's Far "
                  "East, and that more could follow before the end of the year, according to lawmakers briefed by "
                  "the intelligence service.")
    assert dedup.add("c", text(same_topic, OTHER[0])).independent


def test_a_quote_running_on_over_paragraphs_does_not_hide_the_prose_after_it():
    """News prints a quotation of several paragraphs with an opening mark on each and a closing mark on the
    last only: the reporting between two quotations is no quotation, and a rewrite that reuses it is derived."""
    running_quote = ('"We will not stand by while our neighbour is threatened, and we will say so to every partner '
                     'who asks,')
    dedup = Deduplicator()
    dedup.add("wire", text(*WIRE))
    rewrite = text(OTHER[0], running_quote, WIRE[1], WIRE[2], '"Nothing has changed," he said.', OTHER[1])
    assert dedup.add("rewrite", rewrite).derived_from == "wire"


def test_the_window_forgets_the_oldest_and_still_finds_the_rest():
    dedup = Deduplicator(window=2)
    dedup.add("wire", text(*WIRE))
    dedup.add("reprint", text(OTHER[0], *WIRE[1:3]))  # shares passages with the wire: indexed under both
    dedup.add("other", text(*OTHER))  # the window is full: the wire is forgotten
    assert len(dedup) == 2
    assert dedup.add("rewrite", text(OTHER[2], WIRE[1], WIRE[2])).derived_from == "reprint"
    fresh = ("Markets in Seoul barely moved on the news, and the won closed almost unchanged against the dollar "
             "in thin trading ahead of the weekend.")
    assert dedup.add("late copy", text(fresh, WIRE[3], WIRE[0])).independent  # only the forgotten wire had these


def test_the_two_seeds_are_independent_reports():
    dedup = Deduplicator()
    for path in (DONGA_SEED, KOREAPRO_SEED):
        article = clean(RawItem(origin=str(path), media_type="text/plain", content=path.read_text()))
        assert dedup.add(article.id, article.text).independent
