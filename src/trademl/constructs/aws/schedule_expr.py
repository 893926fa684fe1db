"""The profile's 5-field UTC cron as the cron() expression of EventBridge rules and EventBridge Scheduler.

EventBridge cron has six fields, `minutes hours day-of-month month day-of-week year`, and differs from cron
in two ways that matter here:
- day-of-week counts 1-7 = SUN-SAT (cron: 0-6 = SUN-SAT, 7 also Sunday), and accepts no `/` step;
- day-of-month and day-of-week cannot both be set: exactly one of them is `?`.
Minutes, hours, day-of-month and month mean the same in both, steps included, so they pass unchanged.
"""

from __future__ import annotations

import re

_ITEM = re.compile(r"^(?P<base>\*|\d{1,2}(?:-\d{1,2})?)(?:/(?P<step>\d{1,2}))?$")


def _cron_days(item: str, cron: str) -> list[int]:
    """The cron weekdays (0-6, Sunday 0) one comma item of the day-of-week field selects."""
    match = _ITEM.match(item)
    if match is None:
        raise ValueError(f"{cron!r}: day-of-week item {item!r} is not N, N-M, * or one of them with /step")
    base, step = match["base"], int(match["step"] or 1)
    if base == "*":
        first, last = 0, 6
    elif "-" in base:
        first, last = (int(v) for v in base.split("-"))
    else:
        # cron reads `N/S` as `N-6/S`; a plain `N` is that one day.
        first = last = int(base)
        if match["step"]:
            last = 6
    if not (0 <= first <= 7 and 0 <= last <= 7 and first <= last and step >= 1):
        raise ValueError(f"{cron!r}: day-of-week item {item!r} is outside 0-7 (Sunday is 0 or 7)")
    return [day % 7 for day in range(first, last + 1, step)]


def _runs(days: set[int]) -> str:
    """Sorted EventBridge weekdays as `a-b` runs and single days, e.g. {1, 2, 3, 7} -> `1-3,7`."""
    ordered, parts = sorted(days), []
    start = prev = ordered[0]
    for day in [*ordered[1:], None]:
        if day is not None and day == prev + 1:
            prev = day
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if day is not None:
            start = prev = day
    return ",".join(parts)


def eventbridge_weekdays(dow: str, cron: str = "") -> str:
    """A cron day-of-week field (not `*`) in EventBridge numbering. Numbers and ranges shift by one
    (SUN 0 -> 1, SAT 6 -> 7); steps are expanded into the days they select, since EventBridge has no
    `/` in this field: `*/2` (SUN, TUE, THU, SAT) -> `1,3,5,7`."""
    days = {day % 7 + 1 for item in dow.split(",") for day in _cron_days(item, cron or dow)}
    return _runs(days)


def eventbridge_cron(cron: str) -> str:
    """A 5-field UTC cron (`minute hour day-of-month month day-of-week`) as EventBridge `cron(...)`."""
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"{cron!r} is not a 5-field cron expression; fix: 'minute hour day month weekday'")
    minute, hour, dom, month, dow = fields
    if dow == "*":
        dow = "?"
    elif dom != "*":
        # cron runs when either field matches; EventBridge cannot express that.
        raise ValueError(f"{cron!r} sets both day-of-month and day-of-week; fix: set one of them to '*'")
    else:
        dom, dow = "?", eventbridge_weekdays(dow, cron)
    return f"cron({minute} {hour} {dom} {month} {dow} *)"
