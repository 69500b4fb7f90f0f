"""Computed totals kept for a while: at a million attendances a scope takes seconds to count."""
from ..db_types import UTCDateTime
from ..extensions import db


class ResultsSnapshot(db.Model):
    #: "v<format>:<scope query string>": one row per scope asked for
    key = db.Column(db.String(400), primary_key=True)
    computed_at = db.Column(UTCDateTime, nullable=False)
    #: the Totals as JSON (numbers and ids only: no personal data)
    data = db.Column(db.Text, nullable=False)
