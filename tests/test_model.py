from datetime import UTC, datetime

from pactwatch.parsers.model import Article, Claim, article_json


def test_member_count_json_has_contract_fields_in_order() -> None:
    claim = Claim(
        kind="member_count",
        sentence="The station has 17 members.",
        span=(0, 27),
        coalition="ilrs",
        value=17,
        low=17,
        high=17,
    )
    assert list(claim.to_json()) == [
        "kind",
        "coalition",
        "value",
        "low",
        "high",
        "approx",
        "modality",
        "attributed_to",
        "sentence",
        "span",
    ]
    assert claim.to_json()["span"] == [0, 27]


def test_article_json_dates_are_utc_z() -> None:
    art = Article(url="u", title="t", published_at=datetime(2024, 5, 3, tzinfo=UTC), text="x")
    assert article_json(art, [])["article"]["published_at"] == "2024-05-03T00:00:00Z"
