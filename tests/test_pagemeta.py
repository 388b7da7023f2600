"""An HTML page's title, writers and date: what the page declares, reconciled with trafilatura's reading."""

import json
from datetime import datetime, timezone

import pytest

from redline.clean import clean, meta
from redline.clean.pagemeta import declared, site_names, without_site
from redline.records import RawItem, precision_of

BODY = "".join(f"<p>{s}</p>" for s in [
    "Officials in the capital said on Tuesday that talks on the new trade agreement would resume next week.",
    "The delegation, led by the deputy minister, is expected to arrive on Monday for three days of meetings.",
    "Both sides have said they hope to close the remaining gaps on tariffs before the end of the year.",
])


def page(head: str = "", top: str = "", url: str = "https://news.example.com/2019/11/19/talks") -> RawItem:
    html = f"<html><head>{head}</head><body><header>{top}</header><article>{BODY}</article></body></html>"
    return RawItem(origin="page.html", media_type="text/html", content=html, url=url)


def ld(**fields) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **fields})}</script>'


def test_the_headline_is_the_h1_a_declared_title_confirms_not_the_site_or_the_kicker():
    article = clean(page(
        head="<title>Opinion | Talks resume on the trade deal - The Example Times</title>"
             '<meta property="og:title" content="Opinion | Talks resume on the trade deal">',
        top="<h1>The Example Times</h1><h1>Talks resume on the trade deal</h1>"))
    assert article.title == "Talks resume on the trade deal"


def test_a_site_name_h1_gives_way_to_the_declared_title_without_the_site():
    article = clean(page(head="<title>Talks resume after a long pause | Example News</title>",
                         top="<h1>Example News</h1>"))
    assert article.title == "Talks resume after a long pause"


def test_an_unconfirmed_h1_that_reads_as_a_headline_is_the_headline_seen():
    # og:title is often the headline written for social media; the reader sees the h1.
    article = clean(page(head='<meta property="og:title" content="Trade talks: what to know">',
                         top="<h1>Negotiators return to the table after months of silence</h1>"))
    assert article.title == "Negotiators return to the table after months of silence"


def test_declared_authors_are_people_not_roles_wires_desks_or_accounts():
    assert [a.name for a in clean(page(head=ld(headline="x", author=[{"name": "By TOM KRISHER, AP Auto Writer"}])))
            .authors] == ["Tom Krisher"]
    assert [a.name for a in clean(page(head='<meta name="author" content="Ilana Muhlstein, MS, RDN">')).authors] \
        == ["Ilana Muhlstein"]
    for account in ["Reuters", "jdadmin", "RMB", "Staff Reports", "News Nation Bureau", "Example News",
                    "https://www.facebook.com/example"]:
        assert clean(page(head=f'<meta name="author" content="{account}">')).authors == [], account


def test_person_name_filter():
    assert meta.person_name("Jeff Foust Monday") == "Jeff Foust"
    assert meta.person_name("ERIC TUCKER Associated Press") == "Eric Tucker"
    assert meta.person_name("Regan") == "Regan"
    assert meta.person_name("Byron Smith") == "Byron Smith"  # "By" opens a byline only as a word
    assert [a.name for a in meta.authors_from_line("By Byron Smith")] == ["Byron Smith"]
    assert meta.person_name("The Russian") is None
    assert meta.person_name("Vortex", site_names("vortexcannon.org")) is None
    assert meta.names_in_field("Lisa Kaczke and Trevor J. Mitchell") == ["Lisa Kaczke", "Trevor J. Mitchell"]
    assert meta.names_in_field("Jill Disis, CNN Business") == ["Jill Disis", "CNN Business"]
    assert meta.person_name("CNN Business") is None


def test_the_day_is_the_pages_and_a_declared_time_counts_only_on_that_day():
    # Printed in Los Angeles on the 19th; the declared time is the 20th in UTC: the day stays, as a day.
    late = clean(page(head=ld(headline="x", datePublished="2019-11-20T01:50:59Z"),
                      top="<p>Nov. 19, 2019 5:50 PM</p>", url="https://news.example.com/2019-11-19/talks"))
    assert late.published == datetime(2019, 11, 19, 12, tzinfo=timezone.utc) and precision_of(late.published) == "day"
    # A declared time on the same day keeps its time and its offset.
    timed = clean(page(head=ld(headline="x", datePublished="2019-11-19T06:56:43-05:00",
                               dateModified="2019-11-19T10:20:59-05:00")))
    assert timed.published.isoformat() == "2019-11-19T06:56:43-05:00"
    assert timed.updated.isoformat() == "2019-11-19T10:20:59-05:00"


def test_a_date_printed_in_the_body_does_not_replace_the_pages_own():
    item = page(head='<meta property="article:published_time" content="2024-10-18T09:00:00+09:00">',
                url="https://news.example.com/talks")
    item.content = item.content.replace("<article>", "<article><p>Posted 2023-01-05 10:00</p>")
    assert clean(item).published.isoformat() == "2024-10-18T09:00:00+09:00"


def test_an_update_before_publication_is_not_kept():
    article = clean(page(head=ld(headline="x", datePublished="2019-11-19T06:56:43-05:00",
                                 dateModified="2019-11-18T06:00:00-05:00")))
    assert article.updated is None


@pytest.mark.parametrize("raw, expected", [
    ("Talks resume - The Example Times", "Talks resume"),
    ("Example News | Talks resume", "Talks resume"),
    ("Take C.A.R.E. - comwrap auf der DMEXCO 2018", "Take C.A.R.E. - comwrap auf der DMEXCO 2018"),
])
def test_without_site(raw, expected):
    assert without_site(raw, site_names("www.example.com", "The Example Times", "Example News")) == expected


def test_broken_or_hostile_json_ld_is_skipped():
    from trafilatura.utils import load_html

    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
            '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>"
            '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "headline": "&#8216;Found&#8217;",'
            ' "author": {"name": "Jane Roe"}}]}</script></head><body></body></html>')
    found = declared(load_html(html))
    assert found.ld_headline == "‘Found’" and found.ld_authors == ["Jane Roe"]
