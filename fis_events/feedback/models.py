"""Questionnaires, the personal links that invite people to answer, and the anonymous answers.

Anonymity is in the shape of the tables: a `FeedbackResponse` names no person, registration,
attendance or token, and keeps only the day it was last changed. The one link from a person's
invitation to their response (`FeedbackInvitation.response_id`) exists only while the
questionnaire is open, so that the same link changes the same answer and a second one is
refused; closing the questionnaire removes it.
"""
from flask_babel import get_locale, lazy_gettext as _l

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..events.models import EventKind
from ..extensions import db
from ..programme.models import OrganisationKind

#: the 1–5 scale of SCALE questions, as the database checks it
SCALE = range(1, 6)


class QuestionKind(LabelledEnum):
    SCALE = "scale"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TEXT = "text"

    @classmethod
    def _labels(cls):
        return {
            cls.SCALE: _l("Scala da 1 a 5"),
            cls.SINGLE_CHOICE: _l("Scelta singola"),
            cls.MULTIPLE_CHOICE: _l("Scelta multipla"),
            cls.TEXT: _l("Testo libero"),
        }

    @property
    def has_choices(self):
        return self in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Indicator(LabelledEnum):
    """What a question measures for the programme's impact indicators: the dashboard, the
    exports and the open data read answers through this, never through a question's wording,
    which organisers may change."""

    SATISFACTION = "satisfaction"
    USEFULNESS = "usefulness"
    CLARITY = "clarity"
    WILL_APPLY = "will_apply"
    RECOMMEND = "recommend"

    @classmethod
    def _labels(cls):
        return {
            cls.SATISFACTION: _l("Soddisfazione complessiva"),
            cls.USEFULNESS: _l("Utilità per la propria amministrazione o organizzazione"),
            cls.CLARITY: _l("Chiarezza dei relatori"),
            cls.WILL_APPLY: _l("Che cosa applicherà nel proprio lavoro"),
            cls.RECOMMEND: _l("Lo consiglierebbe"),
        }


class Questionnaire(db.Model):
    """The questions asked after one event, or an event kind's default (copied into an event's
    own questionnaire the first time it is edited or sent)."""

    __table_args__ = (
        db.CheckConstraint("(event_id IS NULL) <> (event_kind IS NULL)", name="event_or_kind"),
    )

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    #: set on a kind's default questionnaire only
    event_kind = db.Column(EnumText(EventKind), unique=True)
    #: answers are taken until then (by default 30 days after the event ends)
    closes_at = db.Column(UTCDateTime)
    #: when the first invitations were queued: from then on the questions no longer change
    sent_at = db.Column(UTCDateTime)
    #: when it was closed and the links between invitations and answers were removed
    closed_at = db.Column(UTCDateTime)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    event = db.relationship("Event", backref=db.backref(
        "questionnaire", uselist=False, cascade="all, delete-orphan", passive_deletes=True))
    questions = db.relationship("Question", back_populates="questionnaire",
                                order_by="(Question.position, Question.id)",
                                cascade="all, delete-orphan", passive_deletes=True)


class Question(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    questionnaire_id = db.Column(db.ForeignKey("questionnaire.id", ondelete="CASCADE"),
                                 nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    kind = db.Column(EnumText(QuestionKind), nullable=False)
    required = db.Column(db.Boolean, nullable=False, default=False)
    text_it = db.Column(db.String(500), nullable=False)
    text_en = db.Column(db.String(500))
    #: the options of a choice question, in order: [{"it": "Sì", "en": "Yes"}, ...]; answers
    #: store an option's index
    choices = db.Column(db.JSON)
    #: what the question measures for the programme, if anything (one question per indicator)
    indicator = db.Column(EnumText(Indicator))

    questionnaire = db.relationship("Questionnaire", back_populates="questions")

    @property
    def text(self):
        """The wording in the reader's language, Italian when there is no English."""
        return self.text_en if str(get_locale()) == "en" and self.text_en else self.text_it

    def choice_labels(self, language=None):
        language = language or str(get_locale())
        return [(c.get("en") if language == "en" and c.get("en") else c["it"])
                for c in self.choices or ()]


class FeedbackInvitation(db.Model):
    """One attendance's personal link to the questionnaire of its event."""

    id = db.Column(db.Integer, primary_key=True)
    questionnaire_id = db.Column(db.ForeignKey("questionnaire.id", ondelete="CASCADE"),
                                 nullable=False, index=True)
    #: one invitation, hence one answer, per attendance (a person at most once per event)
    attendance_id = db.Column(db.ForeignKey("attendance.id", ondelete="CASCADE"), nullable=False,
                              unique=True)
    #: secrets.token_urlsafe(32): the personal link
    token = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    reminded_at = db.Column(UTCDateTime)
    #: the answer given through this link, while the questionnaire is open; removed at closing
    response_id = db.Column(db.ForeignKey("feedback_response.id", ondelete="SET NULL"),
                            unique=True)

    questionnaire = db.relationship("Questionnaire")
    attendance = db.relationship("Attendance")
    response = db.relationship("FeedbackResponse")


class FeedbackResponse(db.Model):
    """One anonymous answer to a questionnaire: no person, no link, the day only."""

    id = db.Column(db.Integer, primary_key=True)
    questionnaire_id = db.Column(db.ForeignKey("questionnaire.id", ondelete="CASCADE"),
                                 nullable=False, index=True)
    #: the day (Europe/Rome) it was given or last changed; never a time
    submitted_on = db.Column(db.Date, nullable=False)
    #: the kind of organisation the respondent represented, for figures by kind of organisation
    organisation_kind = db.Column(EnumText(OrganisationKind))

    questionnaire = db.relationship("Questionnaire")
    answers = db.relationship("FeedbackAnswer", back_populates="response",
                              cascade="all, delete-orphan", passive_deletes=True)


class FeedbackAnswer(db.Model):
    """The answer to one question within a response."""

    __table_args__ = (
        db.UniqueConstraint("response_id", "question_id"),
        db.CheckConstraint("number IS NULL OR number >= 0", name="number_not_negative"),
    )

    id = db.Column(db.Integer, primary_key=True)
    response_id = db.Column(db.ForeignKey("feedback_response.id", ondelete="CASCADE"),
                            nullable=False, index=True)
    question_id = db.Column(db.ForeignKey("question.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    #: a SCALE value (1–5, checked by the service) or the index of a SINGLE_CHOICE option
    number = db.Column(db.Integer)
    #: the indexes of the MULTIPLE_CHOICE options chosen
    choices = db.Column(db.JSON)
    text = db.Column(db.Text)

    response = db.relationship("FeedbackResponse", back_populates="answers")
    question = db.relationship("Question")
