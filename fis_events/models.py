"""Every model, imported once so that Flask-Migrate sees every table."""
from .accounts.models import User  # noqa: F401
from .events.models import AgendaItem, AgendaItemSpeaker, Event, HostEvent, Speaker  # noqa: F401
from .programme.models import Organisation, OrganisationStage, Phase, Programme  # noqa: F401
from .notify.models import OutboxAttachment, OutboxMessage  # noqa: F401
from .participation.models import Attendance, AttendanceEvidence, RemoteJoinClick  # noqa: F401
from .registration.models import Invitation, Person, Registration  # noqa: F401
from .checkin.models import CheckinDevice, DevicePairing, Scan, StaffAssignment  # noqa: F401
from .certificates.models import Certificate  # noqa: F401
from .results.models import ResultsSnapshot  # noqa: F401
from .audit_record import AuditEntry  # noqa: F401
from .materials.models import Material  # noqa: F401
from .meetings.models import MeetingAbsence, MeetingDecision, MeetingRecord, NextStep  # noqa: F401
from .feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Question, Questionnaire  # noqa: F401
from .reports.models import ReportSubscription  # noqa: F401
