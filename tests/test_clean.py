"""The cleaners on pages made to show each defect, and the rules they share."""

import re
import unicodedata

import pytest
from conftest import FIXTURES, KOREAPRO_SEED
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.clean import clean, clean_item, lines, markdown, meta
from redline.clean.text import split_paragraphs
from redline.errors import NoArticleError
from redline.records import RawItem, article_id, normalise_text


def _text(content: str, **hints) -> RawItem:
    return RawItem(origin="test.txt", media_type="text/plain", content=content, hints=hints)


def test_html_page_keeps_article_drops_paywall_related_footer_and_repeats():
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    article = clean(RawItem(origin="article.html", media_type="text/html", content=html,
                            url="https://www.koreaherald.com/view.php?ud=1"))
    assert article.title == "Seoul weighs staged weapons aid as Pyongyang sends troops"
    assert article.outlet == "The Korea Herald"
    assert article.published.isoformat() == "2024-10-22T18:30:00+09:00"
    assert [a.name for a in article.authors] == ["Kim Min-ji"]
    assert len(article.paragraphs) == 4
    assert article.text.count("A senior official at the presidential office") == 1
    for noise in ("Subscribe", "Already a subscriber", "Related articles", "East Sea", "©", "Privacy", "Log in"):
        assert noise not in article.text


def test_html_without_article_is_a_clear_error():
    with pytest.raises(NoArticleError) as caught:
        clean(RawItem(origin="nav.html", media_type="text/html",
                      content="<html><body><nav><a href='/'>Home</a></nav></body></html>"))
    assert caught.value.where == "nav.html"
    assert "no article" in caught.value.reason


@pytest.mark.parametrize("line", ["Go to contents", "Skip to main content", "한국어", "English | 日本語 | 中文",
                                  "Share", "Advertisement", "Back to top"])
def test_navigation_lines(line):
    assert lines.is_nav(line)


@pytest.mark.parametrize("line", ["North Korea sent troops.", "English teachers protested in Seoul on Monday.",
                                  "Home Office officials met their counterparts in Kyiv to discuss aid."])
def test_sentences_are_not_navigation(line):
    assert not lines.is_nav(line)


def test_stamps_bylines_copyright():
    assert lines.stamp("Posted October. 23, 2024 08:45,") == ("published", "October. 23, 2024 08:45")
    assert lines.stamp("Last updated: 2024-10-23 10:00") == ("updated", "2024-10-23 10:00")
    assert lines.stamp("Posted by the editors") is None
    assert lines.is_byline("By Jane Doe and John Roe")
    assert not lines.is_byline("By the end of the year, the army had sent 1,500 troops to the front line.")
    assert not lines.is_byline("Readers can write to tips@example.com with questions about the aid package.")
    assert lines.is_paywall_or_tail("Reporting by Jane Doe; Editing by John Roe")
    assert lines.is_paywall_or_tail("Fox News' Jessica Napoli contributed to this report.")
    assert not lines.is_paywall_or_tail("Three people contributed to the fund, officials said on Monday.")
    assert lines.copyright_holder("© Korea Risk Group. All rights reserved.") == "Korea Risk Group"
    assert lines.copyright_holder("Copyright 2024 The Associated Press. All rights reserved.") == \
        "The Associated Press"


def test_authors_from_byline_with_emails_and_plain_names():
    found = meta.authors_from_line("Jin-Woo Shin niceshin@donga.com · Sang-Ho Yun ysh1005@donga.com")
    assert [(a.name, a.email) for a in found] == [("Jin-Woo Shin", "niceshin@donga.com"),
                                                  ("Sang-Ho Yun", "ysh1005@donga.com")]
    assert [a.name for a in meta.authors_from_line("By Jane Doe and John Roe")] == ["Jane Doe", "John Roe"]
    # Dates, roles and outlets after a name are not part of it; an outlet alone is not a writer.
    for line, names in [("By Tess Bonn - 11/19/19 06:56 AM EST", ["Tess Bonn"]),
                        ("by Regan September 15, 2014", ["Regan"]), ("By Meg James Staff Writer", ["Meg James"]),
                        ("By Julius Young | Fox News", ["Julius Young"]), ("By Reuters", [])]:
        assert [a.name for a in meta.authors_from_line(line)] == names, line
    assert meta.authors_from_line("Write to Al Root at allen.root@dowjones.com")[0].email == "allen.root@dowjones.com"


