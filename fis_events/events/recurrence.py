"""When a series meets: every N weeks on chosen weekdays, or every month on its nth weekday
("il secondo martedì", "l'ultimo venerdì"), until a date or for a number of meetings, Italian
public holidays skipped. Pure date arithmetic (dateutil's RFC 5545 rules, the `holidays`
calendar): the preview and the creation of a series compute the same dates here.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

import holidays
from dateutil import rrule

#: a series longer than this is refused: five years of monthly meetings
MAX_OCCURRENCES = 60
#: and one reaching further than this from its first meeting
MAX_SPAN = timedelta(days=5 * 366)


class Frequency(Enum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Rule:
    """`weekdays`: 0 = Monday … 6 = Sunday (for a monthly rule, the one weekday);
    `week_of_month`: 1 to 4 or -1 for the last (monthly only); `until` or `count` ends it,
    `count` counting the first meeting."""

    frequency: Frequency
    weekdays: tuple
    interval: int = 1
    week_of_month: int = None
    until: date = None
    count: int = None
    skip_holidays: bool = True


@dataclass(frozen=True)
class Skipped:
    day: date
    holiday: str


#: the holidays' names in the interface's languages
HOLIDAY_LANGUAGES = {"it": "it_IT", "en": "en_US"}


def meeting_days(first_day, rule, language="it"):
    """(days, skipped): the series' meeting days, `first_day` first, and the days the rule gave
    that fell on a national public holiday, with its name in `language` (left out; a series of
    `count` meetings goes on past them)."""
    wanted = (rule.count or MAX_OCCURRENCES + 1)
    last = min(rule.until or first_day + MAX_SPAN, first_day + MAX_SPAN)
    calendar = holidays.country_holidays("IT", years=range(first_day.year, last.year + 1),
                                         language=HOLIDAY_LANGUAGES[language]) \
        if rule.skip_holidays else {}
    days, skipped = [first_day], []
    for moment in _rule(first_day, rule, last):
        day = moment.date()
        if day <= first_day:
            continue
        if len(days) >= wanted:
            break
        if day in calendar:
            skipped.append(Skipped(day, calendar.get(day)))
        else:
            days.append(day)
    return days, skipped


def _rule(first_day, rule, last):
    weekday = [rrule.weekday(d) for d in rule.weekdays]
    if rule.frequency is Frequency.MONTHLY:
        weekday = [rrule.weekday(rule.weekdays[0], rule.week_of_month)]
    frequency = rrule.WEEKLY if rule.frequency is Frequency.WEEKLY else rrule.MONTHLY
    return rrule.rrule(frequency, interval=rule.interval, byweekday=weekday,
                       dtstart=first_day, until=last)
