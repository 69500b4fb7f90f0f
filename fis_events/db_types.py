"""Column types shared by every domain."""
import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, String, TypeDecorator


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
