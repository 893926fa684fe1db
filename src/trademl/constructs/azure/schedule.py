"""Translate the model's 5-field cron into Data Factory's schedule block (weekly recurrence)."""

from __future__ import annotations

from dataclasses import dataclass

DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _values(field: str, top: int) -> list[int]:
    if field == "*":
        return list(range(top + 1))
    out: list[int] = []
    for part in field.split(","):
        rng, _, step = part.partition("/")
        lo, _, hi = rng.partition("-")
        start = 0 if lo == "*" else int(lo)
        end = top if lo == "*" else int(hi or lo)
        out.extend(range(start, end + 1, int(step or 1)))
    return sorted(set(out))


@dataclass(frozen=True, slots=True)
class WeeklySchedule:
    minutes: list[int]
    hours: list[int]
    days_of_week: list[str]


def weekly(cron: str) -> WeeklySchedule:
    """Minute, hour and weekday lists; day-of-month and month must be '*' (the model's schedules are
    recurring trading-calendar runs), anything else is refused at synth with the fix."""
    minute, hour, dom, month, dow = cron.split()
    if dom != "*" or month != "*":
        raise ValueError(
            f"cron {cron!r}: Data Factory schedules here support day-of-month and month '*' only; "
            "fix: express the schedule by weekday"
        )
    return WeeklySchedule(_values(minute, 59), _values(hour, 23), [DAYS[d % 7] for d in _values(dow, 6)])
