"""Working days as the business counts them: in its own time zone, with China's statutory holidays
and make-up working days (调休) from ``chinese-calendar``, and local overrides from the config.

A limit of "1 working day" from a Friday 07:30 intake in Shanghai falls due on Monday 07:30
Shanghai time, and the National Day week does not count. ``chinese-calendar`` is kept up to date
each year by its maintainers when the State Council publishes the next year's arrangement;
for a year it does not know yet, Saturdays and Sundays are the days off until it does (the
``[calendar]`` overrides can say otherwise meanwhile).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar


# The years chinese-calendar carries the State Council's arrangement for (it refuses the others).
COVERED_YEARS = frozenset(day.year for day in (*chinese_calendar.holidays, *chinese_calendar.workdays))


@dataclass(frozen=True)
class BusinessCalendar:
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    holidays: frozenset[date] = frozenset()  # local days off on top of the statutory ones
    workdays: frozenset[date] = frozenset()  # local working days (a company make-up day)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year in COVERED_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5  # a year the State Council has not published yet: weekends off

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``days`` working days after ``start``, at the same local time of day, as UTC-aware."""
        local = start.astimezone(self.zone)
        day = local.date()
        while days > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                days -= 1
        due = datetime.combine(day, local.timetz().replace(tzinfo=None), self.zone)
        return due.astimezone(start.tzinfo or self.zone)


    def end_of(self, day: date) -> datetime:
        """The end of a business day (18:00 local): what "by the 20th" means to the people waiting."""
        return datetime.combine(day, time(18), self.zone).astimezone(timezone.utc)


DEFAULT_CALENDAR = BusinessCalendar()
