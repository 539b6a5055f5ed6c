"""Working days of a 公示: chinese-calendar's holidays and make-up days, else Monday–Friday."""

from datetime import date, timedelta

import chinese_calendar


def is_workday(day: date) -> tuple[bool, bool]:
    """(whether the day is a working day, whether the Monday–Friday fallback decided it)."""
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


def notice_period(publication_date: date, n: int) -> tuple[date, date, bool]:
    """N working days counted inclusively from the publication day if it is a working day, else from
    the next one: (first day, last day, whether any day needed the Monday–Friday fallback)."""
    if n < 1:
        raise ValueError("a notice lasts at least one working day")
    day = publication_date
    fallback = False
    days: list[date] = []
    while len(days) < n:
        working, guessed = is_workday(day)
        fallback = fallback or guessed
        if working:
            days.append(day)
        day += timedelta(days=1)
    return days[0], days[-1], fallback
