"""Lowering a capacity under the people already confirmed: refused with the count, or accepted
by an explicit choice that keeps everyone's seat (issue 12, defect 7)."""
import pytest

from fis_events.errors import DomainError
from fis_events.events import services as events
from fis_events.events.models import Event
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode, RegistrationStatus
from support import csrf_from

from events.test_manage import event_form_data


@pytest.fixture
def two_confirmed(make_event, enrol):
    event = make_event(capacity_in_person=5)
    people = [enrol(event, "Anna", "Neri"), enrol(event, "Bruno", "Riva")]
    return event, people


def edit(client, event, **fields):
    """The edit form, with the event's own times and place (a move would first ask to confirm
    the notice to the people registered)."""
    fields = {"venue": None, "city": None, **fields}
    url = f"/gestione/eventi/{event.id}/modifica"
    return client.post(url, data=event_form_data(
        csrf_from(client.get(url)), starts_at=event_time(event.starts_at),
        ends_at=event_time(event.ends_at), **fields))


def event_time(moment):
    return moment.astimezone(ROME).strftime("%Y-%m-%dT%H:%M")


def test_the_form_refuses_a_capacity_below_the_confirmed_naming_the_count(client, auth, two_confirmed):
    event, _people = two_confirmed
    auth.login()
    response = edit(client, event, capacity_in_person="1", title="Titolo nuovo")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ci sono già 2 iscritti confermati in presenza" in html and "a 1." in html
    assert 'value="Titolo nuovo"' in html
    saved = db.session.get(Event, event.id)
    assert (saved.capacity_in_person, saved.title) == (5, "Evento di prova")


def test_the_explicit_choice_keeps_every_seat_and_leaves_none_free(client, auth, two_confirmed):
    event, people = two_confirmed
    auth.login()
    response = edit(client, event, capacity_in_person="1", below_confirmed="y")
    assert response.status_code == 302
    assert db.session.get(Event, event.id).capacity_in_person == 1
    db.session.expire_all()
    assert all(db.session.get(type(p), p.id).status is RegistrationStatus.CONFIRMED for p in people)
    _late, outcome = registrations.register(
        db.session.get(Event, event.id), email="carla@example.org", first_name="Carla",
        last_name="Bini", mode=AttendanceMode.IN_PERSON, source="organiser")
    assert outcome == "waiting"


def test_the_service_rule_holds_for_the_api_and_the_cli(two_confirmed):
    event, _people = two_confirmed
    with pytest.raises(DomainError) as refused:
        events.save_event(event, capacity_in_person=0)
    assert refused.value.field == "capacity_in_person" and "2 iscritti" in refused.value.message
    events.save_event(event, capacity_in_person=2)  # exactly the confirmed: full, no choice needed
    events.save_event(event, capacity_in_person=0, below_confirmed=True)
    assert event.capacity_in_person == 0
