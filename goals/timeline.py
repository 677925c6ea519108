"""Where a case stands in its plan, and dates as people read them."""

from __future__ import annotations

from datetime import date, timedelta


def plan_week(start: date, today: date) -> int:
    """Week of the plan that `today` falls in: the start date is in week 1."""
    return max(1, (today - start).days // 7 + 1)


def week_start(start: date, week: int) -> date:
    return start + timedelta(weeks=week - 1)


def plan_end(start: date, planned_weeks: int) -> date:
    """The last day of the plan's final week."""
    return start + timedelta(weeks=planned_weeks, days=-1)


def readable_date(value: date | None) -> str:
    """25 Nov 2026 (no leading zero), or an em dash when unknown."""
    if value is None:
        return "—"
    return f"{value.day} {value:%b %Y}"


def week_label(week: int, planned_weeks: int) -> str:
    if week > planned_weeks:
        return f"week {week} (plan was {planned_weeks} weeks)"
    return f"week {week} of {planned_weeks}"