def test_outlet_from_url_email_domain_copyright_and_brand():
    assert meta.resolve_outlet(url="https://www.donga.com/en/article/all/1", author_emails=[], holders=[],
                               text="").display == "The Dong-A Ilbo"
    assert meta.resolve_outlet(url=None, author_emails=["a@donga.com"], holders=[], text="").name == "The Dong-A Ilbo"
    # A copyright holder that owns several outlets resolves to the one the page names.
    assert meta.resolve_outlet(url=None, author_emails=[], holders=["Korea Risk Group"],
                               text="Subscribe to NK News today").display == "NK News (Korea Risk Group)"
    assert meta.resolve_outlet(url=None, author_emails=[], holders=["Korea Risk Group"],
                               text="no brand named here").display == "Korea Risk Group"
    assert meta.resolve_outlet(url="https://news.example.org/x", author_emails=[], holders=[],
                               text="").display == "news.example.org"


def test_hard_wrapped_lines_are_joined_but_paragraphs_are_not():
    text = "No part of this content may be reproduced, distributed, or used for\ncommercial purposes.\nNext one."
    assert split_paragraphs(text) == ["No part of this content may be reproduced, distributed, or used for "
                                      "commercial purposes.", "Next one."]
    # Japanese has no case: a line that ends with a comma goes on on the next one.
    assert split_paragraphs("また、その他にも、\n商標権侵害と判断される場合があります。\n次の段落。") == [
        "また、その他にも、 商標権侵害と判断される場合があります。", "次の段落。"]


def test_sentences_cut_at_every_link_are_joined_again():
    # A converter that writes every text node on a line of its own cuts a sentence at each link and emphasis.
    dump = ("After a three-year silence, there has been news on the fourth film in rebooted\nStar Trek\n"
            "film series, according to reports from\nThe Wrap\nand\nDeadline\n.\n\n"
            "Stocks in Seoul and Tokyo were mixed on Tuesday as investors weighed the\nKospi Index\n(\nKOSPI\n)\n"
            "against the yen.\n\nTech\nReviews\nScience")
    assert split_paragraphs(dump) == [
        "After a three-year silence, there has been news on the fourth film in rebooted Star Trek film series, "
        "according to reports from The Wrap and Deadline .",
        "Stocks in Seoul and Tokyo were mixed on Tuesday as investors weighed the Kospi Index ( KOSPI ) against "
        "the yen.",
        "Tech", "Reviews", "Science"]


def test_repeated_paragraphs_kept_once_and_title_not_in_text():
    body = ("Officials said the talks would resume in Geneva next week after a pause of several months.\n"
            "Both delegations are expected to bring new proposals on prisoner exchanges and grain exports.\n")
    article = clean(_text("Talks to resume in Geneva\n\n" + body + body))
    assert article.title == "Talks to resume in Geneva"
    assert len(article.paragraphs) == 2
    assert "Talks to resume" not in article.text


def test_hints_from_the_source_win_and_no_date_is_guessed():
    body = "Officials said the talks would resume in Geneva next week after a pause of several months."
    article = clean(_text(body, title="Given title", published="2024-05-01T10:00:00Z", outlet="Reuters"))
    assert article.title == "Given title"
    assert article.published.isoformat() == "2024-05-01T10:00:00+00:00"
    assert article.outlet == "Reuters"
    assert clean(_text(body)).published is None


