from datetime import date

from goals.timeline import plan_end, plan_week, readable_date, week_label, week_start


def test_plan_week_counts_the_start_day_as_week_one():
    start = date(2026, 6, 1)
    assert plan_week(start, start) == 1
    assert plan_week(start, date(2026, 6, 7)) == 1
    assert plan_week(start, date(2026, 6, 8)) == 2
    assert plan_week(start, date(2026, 5, 1)) == 1  # before the start: still week 1


def test_plan_end_is_last_day_of_final_week():
    assert plan_end(date(2026, 1, 5), 30) == date(2026, 8, 2)
    assert week_start(date(2026, 1, 5), 30) == date(2026, 7, 27)


def test_dates_read_as_people_read_them():
    assert readable_date(date(2026, 11, 25)) == "25 Nov 2026"
    assert readable_date(date(2026, 3, 4)) == "4 Mar 2026"
    assert readable_date(None) == "—"
    assert week_label(12, 30) == "week 12 of 30"
    assert week_label(31, 30) == "week 31 (plan was 30 weeks)"
