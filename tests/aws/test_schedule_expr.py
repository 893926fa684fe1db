"""The profile's 5-field cron -> EventBridge cron() (6 fields, weekdays 1-7 = SUN-SAT, one field `?`)."""

from __future__ import annotations

import pytest

from trademl.constructs.aws.schedule_expr import eventbridge_cron, eventbridge_weekdays
from trademl.model.stages import DEFAULT_SCHEDULES


def test_profile_default_schedules():
    converted = {s.name: eventbridge_cron(s.cron) for s in DEFAULT_SCHEDULES}
    # 21:30 UTC Monday-Friday; 03:00 UTC Saturday.
    assert converted == {"daily": "cron(30 21 ? * 2-6 *)", "weekly": "cron(0 3 ? * 7 *)"}


@pytest.mark.parametrize(
    ("cron", "expected"),
    [
        ("*/2 * * * *", "cron(*/2 * * * ? *)"),  # minute steps never shift
        ("0 */3 * * *", "cron(0 */3 * * ? *)"),  # nor hour steps
        ("0 3 1 * *", "cron(0 3 1 * ? *)"),  # day-of-month set: day-of-week is '?'
        ("0 3 */2 * *", "cron(0 3 */2 * ? *)"),
        ("15 6 * 1-6 0", "cron(15 6 ? 1-6 1 *)"),  # Sunday 0 -> 1
        ("15 6 * * 7", "cron(15 6 ? * 1 *)"),  # Sunday 7 -> 1
        ("0 0 * * 1,3,5", "cron(0 0 ? * 2,4,6 *)"),
    ],
)
def test_conversion(cron, expected):
    assert eventbridge_cron(cron) == expected


@pytest.mark.parametrize(
    ("dow", "expected"),
    [
        ("*/2", "1,3,5,7"),  # SUN, TUE, THU, SAT: expanded, not shifted to */3
        ("1-5/2", "2,4,6"),  # MON, WED, FRI
        ("1/3", "2,5"),  # from MON every third day: MON, THU
        ("5-7", "1,6-7"),  # FRI-SUN wraps to SUN
        ("0-6", "1-7"),
    ],
)
def test_weekday_steps_and_ranges(dow, expected):
    assert eventbridge_weekdays(dow) == expected


def test_exactly_one_day_field_is_a_question_mark():
    for cron in ("30 21 * * 1-5", "0 3 1 * *", "0 0 * * *"):
        fields = eventbridge_cron(cron).removeprefix("cron(").removesuffix(")").split()
        assert len(fields) == 6 and fields[5] == "*"
        assert [fields[2], fields[4]].count("?") == 1


def test_fails_when_both_day_fields_are_set():
    with pytest.raises(ValueError, match="both day-of-month and day-of-week"):
        eventbridge_cron("0 3 1 * 1")


@pytest.mark.parametrize("cron", ["0 3 * * 8", "0 3 * * 5-2", "0 3 * * *"[:-2]])
def test_fails_on_bad_input(cron):
    with pytest.raises(ValueError):
        eventbridge_cron(cron)
