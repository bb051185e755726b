"""Event dates read from claim sentences, resolved against the publication time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactwatch.parsers.event_dates import (
    EventDate,
    event_date,
    first_day,
    reported_later,
    when_text,
    with_event_dates,
)
from pactwatch.parsers.model import Claim

# Sunday 22 November 2026, 08:30 UTC
PUBLISHED = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)

ROWS = [
    ("Senegal signed the Artemis Accords in 2023.", ("2023", "year")),
    ("Gabon joined the programme during 2024, officials said.", ("2024", "year")),
    ("The pact was signed in mid-2021 in Nairobi.", ("2021", "year")),
    ("Nigeria signed the accords in March 2024.", ("2024-03", "month")),
    ("Nigeria signed the accords in March.", ("2026-03", "month")),
    # a month later in the year than publication is last year's
    ("Rwanda joined in December.", ("2025-12", "month")),
    ("Chile signed on 14 September 2025.", ("2025-09-14", "day")),
    ("Chile signed on September 14, 2025, in Santiago.", ("2025-09-14", "day")),
    ("Chile signed on 14 September.", ("2026-09-14", "day")),
    ("Chile signed on December 3.", ("2025-12-03", "day")),
    ("Kenya signed the accords on Tuesday.", ("2026-11-17", "day")),
    ("Kenya signed the accords Sunday.", ("2026-11-22", "day")),
    ("Ghana joined yesterday.", ("2026-11-21", "day")),
    ("Peru joined last month.", ("2026-10", "month")),
    ("Peru joined earlier this month.", ("2026-11", "month")),
    ("Oman left the bloc last year.", ("2025", "year")),
    ("Oman joined this year.", ("2026", "year")),
    # the first dating expression wins; a bounding one is skipped
    ("Egypt, a member since early 2024, signed again in 2025.", ("2025", "year")),
    ("Mali signed on Monday, three years after it joined in 2023.", ("2026-11-16", "day")),
]

UNDATED = [
    "The ILRS has 17 members.",
    "It has been a member since 2019.",
    "The deal runs until 2030 and was praised by officials.",
    "Membership grew from 2020 to 2024.",
    "Peru may join the accords soon.",
    "The 2023 summit drew 40 delegations.",
]


@pytest.mark.parametrize(("sentence", "expected"), ROWS)
def test_sentences_date_their_events(sentence: str, expected: tuple[str, str]) -> None:
    found = event_date(sentence, PUBLISHED)
    assert found is not None, sentence
    assert (found.iso(), found.precision) == expected


@pytest.mark.parametrize("sentence", UNDATED)
def test_no_event_date(sentence: str) -> None:
    assert event_date(sentence, PUBLISHED) is None


def test_without_publication_only_absolute_dates_resolve() -> None:
    assert event_date("Kenya signed the accords on Tuesday.", None) is None
    assert event_date("Peru joined last month.", None) is None
    found = event_date("Senegal signed the Artemis Accords in 2023.", None)
    assert found == EventDate(date(2023, 1, 1), "year")


def test_with_event_dates_sets_the_fields_and_the_json() -> None:
    s = "Senegal signed the Artemis Accords in 2023."
    dated, plain = with_event_dates(
        [
            Claim(kind="joined", sentence=s, span=(0, len(s)), coalition="artemis-accords"),
            Claim(kind="member_count", sentence="The ILRS has 17 members.", span=(0, 24)),
        ],
        PUBLISHED,
    )
    assert (dated.event_date, dated.event_date_precision) == ("2023", "year")
    assert dated.to_json()["event_date"] == "2023"
    assert dated.to_json()["event_date_precision"] == "year"
    # Undated claims keep the DESIGN section 4 object exactly as before.
    assert "event_date" not in plain.to_json()


def test_wording_for_alerts() -> None:
    assert when_text(EventDate(date(2023, 1, 1), "year")) == "in 2023"
    assert when_text(EventDate(date(2025, 9, 1), "month")) == "in September 2025"
    assert when_text(EventDate(date(2025, 9, 14), "day")) == "on 14 September 2025"
    reported = date(2026, 11, 22)
    assert reported_later(EventDate(date(2023, 1, 1), "year"), reported)
    assert not reported_later(EventDate(date(2026, 1, 1), "year"), reported)
    assert not reported_later(EventDate(date(2026, 11, 1), "month"), reported)
    assert not reported_later(EventDate(date(2026, 11, 21), "day"), reported)
    assert not reported_later(EventDate(date(2026, 11, 17), "day"), reported)
    assert reported_later(EventDate(date(2026, 11, 14), "day"), reported)
    assert first_day("2023") == date(2023, 1, 1) and first_day("2025-09") == date(2025, 9, 1)


@given(st.text(max_size=300), st.datetimes(timezones=st.just(UTC)) | st.none())
def test_never_raises(sentence: str, published: datetime | None) -> None:
    found = event_date(sentence, published)
    assert found is None or found.precision in ("day", "month", "year")
