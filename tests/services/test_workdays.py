"""公示 periods in working days: chinese-calendar's holidays and make-up days, else Monday–Friday (flagged)."""

from datetime import date

import pytest

from app.notices.workdays import is_workday, notice_period


def test_national_day_2022_skips_the_holiday_and_counts_the_make_up_weekend() -> None:
    # Fri 09-30 works; Oct 1–7 holidays; Sat 10-08 and Sun 10-09 are make-up working days
    assert notice_period(date(2022, 9, 30), 5) == (date(2022, 9, 30), date(2022, 10, 11), False)


def test_a_notice_published_in_the_holiday_starts_on_the_first_working_day() -> None:
    assert notice_period(date(2022, 10, 3), 5) == (date(2022, 10, 8), date(2022, 10, 12), False)


def test_a_notice_published_on_a_saturday_starts_on_monday() -> None:
    # 2022-11-19 is an ordinary Saturday
    assert notice_period(date(2022, 11, 19), 5) == (date(2022, 11, 21), date(2022, 11, 25), False)


def test_a_friday_publication_runs_over_the_weekend() -> None:
    assert notice_period(date(2022, 11, 18), 5) == (date(2022, 11, 18), date(2022, 11, 24), False)


def test_a_year_beyond_the_calendars_data_falls_back_to_monday_to_friday_and_says_so() -> None:
    # 2035-10-01 is a Monday; without data National Day is not known, so Mon–Fri count
    assert notice_period(date(2035, 10, 1), 5) == (date(2035, 10, 1), date(2035, 10, 5), True)
    assert is_workday(date(2035, 10, 6)) == (False, True)


def test_a_period_running_into_an_uncovered_year_is_flagged() -> None:
    # 12-30, 12-31 from the data; then Fri 2027-01-01, Mon 01-04, Tue 01-05 by the fallback
    assert notice_period(date(2026, 12, 30), 5) == (date(2026, 12, 30), date(2027, 1, 5), True)


def test_a_period_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError):
        notice_period(date(2022, 9, 30), 0)
