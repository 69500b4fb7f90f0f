"""Registration rules through the services: capacity, waiting list, promotion, links."""
from datetime import timedelta

import pytest

from fis_events.db_types import utcnow
from fis_events.errors import DomainError
from fis_events.events import services as events
from fis_events.extensions import db
from fis_events.notify.models import OutboxMessage
from fis_events.notify.services import compose
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode, Person, Registration, RegistrationStatus

IN_PERSON, REMOTE = AttendanceMode.IN_PERSON, AttendanceMode.REMOTE


def register(event, n, mode=IN_PERSON, **extra):
    return services.register(event, email=f"persona{n}@example.org", first_name="Niccolò",
                             last_name=f"D'Angelo {n}", mode=mode, **extra)


def kinds(to=None):
    query = db.select(OutboxMessage.kind).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return db.session.scalars(query).all()


def test_confirmed_then_waiting_with_positions(open_event):
    event = open_event(capacity_in_person=2)
    outcomes = [register(event, n)[1] for n in range(4)]
    assert outcomes == ["confirmed", "confirmed", "waiting", "waiting"]
    waiting = db.session.scalars(db.select(Registration).filter_by(status=RegistrationStatus.WAITING)
                                 .order_by(Registration.id)).all()
    assert [services.waiting_position(r) for r in waiting] == [1, 2]
    assert kinds() == ["confirmed", "confirmed", "waiting", "waiting"]


def test_names_are_kept_exactly_and_emails_normalised(open_event):
    registration, _ = services.register(open_event(), email="  Niccolo.DAngelo@Example.ORG ",
                                        first_name="Niccolò", last_name="D'Angelo", mode=IN_PERSON)
    assert registration.person.email == "niccolo.dangelo@example.org"
    assert registration.person.full_name == "Niccolò D'Angelo"


def test_same_email_same_event_is_not_a_duplicate(open_event):
    event = open_event()
    first, _ = register(event, 1)
    again, outcome = services.register(event, email="PERSONA1@example.org", first_name="N",
                                       last_name="D", mode=IN_PERSON)
    assert outcome == "already_registered" and again.id == first.id
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1
    assert kinds() == ["confirmed", "already_registered"]


def test_one_person_across_events(open_event):
    register(open_event(title="Uno"), 1)
    register(open_event(title="Due"), 1)
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 1


def test_cancel_promotes_the_first_waiting_person(open_event):
    event = open_event(capacity_in_person=1)
    first, _ = register(event, 1)
    second, _ = register(event, 2)
    third, _ = register(event, 3)
    services.cancel(first)
    db.session.refresh(second), db.session.refresh(third)
    assert second.status is RegistrationStatus.CONFIRMED
    assert third.status is RegistrationStatus.WAITING and services.waiting_position(third) == 1
    assert kinds("persona2@example.org") == ["waiting", "promoted"]
    services.cancel(first)  # twice: nothing more happens
    assert kinds("persona1@example.org") == ["confirmed", "cancelled"]


def test_cancelling_a_waiting_registration_promotes_nobody(open_event):
    event = open_event(capacity_in_person=1)
    register(event, 1)
    waiting, _ = register(event, 2)
    third, _ = register(event, 3)
    services.cancel(waiting)
    db.session.refresh(third)
    assert third.status is RegistrationStatus.WAITING and services.waiting_position(third) == 1


def test_switch_mode_subject_to_capacity(open_event):
    event = open_event(capacity_in_person=1, capacity_remote=1)
    person, _ = register(event, 1)
    remote, _ = register(event, 2, mode=REMOTE)
    waiting, _ = register(event, 3)
    with pytest.raises(DomainError):
        services.switch_mode(person, REMOTE)  # remote is full
    services.switch_mode(remote, IN_PERSON) if False else None
    services.cancel(remote)
    services.switch_mode(person, REMOTE)
    db.session.refresh(waiting)
    assert person.mode is REMOTE and person.is_confirmed
    assert waiting.status is RegistrationStatus.CONFIRMED  # the freed in-person seat went on


def test_modes_the_event_does_not_offer_are_refused(open_event):
    event = open_event(offers_remote=False)
    with pytest.raises(DomainError) as error:
        register(event, 1, mode=REMOTE)
    assert error.value.field == "mode"


def test_raising_capacity_promotes(open_event):
    event = open_event(capacity_in_person=1)
    register(event, 1)
    second, _ = register(event, 2)
    third, _ = register(event, 3)
    events.save_event(event, capacity_in_person=2)
    db.session.refresh(second), db.session.refresh(third)
    assert second.is_confirmed and third.status is RegistrationStatus.WAITING


@pytest.mark.parametrize("window,expected", [
    (dict(registration_opens_at=utcnow() + timedelta(hours=1)), "not_yet"),
    (dict(registration_closes_at=utcnow() - timedelta(minutes=1)), "closed"),
])
def test_registration_window(open_event, window, expected):
    start = utcnow() + timedelta(days=2)
    event = open_event(starts_at=start, ends_at=start + timedelta(hours=2), **window)
    assert services.registration_state(event) == expected
    with pytest.raises(DomainError):
        register(event, 1)
    # organisers register people directly, whatever the window
    assert register(event, 2, source="organiser")[1] == "confirmed"


def test_drafts_take_no_registrations(make_event):
    event = make_event()
    with pytest.raises(DomainError):
        register(event, 1)


def test_invitation_only(open_event):
    event = open_event(invitation_only=True)
    with pytest.raises(DomainError):
        register(event, 1)
    (invitation,), _registered = services.invite(event, ["persona1@example.org"])
    assert services.invite(event, ["PERSONA1@example.org"]) == ([], [])  # never twice
    with pytest.raises(DomainError):  # someone else's invitation
        register(event, 2, invitation_token=invitation.token)
    assert register(event, 1, invitation_token=invitation.token)[1] == "confirmed"
    assert "invitation" in kinds("persona1@example.org")


def test_tokens_are_long_random_and_distinct(open_event):
    registration, _ = register(open_event(), 1)
    tokens = {registration.qr_token, registration.manage_token, registration.join_token}
    assert len(tokens) == 3 and all(len(t) >= 32 for t in tokens)
    assert services.by_manage_token(registration.manage_token) == registration
    assert services.by_manage_token(registration.qr_token) is None
    assert services.by_manage_token("x" * 500) is None


def test_email_is_queued_in_the_same_transaction(open_event, monkeypatch):
    event = open_event()
    from fis_events.registration import services as module

    def boom(*args, **kwargs):
        raise RuntimeError("e-mail rendering failed")

    monkeypatch.setattr(module, "queue_registration_email", boom)
    with pytest.raises(RuntimeError):
        register(event, 1)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_emails_are_written_in_the_event_language(open_event):
    italian, english = open_event(title="Evento"), open_event(title="Event", language="en")
    register(italian, 1)
    register(english, 2)
    for message in db.session.scalars(db.select(OutboxMessage)):
        compose(message)  # as the sender will, when it delivers them
    subjects = db.session.scalars(db.select(OutboxMessage.subject).order_by(OutboxMessage.id)).all()
    texts = db.session.scalars(db.select(OutboxMessage.text_body).order_by(OutboxMessage.id)).all()
    assert subjects == ["Iscrizione confermata: Evento", "Registration confirmed: Event"]
    assert "Gentile Niccolò," in texts[0] and "Dear Niccolò," in texts[1]
    assert ", ore 10.00" in texts[0] and ", 10:00" in texts[1]  # Italian and English times
