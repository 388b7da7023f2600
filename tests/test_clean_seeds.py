"""The two seed documents, as the foundation issue states them: the first fixtures of the project."""

from datetime import datetime, timedelta, timezone

from conftest import DONGA_SEED, KOREAPRO_SEED

from redline.clean import clean
from redline.records import Author, RawItem

KST = timezone(timedelta(hours=9))


def _clean(path):
    return clean(RawItem(origin=str(path), media_type="text/plain", content=path.read_text(encoding="utf-8")))


def test_donga_title_once_date_authors_outlet_and_four_paragraphs():
    article = _clean(DONGA_SEED)
    assert article.title == "Presidential Office signals possible offensive weapons aid to Ukraine"
    assert article.published == datetime(2024, 10, 23, 8, 45, tzinfo=KST)
    assert article.published.utcoffset() == timedelta(hours=9)
    assert article.authors == [
        Author("Jin-Woo Shin", "niceshin@donga.com"),
        Author("Sang-Ho Yun", "ysh1005@donga.com"),
        Author("Na-Ri Shin", "journari@donga.com"),
    ]
    assert article.outlet == "The Dong-A Ilbo"
    assert article.language == "en"
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("The South Korean presidential office indicated on Tuesday")
    assert article.paragraphs[-1].startswith("Additionally, the South Korean government is reportedly considering")
    for noise in ("Go to contents", "한국어", "Posted", "Updated", "@donga.com", article.title):
        assert noise not in article.text


def test_koreapro_each_paragraph_once_no_paywall_no_date_guessed():
    article = _clean(KOREAPRO_SEED)
    assert article.outlet == "Korea Pro (Korea Risk Group)"
    assert article.published is None and article.updated is None
    assert len(article.paragraphs) == 2
    assert article.paragraphs[0].startswith("South Korea is considering providing weapons to Ukraine")
    assert article.paragraphs[1].startswith("The announcement followed the convening")
    assert article.text.count("step-by-step") == 1
    for noise in ("Get 30 days", "free access", "subscription", "Cancel anytime", "©", "Korea Risk Group",
                  "All rights reserved", "reproduced", "Start now"):
        assert noise not in article.text


def test_seed_ids_are_stable_and_distinct():
    first, second = _clean(DONGA_SEED), _clean(KOREAPRO_SEED)
    assert first.id != second.id
    assert _clean(DONGA_SEED).id == first.id
