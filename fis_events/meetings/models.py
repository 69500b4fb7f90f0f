"""The record of a support meeting and the absences it keeps.

Who was present is never stored here: it is an Attendance (whatever its source), so the totals
have one source. What the record adds is the minutes, the decisions, the next steps (each with
the organisation responsible and a due date), and the absences worth keeping: excused (with
an optional justification) or, for an erased invitee, the fact that they were invited and did
not come, so the meeting's outcome counts survive the erasure.
"""
from flask_babel import lazy_gettext as _l

from ..db_types import LabelledEnum, UTCDateTime, utcnow
from ..extensions import db


class Outcome(LabelledEnum):
    """A person's outcome at a meeting: present (an attendance), absent, or excused."""

    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"

    @classmethod
    def _labels(cls):
        return {cls.PRESENT: _l("Presente"), cls.ABSENT: _l("Assente"),
                cls.EXCUSED: _l("Assente giustificato")}


class MeetingRecord(db.Model):
    """One per support meeting, made when something is first written in it."""

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, unique=True)
    #: free text, paragraphs kept
    minutes = db.Column(db.Text, nullable=False, default="", server_default="")
    #: the last change to the record: its minutes, a decision or a next step
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_by_id = db.Column(db.ForeignKey("user.id"))

    event = db.relationship("Event")
    decisions = db.relationship("MeetingDecision", back_populates="record",
                                order_by="(MeetingDecision.position, MeetingDecision.id)",
                                cascade="all, delete-orphan", passive_deletes=True)
    next_steps = db.relationship("NextStep", back_populates="record",
                                 order_by="(NextStep.due_on, NextStep.id)",
                                 cascade="all, delete-orphan", passive_deletes=True)


class MeetingDecision(db.Model):
    """A decision taken at the meeting, in the order written."""

    id = db.Column(db.Integer, primary_key=True)
    record_id = db.Column(db.ForeignKey("meeting_record.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    text = db.Column(db.Text, nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)

    record = db.relationship("MeetingRecord", back_populates="decisions")


class NextStep(db.Model):
    """Something an organisation is to do by a date; open until it is marked done."""

    id = db.Column(db.Integer, primary_key=True)
    record_id = db.Column(db.ForeignKey("meeting_record.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    text = db.Column(db.String(500), nullable=False)
    #: who is responsible; a merge of organisations moves it like every other reference
    organisation_id = db.Column(db.ForeignKey("organisation.id"), nullable=False, index=True)
    #: on Italian dates, like everything the programme plans
    due_on = db.Column(db.Date, nullable=False, index=True)
    #: when it was done; empty while open
    done_on = db.Column(db.Date)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    record = db.relationship("MeetingRecord", back_populates="next_steps")
    organisation = db.relationship("Organisation")


class MeetingAbsence(db.Model):
    """An absence the record keeps: excused, with an optional justification (never an
    attendance, counted apart), or, once an invitee is erased and their invitation goes, plain
    absent, so the meeting's counts stay. By person when known; by invitation for an address
    that is no person yet."""

    __table_args__ = (db.UniqueConstraint("event_id", "person_id"),
                      db.UniqueConstraint("event_id", "invitation_id"))

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    person_id = db.Column(db.ForeignKey("person.id"), index=True)
    invitation_id = db.Column(db.ForeignKey("invitation.id", ondelete="SET NULL"), index=True)
    excused = db.Column(db.Boolean, nullable=False, default=True)
    #: personal data: cleared when the person is erased
    justification = db.Column(db.String(500))
    recorded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    recorded_by_id = db.Column(db.ForeignKey("user.id"))

    person = db.relationship("Person")
    invitation = db.relationship("Invitation")
