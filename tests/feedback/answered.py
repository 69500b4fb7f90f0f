"""Events with feedback answered, built straight in the tables: questionnaires through
ensure_questionnaire, attendances through the participation rule, invitations and anonymous
responses as rows (as the answer page stores them)."""
import itertools
import secrets
from datetime import datetime, time, timedelta

from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, QuestionKind
from fis_events.feedback.services import ensure_questionnaire
from fis_events.i18n import ROME
from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.programme.models import Organisation, OrganisationKind, Phase, Programme
from fis_events.registration.models import AttendanceMode, Person

NUMBERS = itertools.count(1)
COMUNE = OrganisationKind.COMUNE_CAPOLUOGO


def programme(code="FIS", phases=("feasibility", "experimentation")):
    made = Programme(code=code, name=f"Programma {code}", implementer="Formez")
    for position, phase in enumerate(phases, start=1):
        made.phases.append(Phase(code=phase, name=f"Fase {phase}", position=position))
    db.session.add(made)
    db.session.flush()
    return made


def held_event(title="Incontro", days_ago=20, kind=EventKind.SUPPORT_MEETING, programme=None,
               phase=None, on=None):
    """A published event already over, 10.00–12.00 in Rome `days_ago` days ago (or `on`)."""
    day = on or (utcnow().astimezone(ROME).date() - timedelta(days=days_ago))
    start = datetime.combine(day, time(10), ROME)
    event = events.create_event(title=title, kind=kind, starts_at=start,
                                ends_at=start + timedelta(hours=2), offers_in_person=True,
                                programme=programme, phase=phase)
    events.publish_event(event)
    return event


def organisation(kind):
    found = db.session.scalar(db.select(Organisation).filter_by(name=f"Ente {kind.value}"))
    if found is None:
        found = Organisation(name=f"Ente {kind.value}", kind=kind)
        db.session.add(found)
    return found


def attend(event, kind=COMUNE):
    number = next(NUMBERS)
    person = Person(email=f"partecipante{number}@example.org", first_name="Maria",
                    last_name=f"Rossi {number}", organisation=organisation(kind))
    db.session.add(person)
    db.session.flush()
    attendance, _created = record_attendance(event, person, AttendanceMode.IN_PERSON,
                                             AttendanceSource.MANUAL)
    return attendance


def answer(event, responses, invited=None, kind=COMUNE):
    """`responses`: one dict per response, e.g. {"satisfaction": 5, "usefulness": 4,
    "will_apply": "Il metodo", "recommend": 0, "kind": OrganisationKind.UNIVERSITA}; every
    response has its invitation (its attendance), and `invited` attendances in all (at least
    as many as the responses) have one."""
    questionnaire = ensure_questionnaire(event)
    questionnaire.sent_at = event.ends_at
    by_indicator = {question.indicator.value: question for question in questionnaire.questions}
    invited = max(invited or 0, len(responses))
    specs = list(responses) + [None] * (invited - len(responses))
    for spec in specs:
        spec = dict(spec or {})
        respondent_kind = spec.pop("kind", kind)
        attendance = attend(event, respondent_kind)
        invitation = FeedbackInvitation(questionnaire_id=questionnaire.id,
                                        attendance_id=attendance.id, token=secrets.token_urlsafe(32))
        db.session.add(invitation)
        if not spec:  # invited, did not answer
            continue
        response = FeedbackResponse(questionnaire_id=questionnaire.id,
                                    submitted_on=event.ends_at.astimezone(ROME).date(),
                                    organisation_kind=respondent_kind)
        for name, value in spec.items():
            question = by_indicator[name]
            if question.kind is QuestionKind.TEXT:
                response.answers.append(FeedbackAnswer(question=question, text=value))
            elif question.kind is QuestionKind.MULTIPLE_CHOICE:
                response.answers.append(FeedbackAnswer(question=question, choices=value))
            else:
                response.answers.append(FeedbackAnswer(question=question, number=value))
        db.session.add(response)
    db.session.flush()
    return questionnaire


def standard(n, satisfaction=4, usefulness=5, **extra):
    """n responses to the two averaged questions."""
    return [dict(satisfaction=satisfaction, usefulness=usefulness, **extra) for _ in range(n)]

