"""A file or a link attached to an event or to one of its agenda items."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import deferred

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..extensions import db


class Visibility(LabelledEnum):
    PUBLIC = "public"
    REGISTRANTS = "registrants"

    @classmethod
    def _labels(cls):
        return {cls.PUBLIC: _l("Tutti"), cls.REGISTRANTS: _l("Solo gli iscritti")}


class Material(db.Model):
    __table_args__ = (
        db.CheckConstraint("(url IS NULL) <> (content IS NULL)", name="file_or_link"),
    )

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    #: the agenda item it belongs to ("le slide dell'intervento"), or the whole event
    agenda_item_id = db.Column(db.ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    title = db.Column(db.String(200), nullable=False)
    visibility = db.Column(EnumText(Visibility), nullable=False, default=Visibility.PUBLIC)
    url = db.Column(db.String(500))
    filename = db.Column(db.String(255))
    content_type = db.Column(db.String(100))
    size = db.Column(db.Integer)
    #: the file itself, in the database so that every web machine serves it; read only to send it
    content = deferred(db.Column(db.LargeBinary))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    event = db.relationship("Event", backref=db.backref(
        "materials", order_by="Material.id", cascade="all, delete-orphan", passive_deletes=True))
    agenda_item = db.relationship("AgendaItem", backref=db.backref(
        "materials", order_by="Material.id", cascade="all, delete-orphan", passive_deletes=True))

    @property
    def is_link(self):
        return self.url is not None

    def __str__(self):
        return self.title