def test_a_date_alone_under_the_headline_of_a_dump_is_its_publication_date():
    body = ["Officials said the talks would resume in Geneva next week after a pause of several months.",
            "Both delegations are expected to bring new proposals on prisoner exchanges and grain exports.",
            "The last round ended without agreement, but both sides said the gap between them had narrowed."]
    for dateline, day in [("May 03, 2013", "2013-05-03"), ("Sep 18, 2013, 02:16PM IST", "2013-09-18"),
                          ("18 September 2013 Last updated at 13:59 GMT", "2013-09-18")]:
        article = clean(_text("\n".join(["Talks to resume in Geneva", dateline] + body)))
        assert article.published.date().isoformat() == day and article.paragraphs == body
    # Lower down, a date alone heads a part of the article: it stays, and says nothing of when it was published.
    article = clean(_text("\n".join(["Talks to resume in Geneva", body[0], "March 4, 2022"] + body[1:])))
    assert article.published is None and article.paragraphs == [body[0], "March 4, 2022"] + body[1:]
    # A sentence that holds a date is no dateline.
    assert meta.date_line("The war began on May 3, 2013") is None and meta.date_line("May 2013") is None


def test_learned_boilerplate_is_dropped_for_its_outlet_only():
    body = "Officials said the talks would resume in Geneva next week after a pause of several months."
    promo = "Our reporters cover the peninsula every day from Seoul and Washington for readers like you."
    item = _text(f"{body}\n{promo}\nContact: a@donga.com")
    kept = clean_item(item).article
    assert promo in kept.text  # a sentence; no rule knows it is boilerplate
    learned = {"The Dong-A Ilbo": frozenset({clean_item(_text(promo)).source_lines[0]})}
    dropped = clean_item(item, learned=lambda outlet: learned.get(outlet, frozenset())).article
    assert promo not in dropped.text and body in dropped.text


def test_ids_ignore_spacing_case_and_punctuation():
    assert article_id("North Korea sent troops.") == article_id("north  korea, sent troops")
    assert article_id("North Korea sent troops.") != article_id("North Korea sent no troops.")
    assert article_id("\u201cWe won\u2019t\u201d \u2014 Seoul") == article_id("\"We won't\" - Seoul")
    assert article_id("Caf\u00e9 \u00e0 S\u00e9oul") != article_id("Cafe a Seoul")  # letters are not punctuation


