from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from pactwatch.parsers.dates import parse_datetime


def test_formats_feeds_and_pages_use() -> None:
    cases = {
        "2024-05-03T10:15:00+02:00": datetime(2024, 5, 3, 8, 15, tzinfo=UTC),
        "2024-05-03T10:15:00Z": datetime(2024, 5, 3, 10, 15, tzinfo=UTC),
        "2024-05-03": datetime(2024, 5, 3, tzinfo=UTC),
        "Fri, 03 May 2024 10:00:00 GMT": datetime(2024, 5, 3, 10, 0, tzinfo=UTC),
        "Fri, 03 May 2024 10:00:00 EST": datetime(2024, 5, 3, 15, 0, tzinfo=UTC),
        "Sat, Dec 16 2023 02:02:33 PM": datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC),
        "mer, 16 nov 2022 00:38:15 +0100": datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC),
        "Do, 3. Okt 2024 10:00:00 MESZ": datetime(2024, 10, 3, 8, 0, tzinfo=UTC),
        "12 giugno 2021": datetime(2021, 6, 12, tzinfo=UTC),
        "May 2024": datetime(2024, 5, 1, tzinfo=UTC),
    }
    for text, expected in cases.items():
        assert parse_datetime(text) == expected, text


def test_no_year_no_date() -> None:
    for text in (None, "", "yesterday", "10:00", "garbage", "12 May"):
        assert parse_datetime(text) is None


@given(st.text(max_size=60))
def test_never_raises_and_is_aware_utc(text: str) -> None:
    moment = parse_datetime(text)
    assert moment is None or (moment.utcoffset() is not None and moment.tzinfo == UTC)
