"""Erasure and retention: the person is gone from every table, every total stays the same."""
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.events.models import Event, EventKind
from fis_events.extensions import db
from fis_events.notify.models import OutboxMessage
from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.programme.models import Organisation, Programme
from fis_events.privacy import services as privacy
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode, Invitation, Person, Registration
from fis_events.results.services import Scope, compute_totals

from demo.figures import snapshot

EMAIL = "ottavia.quintavalle@example.net"
#: everything personal the subject typed: none of it may survive anywhere
TRACES = ("quintavalle", "ottavia", "roccacannuccia", "zefiro", "argo-mira")


@pytest.fixture
def programme(runner, app_ctx):
    result = runner.invoke(args=["demo", "generate"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def subject(programme, open_event, make_event):
    """Someone with a registration (and its e-mails) to come, an invitation, and attendance at
    a past meeting of the programme."""
    comune = db.session.scalar(select(Organisation).filter_by(name="Comune di Bergamo"))
    registration, _ = services.register(
        open_event(), email=EMAIL, first_name="Ottavia", last_name="Quintavalle", organisation=comune,
        role="Referente Zefiro", municipality="Roccacannuccia", accessibility_needs="Cane guida Argo-Mira",
        mode=AttendanceMode.IN_PERSON)
    invited = make_event(title="Solo su invito", invitation_only=True)
    events.publish_event(invited)
    services.invite(invited, [EMAIL])
    meeting = db.session.scalar(select(Event).where(Event.kind == EventKind.SUPPORT_MEETING,
                                                    Event.ends_at < utcnow()).order_by(Event.id))
    record_attendance(meeting, registration.person, AttendanceMode.REMOTE, AttendanceSource.PLATFORM_REPORT)
    db.session.commit()
    return registration.person


def all_figures(now):
    """Our own counts, and the programme's totals as the results pages show them."""
    programme = db.session.scalar(select(Programme))
    totals = compute_totals(Scope(programme=programme), now)
    return snapshot(now), (
        totals.registrations, totals.attendance, totals.groups, totals.expected_past, totals.no_shows,
        [(p.phase.code, p.participations, p.participants, p.meetings_held) for p in totals.phases],
        totals.meetings_held, totals.events, totals.pipeline)


def personal_traces(*needles):
    """(table, column, row id) of every text or binary cell that holds one of the needles."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, (sa.String, sa.Text, sa.LargeBinary)):
                continue
            for value, key in db.session.execute(select(column, *table.primary_key.columns)
                                                 .where(column.is_not(None))):
                text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                if any(needle in text.lower() for needle in needles):
                    found.append((table.name, column.name, key))
    return found


def test_erasing_leaves_every_total_and_no_trace(subject, caplog):
    now = utcnow()
    assert personal_traces(*TRACES)  # the search sees them before
    before = all_figures(now)
    person_id = subject.id
    with caplog.at_level(logging.INFO):
        privacy.erase(subject)
    assert all_figures(now) == before
    assert personal_traces(*TRACES, EMAIL) == []
    person = db.session.get(Person, person_id)
    assert person.full_name == "Partecipante anonimizzato" and person.search_name == ""
    assert (person.email, person.organisation_id, person.role, person.municipality) == (None,) * 4
    assert person.erased_at is not None
    assert db.session.scalar(select(func.count()).where(Registration.person_id == person_id)) == 1
    assert db.session.scalar(select(func.count()).where(Invitation.email == EMAIL)) == 0
    assert db.session.scalar(select(func.count()).where(OutboxMessage.to_address == EMAIL)) == 0
    logged = [r.getMessage() for r in caplog.records if "anonymised" in r.getMessage()]
    assert logged == [f"person {person_id} anonymised (request)"]
    assert not any(trace in r.getMessage().lower() for r in caplog.records for trace in TRACES)


def test_erasing_twice_is_harmless(subject):
    privacy.erase(subject)
    erased_at, after = subject.erased_at, snapshot(utcnow())
    privacy.erase(subject)
    assert subject.erased_at == erased_at and snapshot(utcnow()) == after


def test_erase_from_the_command_line(runner, subject):
    result = runner.invoke(args=["people", "erase", " Ottavia.Quintavalle@Example.net "])
    assert result.exit_code == 0, result.output
    assert f"Person {subject.id} anonymised" in result.output
    assert db.session.get(Person, subject.id).erased_at is not None
    again = runner.invoke(args=["people", "erase", EMAIL])
    assert again.exit_code != 0 and "No person with this e-mail" in again.output
    assert runner.invoke(args=["people", "erase", "not an address"]).exit_code != 0


def test_purge_anonymises_only_people_without_recent_events(runner, subject):
    now = utcnow()
    before = all_figures(now)
    recent = select(Registration.person_id).join(Event).where(Event.ends_at > now - timedelta(days=730))
    keep = set(db.session.scalars(recent))
    assert subject.id in keep and len(keep) > 3  # the subject and the upcoming meetings' guests
    people = db.session.scalar(select(func.count(Person.id)))

    dry = runner.invoke(args=["people", "purge-expired", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{people - len(keep)} people would be anonymised" in dry.output
    assert db.session.scalar(select(func.count()).where(Person.erased_at.is_not(None))) == 0

    result = runner.invoke(args=["people", "purge-expired"])
    assert result.exit_code == 0, result.output
    assert f"{people - len(keep)} people were anonymised" in result.output
    db.session.expire_all()
    erased = set(db.session.scalars(select(Person.id).where(Person.erased_at.is_not(None))))
    assert len(erased) == people - len(keep) and not erased & keep
    assert db.session.get(Person, subject.id).email == EMAIL
    assert all_figures(now) == before
    assert "0 people were anonymised" in runner.invoke(args=["people", "purge-expired"]).output


def test_retention_counts_from_the_end_of_the_last_event(app_ctx, make_event):
    ended = make_event(starts_at=utcnow() - timedelta(days=10, hours=3), ends_at=utcnow() - timedelta(days=10))
    events.publish_event(ended)
    registration, _ = services.register(ended, email=EMAIL, first_name="Ottavia", last_name="Quintavalle",
                                        mode=AttendanceMode.IN_PERSON, source="organiser")
    person = registration.person
    person.created_at = utcnow() - timedelta(days=40)
    services.invite(ended, ["invitata@example.net"])
    for message in db.session.scalars(select(OutboxMessage)):
        message.status, message.created_at = "sent", utcnow() - timedelta(days=8)
    db.session.commit()
    kept = privacy.purge_expired(retention_days=30)
    assert (kept.people, kept.invitations, kept.messages) == (0, 0, 0) and person.erased_at is None
    result = privacy.purge_expired(retention_days=5)
    assert (result.people, result.invitations) == (1, 1) and person.erased_at is not None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