# ASCII, the marks of English typography, and letters NFKC or case folding change (ß, İ, ﬁ, Ⅳ)
SAMPLE_CHARACTERS = list("aZ9_ ,.-'\n\u2019\u201c\u2014\u00e9\u00df\u0130\ufb01\u2163\u00a0\u00b7\u4e2d")


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(st.sampled_from(SAMPLE_CHARACTERS) | st.characters(), max_size=60))
def test_normalised_text_is_the_unicode_word_rule_on_any_text(text):
    """The fast paths for ASCII and typographic marks give what the one Unicode rule gives: words joined by one
    space, after NFKC and case folding (ids stored earlier must stay the same)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    assert normalise_text(text) == re.sub(r"[\W_]+", " ", folded).strip()


def test_text_dump_of_a_whole_page_keeps_the_article_block():
    menu = ["Home", "World", "Politics", "* Weather", "* Sports", "Sign in"]
    article = [f"Paragraph {n} of the report says that officials met on Monday and agreed to talk again soon, "
               "according to two people who were in the room." for n in range(4)]
    teasers = []
    for n in range(4):
        teasers += [f"Other headline number {n}", "Jane Roe", "November 19, 2019",
                    f"A teaser sentence for story {n} that reads like prose and ends like a sentence would."]
    comments = ["12 Comments", "reader1 says:", "This is a comment that reads like an ordinary sentence too."]
    page = "\n".join(menu + ["Officials agree to meet again"] + article + ["Share this:", "Facebook"] + teasers
                     + comments)
    cleaned = clean(_text(page))
    assert cleaned.title == "Officials agree to meet again"
    assert cleaned.paragraphs == article


def test_text_dump_skips_glued_teasers_flattened_menus_and_cookie_notices():
    # Page-to-text converters glue a teaser's headline to its summary and print a tag cloud as one line.
    teasers = [f"Customers Leave Without Paying Bill At Troy Steakhouse Number {n}A party of six left the "
               f"restaurant without paying after a fight in the dining room, police said on Monday night."
               for n in range(6)]
    tags = " ".join(["Agricultura Campanha Capacitação Combustíveis Comunicado Concurso Conselhos Cultura"] * 5)
    article = [f"Paragraph {n} of the report says that health officials confirmed a sixth death on Monday, "
               "and urged residents to avoid the outdoors at dusk." for n in range(3)]
    cookies = ["This website uses cookies to improve your experience while you navigate through the website, "
               "and some of them are stored in your browser as they are necessary for basic functions."]
    page = "\n".join(["Latest Headlines"] + teasers + [tags, "Sixth death linked to the virus"] + article + cookies)
    cleaned = clean(_text(page))
    assert cleaned.paragraphs == article
    assert lines.is_glued_teaser(teasers[0])
    assert not lines.is_glued_teaser("The price of a Big Mac at McDonald's rose last year, the survey said.")
    assert lines.is_flattened_menu(tags) and not lines.is_body(tags)
    assert lines.is_body(article[0])


def test_text_dump_stops_at_a_related_heading_and_skips_keyword_lines_and_datelined_teasers():
    # One paragraph of article, then "You may like…" (in Portuguese) over teasers, each between share buttons.
    article = ["A equipe do Serviço de Atendimento Domiciliar registrou nesta manhã o arrombamento de dois dos "
               "cinco automóveis da unidade, segundo a prefeitura, que vai reforçar a segurança do pátio."]
    teasers = []
    for n in range(5):
        teasers += ["Whatsapp Facebook Pint Baixar",
                    f"Teaser {n}: a vida requer da gente otimismo e coragem para esperar o melhor e fazer o melhor "
                    "acontecer, porque o pessimismo só faz engessar o sorriso e travar as articulações."]
    keywords = " ".join(["adote um amigo agua alerta ambiente amizade atendimento biblioteca caminhada"] * 4)
    wire_teasers = [f"* Headline number {n} about a deportation flight from the US NEW DELHI: Their American dream "
                    "shattered and huge savings wasted, nearly 150 Indians returned home broke on Wednesday."
                    for n in range(4)]
    page = "\n".join(wire_teasers + [keywords, "Veículos arrombados"] + article + ["Você pode gostar..."] + teasers)
    cleaned = clean(_text(page))
    assert cleaned.paragraphs == article
    assert lines.is_word_list(keywords) and not lines.is_body(keywords)
    assert lines.is_glued_teaser(wire_teasers[0])
    assert not lines.is_glued_teaser("The ministry told NATO: We will not go, and said so again on Monday.")
    assert lines.is_related_header("More in Minnesota Wild") and lines.is_related_header("À lire aussi")
    assert lines.is_related_header("Über Moritz Bachmann") and lines.is_related_header("About the author")
    assert not lines.is_related_header("About three people were hurt")


def test_a_picture_caption_over_its_credit_line_is_not_article_text():
    article = [f"Paragraph {n} of the report says the two defence ministers met in Hanoi on Wednesday and agreed "
               "to hold talks again next year." for n in range(3)]
    caption = ("U.S. Defense Secretary Mark Esper, left, and Vietnamese Defense Minister Ngo Xuan Lich shake hands "
               "in Hanoi, Vietnam Wednesday, Nov. 20, 2019.")
    page = "\n".join(["Home", "World"] + [caption, "Photo: Hau Dinh, AP"] + article + ["Lascia un commento",
                      "This is a comment that reads like an ordinary sentence, as readers' comments do."])
    assert clean(_text(page)).paragraphs == article


def test_a_page_printed_twice_line_by_line_keeps_an_article_split_by_a_box():
    article = [f"Paragraph {n} of the report says that officials met on Monday and agreed to talk again soon, "
               "according to two people who were in the room." for n in range(6)]
    box = ["More from UK"] + [f"* Headline number {n} of another story" for n in range(6)]
    page_lines = ["Home", "World"] + article[:3] + box + article[3:]
    cleaned = clean(_text("\n".join(line for line in page_lines for _ in range(2))))
    assert [text for text in cleaned.paragraphs if text.startswith("Paragraph")] == article


def test_a_list_the_article_introduces_with_a_colon_is_kept():
    article = [f"Paragraph {n} says the band will tour North America next summer for the first time in nearly "
               "a quarter century, with tickets on sale Friday." for n in range(3)]
    intro = "The 50th Anniversary Tour 2020 dates:"
    dates = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL", "June 10 -- Credit Union Amphitheatre, Tampa, FL",
             "June 14 -- Ameris Bank Amphitheatre, Alpharetta, GA"]
    page = "\n".join(["Home", "Music"] + article + [intro] + dates + ["Share this article", "Most Read",
                      "* Another headline"])
    assert clean(_text(page)).paragraphs == article + [intro] + dates
    related = "\n".join(["Home"] + article + ["Related coverage from How to Do Everything: Money:"] + dates)
    assert clean(_text(related)).paragraphs == article


def test_a_heading_over_a_list_of_dates_keeps_the_list_but_not_over_links():
    article = [f"Paragraph {n} says the band will tour North America next summer for the first time in nearly "
               "a quarter century, with tickets on sale Friday." for n in range(3)]
    dates = [f"June {day} – West Palm Beach, FL @ Coral Sky Amphitheatre" for day in range(9, 15)]
    page = "\n".join(["Home"] + article + ["The Doobie Brothers Tour Dates"] + dates + ["Most Read", "* Headline"])
    assert clean(_text(page)).paragraphs == article + ["The Doobie Brothers Tour Dates"] + dates
    links = [f"Another headline about the band, number {n}" for n in range(6)]
    page = "\n".join(["Home"] + article + ["More Music News"] + links)
    assert clean(_text(page)).paragraphs == article


def test_a_copyright_line_under_a_byline_is_not_joined_to_it_and_the_footer_is_cut():
    article = [f"Paragraph {n} of the report says that officials met on Monday and agreed to talk again soon, "
               "according to two people who were in the room." for n in range(3)]
    page = "\n".join(article + ["ABOUT US", "Nobody covers Columbus and the surrounding areas like The Republic.",
                                 "2980 N. National Road, Suite A, Columbus, IN 47201",
                                 "Ahmed Miller ahmedmiller@ledger.example · Maria Dubois mariadubois@ledger.example",
                                 "(c) Northern Post 2019 — no part of this content may be reproduced without "
                                 "prior written permission."])
    cleaned = clean(_text(page))
    assert cleaned.paragraphs == article
    assert [a.email for a in cleaned.authors] == ["ahmedmiller@ledger.example", "mariadubois@ledger.example"]


def test_a_related_box_inside_the_article_does_not_cut_it():
    article = [f"Paragraph {n} of the report says that officials met on Monday and agreed to talk again soon, "
               "according to two people who were in the room." for n in range(4)]
    page = "\n".join(article[:2] + ["Related", "* Officials met last year too"] + article[2:])
    kept = clean(_text(page)).paragraphs
    assert [text for text in kept if text.startswith("Paragraph")] == article


@pytest.mark.parametrize("line, boilerplate", [
    ("Vicente Aguiar loads trims into his truck outside a store in Hialeah, Fla. (AP Photo/Alan Diaz, File)", True),
    ("Shares fell after the retailer reported third-quarter earnings. Photograph by Robyn Beck/AFP/Getty Images", True),
    ("In this Dec. 12, 2006, file photo, made available by NASA, two astronauts work on the station.", True),
    ("This copy is for your personal, non-commercial use only.", True),
    ("We've detected you are on Internet Explorer. Please update to a modern browser.", True),
    ("Quotes delayed at least 15 minutes.", True),
    ("Protesters do not want Hong Kong to lose its autonomy (Image: GETTY )", True),
    ("The latest case was reported after a hunter killed and ate a rabbit Credit: Getty - Contributor", True),
    ("A cyclist rides next to a blocked petrol plant in La Paz, Bolivia, November 19. © Reuters / David Mercado", True),
    ("Utilizziamo i cookie per essere sicuri che tu possa avere la migliore esperienza sul nostro sito.", True),
    ("The credit union said its members had seen no change in fees this year.", False),
    ("Image caption Scooter Braun has managed Justin Bieber, among others, throughout his career in music", True),
    ("By choosing I Accept, you consent to our use of cookies and other tracking technologies.", True),
    ("Registration on or use of this site constitutes acceptance of our User Agreement and Privacy Policy", True),
    ("This site is protected by recaptcha Privacy Policy | Terms of Service", True),
    ("Terms of Service Privacy Notice", True),
    ("No spam, we promise. You can unsubscribe at any time.", True),
    ("Heavy oversubscription from small investors can result in them getting a greater share of the offering.", False),
    ("Die elektronische Patientenakte (ePA)", False),  # an abbreviation, not an agency's credit
    ("The minister said the plan was sound (Reuters reported on Monday).", False),
])
def test_captions_and_page_notices_are_boilerplate(line, boilerplate):
    assert lines.is_paywall_or_tail(line) is boilerplate


def test_html_extraction_that_is_mostly_menu_falls_back_to_the_main_block():
    from redline.clean.html import NAVIGATION_DUMP_MIN_LINES, _looks_like_navigation

    menu = [f"Menu item {n}" for n in range(NAVIGATION_DUMP_MIN_LINES)]
    body = ["Officials said the talks would resume in Geneva next week after a pause of several months."] * 3
    assert _looks_like_navigation(menu + body)
    assert not _looks_like_navigation(body * 40)


def _split_body_page(second_class: str) -> str:
    """An article whose body is cut in two by an advertisement row, as magazine templates print it."""
    first = "".join(f"<p>First part, paragraph {n}: officials in Seoul said the aid would come in stages, "
                    f"with each step tied to what Pyongyang does next.</p>" for n in range(5))
    second = "".join(f"<p>Second part, paragraph {n}: analysts said the staged approach leaves room to "
                     f"stop short of lethal weapons if the troops are withdrawn.</p>" for n in range(4))
    return (
        "<html><head><title>Seoul weighs staged aid</title></head><body><main><article>"
        "<h1>Seoul weighs staged aid</h1>"
        f'<div class="article__body">{first}</div>'
        '<div class="ad-row"><span>Advertisement</span></div>'
        f'<div class="{second_class}">{second}'
        '<aside class="pullquote"><p>Each step tied to what Pyongyang does next, officials in Seoul said.</p></aside>'
        "</div></article></main><footer><p>About us</p></footer></body></html>"
    )


def test_html_article_body_split_by_an_advertisement_is_read_whole():
    article = clean(RawItem(origin="split.html", media_type="text/html", content=_split_body_page("article__body")))
    assert article.text.count("First part") == 5
    assert article.text.count("Second part") == 4
    assert "Each step tied" not in article.text  # a pull quote repeats the article
    assert article.text.index("First part, paragraph 4") < article.text.index("Second part, paragraph 0")


def test_html_blocks_of_another_class_are_not_taken_as_the_article():
    import lxml.html

    from redline.clean.html import continued_body

    def tree(css_class):
        return lxml.html.fromstring(_split_body_page(css_class))

    first = [f"First part, paragraph {n}: officials in Seoul said the aid would come in stages, with each step "
             f"tied to what Pyongyang does next." for n in range(5)]
    assert continued_body(tree("comment-content"), first) == []
    assert len(continued_body(tree("article__body"), first)) == 4


def test_a_wire_dateline_becomes_the_articles_place_and_credit_and_leaves_the_text(tmp_path):
    from redline.clean import clean_item
    from redline.records import RawItem
    from redline.settings import Settings

    body = ("SEOUL, South Korea (AP) — Russia has supplied North Korea with air defence missiles in return for "
            "its troops, South Korea's national security adviser said Friday.\n\nThe adviser said the transfer "
            "was part of a deal between the two countries, and that Seoul was watching closely.")
    raw = RawItem(origin="wire.txt", content=body, media_type="text/plain")
    article = clean_item(raw, settings=Settings()).article
    assert article.text.startswith("Russia has supplied North Korea")
    assert (article.place, article.wire) == ("SEOUL, South Korea", "Associated Press")
    plain = RawItem(origin="plain.txt", content=body.split("— ", 1)[1], media_type="text/plain")
    assert clean_item(plain, settings=Settings()).article.wire is None


def test_a_wire_dateline_dates_an_article_nothing_else_dates():
    from datetime import datetime, timezone

    from redline.records import precision_of

    body = ("MOSCOW, {date} (Reuters) - Russia said on Monday it would answer any strike deep inside its "
            "territory, a day after the United States eased limits on the use of its missiles.\n\nThe foreign "
            "ministry said the decision would be met with a response.")
    read_in_october = RawItem(origin="wire.txt", media_type="text/plain", content=body.format(date="Oct 21"),
                              fetched_at=datetime(2024, 10, 25, tzinfo=timezone.utc))
    article = clean(read_in_october)
    assert article.published == datetime(2024, 10, 21, 12, tzinfo=timezone.utc)
    assert precision_of(article.published) == "day"
    # Read in January, a dateline of 30 December is last year's; a printed year is kept as printed.
    read_in_january = RawItem(origin="wire.txt", media_type="text/plain", content=body.format(date="Dec 30"),
                              fetched_at=datetime(2025, 1, 3, tzinfo=timezone.utc))
    assert clean(read_in_january).published.date().isoformat() == "2024-12-30"
    printed_year = RawItem(origin="wire.txt", media_type="text/plain", content=body.format(date="Dec 30, 2023"),
                           fetched_at=datetime(2025, 1, 3, tzinfo=timezone.utc))
    assert clean(printed_year).published.date().isoformat() == "2023-12-30"
    # A date the source declares wins over the dateline.
    declared = RawItem(origin="wire.txt", media_type="text/plain", content=body.format(date="Oct 21"),
                       hints={"published": "2024-10-22T08:00:00+03:00"})
    assert clean(declared).published.isoformat() == "2024-10-22T08:00:00+03:00"


MARKDOWN_DUMP = """[Skip to content](#main)

* [Home](https://news.example.org/)
* [World](https://news.example.org/world)
* [Politics](https://news.example.org/politics)

# Seoul weighs air defence for Kyiv

![Officials at the presidential office](https://news.example.org/img/office.jpg)

South Korea is considering sending [air defence systems](https://news.example.org/tag/air-defence) to Ukraine
after [North Korea](https://news.example.org/tag/north-korea) sent **about 1,500 troops** to Russia, a senior
official said on Tuesday.

The official, speaking on condition of anonymity, said offensive weapons would be considered *only* if the
deployment went on.

## Related

* [Kim visits missile plant](https://news.example.org/kim-plant)
* [Markets steady in Asia](https://news.example.org/markets)
"""


def test_markdown_dumps_are_read_as_text():
    assert markdown.looks_like_markdown(MARKDOWN_DUMP)
    assert not markdown.looks_like_markdown(KOREAPRO_SEED.read_text(encoding="utf-8"))
    article = clean(_text(MARKDOWN_DUMP))
    assert article.text.startswith("South Korea is considering sending air defence systems to Ukraine after North "
                                   "Korea sent about 1,500 troops to Russia, a senior official said on Tuesday.")
    assert "offensive weapons would be considered only if the deployment went on." in article.text
    # No address, image, mark or menu is left in the article.
    assert not any(mark in article.text for mark in ("](", "http", "**", "#", "![", "Home", "Kim visits"))
    assert article.title == "Seoul weighs air defence for Kyiv"
