"""Column types shared by every domain."""
import enum
from datetime import date, datetime, timezone

from sqlalchemy import DateTime, String, TypeDecorator
from werkzeug.routing import IntegerConverter

#: the largest value of an Integer column on PostgreSQL (int4): no row has a larger id, and
#: asking for one there is an error ("integer out of range"), on SQLite past 2**63 an overflow
MAX_ID = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """An aware datetime, stored as UTC whatever the database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow():
    return datetime.now(timezone.utc)


def is_id(value):
    """Whether a value sent by a client can be a row id: an int (not a bool) in the column's range."""
    return type(value) is int and 0 < value <= MAX_ID


def _number(text):
    """The whole number written in `text` (ASCII digits: "²" is a digit to str.isdigit, not to
    int), capped just past MAX_ID (int() refuses more than 4300 digits); None if it is none."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= len(str(MAX_ID)) else MAX_ID + 1


def parse_id(text):
    """The row id written in a query string or form value, or None when it cannot be one."""
    number = _number(text)
    return number if is_id(number) else None


def parse_page(text):
    """A page number from a query string: 1 when missing or unusable, and never so large that
    its offset overflows a query."""
    number = _number(text)
    return min(number, MAX_ID) if number else 1


def parse_day(text):
    """The day written as yyyy-mm-dd in a query string, or None when it is not one or lies in
    year 1 or 9999 (the bounds of such a day in UTC, as queries compare them, overflow)."""
    try:
        found = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return found if 1 < found.year < 9999 else None


class IdConverter(IntegerConverter):
    """<int:…> in URLs: numbers past MAX_ID match no route (404) instead of reaching a query."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class EnumText(TypeDecorator):
    """A Python enum stored by value in a plain string column (portable, readable)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_class, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)


class LabelledEnum(enum.Enum):
    """An enum whose members carry a translatable label for the interface."""

    @property
    def label(self):
        return str(self._labels()[self])

    @classmethod
    def _labels(cls):
        raise NotImplementedError
