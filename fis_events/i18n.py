"""Locale choice and the Italian way of writing dates and times."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale

ROME = ZoneInfo("Europe/Rome")

# Patterns per locale: "martedì 24 ottobre 2023, ore 15.30" is how the programme writes.
PATTERNS = {
    "it": {"date": "EEEE d MMMM y", "datetime": "EEEE d MMMM y, 'ore' HH.mm", "time": "HH.mm"},
    "en": {"date": "EEEE d MMMM y", "datetime": "EEEE d MMMM y, HH:mm", "time": "HH:mm"},
}


def select_locale():
    """Italian unless the visitor chose English with the switch (kept in the session); Italian
    outside a request (CLI, e-mails rendered by the sender pick their own with force_locale)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _lang():
    locale = str(get_locale() or "it")
    return locale if locale in PATTERNS else "it"


def to_rome(value):
    return value.astimezone(ROME)


def clock_minutes(moment, start):
    """Minutes from `start` to `moment` on Rome's clock (None for no moment): how a copy or a
    template keeps an agenda, so that an item at 15.30 stays at 15.30 in an event moved across
    a change of daylight saving time (a plain shift in UTC would put it at 14.30)."""
    if moment is None:
        return None
    return round((_wall_clock(moment) - _wall_clock(start)).total_seconds() / 60)


def after_clock_minutes(start, minutes):
    """The moment `minutes` after `start` on Rome's clock; None for None."""
    if minutes is None:
        return None
    return (_wall_clock(start) + timedelta(minutes=minutes)).replace(tzinfo=ROME).astimezone(start.tzinfo)


def _wall_clock(moment):
    return to_rome(moment).replace(tzinfo=None)


def long_date(value):
    """'martedì 24 ottobre 2023' for a date or an aware datetime."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_rome(value).date()
    return format_date(value, PATTERNS[_lang()]["date"], locale=_lang())


def long_datetime(value):
    """'martedì 24 ottobre 2023, ore 15.30'."""
    if value is None:
        return ""
    return format_datetime(value, PATTERNS[_lang()]["datetime"], tzinfo=ROME, locale=_lang())


def short_time(value):
    """'15.30' (Rome time)."""
    if value is None:
        return ""
    return format_time(value, PATTERNS[_lang()]["time"], tzinfo=ROME, locale=_lang())


def date_range(start, end):
    """'24–26 ottobre 2023' style span for host events, or one long date."""
    if isinstance(start, datetime):
        start, end = to_rome(start).date(), to_rome(end).date()
    if start == end:
        return long_date(start)
    lang = _lang()
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, 'd MMMM y', locale=lang)}"
    return f"{format_date(start, 'd MMMM', locale=lang)} – {format_date(end, 'd MMMM y', locale=lang)}"


def number(value):
    """'1.234' in Italian, '1,234' in English."""
    return format_decimal(value or 0, locale=_lang())


def percent(value):
    """'12,5%' (one decimal at most); a dash when there is nothing to divide."""
    return "–" if value is None else format_percent(value, "#,##0.#%", locale=_lang())


def webcal(url):
    """The same calendar address for calendar apps to subscribe to (webcal://)."""
    return "webcal://" + url.split("://", 1)[1]


def register_filters(app):
    app.jinja_env.filters.update(
        long_date=long_date, long_datetime=long_datetime, short_time=short_time,
        date_range=date_range, webcal=webcal, number=number, percent=percent,
    )
    app.jinja_env.globals.update(current_locale=_lang, today=date.today)
