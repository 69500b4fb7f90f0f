"""A person's details change only through their own manage link or by staff (issue 12, defect 1):
an anonymous form, the door or the register never rewrite someone found by their e-mail."""
import pytest

from fis_events.accounts.models import User
from fis_events.audit_record import AuditEntry
from fis_events.checkin import services as checkin
from fis_events.extensions import db
from fis_events.notify.sender import send_due
from fis_events.participation import services as participation
from fis_events.programme.models import Organisation
from fis_events.registration.models import AttendanceMode, Person, Registration, RegistrationStatus
from support import csrf_from

from registration.test_registration_views import form_data

NICCOLO = ("Niccolò", "D'Angelo", "Comune di Catanzaro", "Assessore")
MALLORY = dict(first_name="Mallory", last_name="Impostora", organisation="Formez",
               organisation_kind="altro", role="Hacker")


def details(person):
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    return (person.first_name, person.last_name,
            person.organisation.name if person.organisation else None, person.role)


def post_form(client, event, **overrides):
    url = f"/eventi/{event.id}/iscrizione"
    return client.post(url, data=form_data(csrf_from(client.get(url)), **overrides))


@pytest.fixture
def niccolo(client, open_event):
    """Niccolò registered through the form; returns his event and his person."""
    event = open_event(title="Laboratorio")
    assert post_form(client, event).status_code == 302
    return event, db.session.scalars(db.select(Person)).one()


def greetings(smtp_server):
    return [m.get_body(("plain",)).get_content().splitlines()[0] for m in smtp_server.messages]


def test_registering_again_with_someones_address_changes_nothing_of_theirs(
        app, client, auth, niccolo, smtp_server):
    event, person = niccolo
    response = post_form(client, event, **MALLORY)
    assert response.status_code == 200 and "Sei già iscritto" in response.get_data(as_text=True)
    post_form(client, event, first_name="niccolò", last_name="d'angelo", role="")  # by accident
    assert details(person) == NICCOLO
    assert db.session.scalar(db.select(Organisation.id).filter_by(name="Formez")) is None
    send_due(app)
    assert greetings(smtp_server) == ["Gentile Niccolò,"] * 3
    auth.login()
    listing = client.get(f"/gestione/eventi/{event.id}/iscritti").get_data(as_text=True)
    export = client.get(f"/gestione/eventi/{event.id}/iscritti.csv").get_data(as_text=True)
    assert "Mallory" not in listing and "Niccolò D&#39;Angelo" in listing
    assert "Mallory" not in export and "Assessore" in export


def test_another_event_with_a_known_address_neither_rewrites_nor_hands_out_the_link(
        client, niccolo, open_event):
    _event, person = niccolo
    other = open_event(title="Seminario")
    response = post_form(client, other, **MALLORY)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    registration = db.session.scalar(db.select(Registration).filter_by(event_id=other.id))
    assert registration.person_id == person.id and registration.status is RegistrationStatus.CONFIRMED
    assert "Iscrizione ricevuta" in html and registration.manage_token not in html
    assert "Niccolò" not in html and "Assessore" not in html
    assert details(person) == NICCOLO


def test_the_door_and_the_register_never_rewrite_a_known_person(niccolo, today_event, auth):
    _event, person = niccolo
    door = today_event(title="Assemblea")
    checkin.walk_in(door, email="niccolo@example.org", first_name="Mallory",
                    last_name="Impostora", mode=AttendanceMode.IN_PERSON, role="Hacker")
    participation.add_unregistered(
        today_event(title="Tavolo"), first_name="Mallory", last_name="Impostora",
        email="NICCOLO@example.org", mode=AttendanceMode.IN_PERSON, role="Hacker",
        user=db.session.scalar(db.select(User).filter_by(email=auth.user())))
    assert details(person) == NICCOLO


def test_the_person_corrects_their_details_from_their_manage_link(app, client, niccolo, smtp_server):
    event, person = niccolo
    manage = f"/iscrizione/{db.session.scalars(db.select(Registration)).one().manage_token}"
    assert "Correggi i tuoi dati" in client.get(manage).get_data(as_text=True)
    page = client.get(f"{manage}/dati")
    html = page.get_data(as_text=True)
    assert 'value="Niccolò"' in html and 'value="Assessore"' in html and 'value="Comune di Catanzaro"' in html
    refused = client.post(f"{manage}/dati", data={
        "csrf_token": csrf_from(page), "first_name": "", "last_name": "D'Angelo",
        "organisation": "Comune di Catanzaro", "role": "Sindaco"})
    assert refused.status_code == 422 and 'value="Sindaco"' in refused.get_data(as_text=True)
    assert details(person) == NICCOLO
    response = client.post(f"{manage}/dati", data={
        "csrf_token": csrf_from(page), "first_name": "Niccolò", "last_name": "D'Angelo",
        "organisation": "Comune di Catanzaro", "role": "Sindaco", "municipality": ""},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Dati aggiornati (Ruolo: Assessore → Sindaco)" in html
    assert "conferma a niccolo@example.org" in html
    assert details(person) == ("Niccolò", "D'Angelo", "Comune di Catanzaro", "Sindaco")
    send_due(app)
    message = smtp_server.messages[-1]
    assert message["To"] == "niccolo@example.org" and message["Subject"].startswith("I tuoi dati")
    assert "Ruolo: Assessore → Sindaco" in message.get_body(("plain",)).get_content()
    assert "Ruolo: Assessore → Sindaco" in message.get_body(("html",)).get_content()
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(
        action="person.corrected")) == 0  # the person themselves, not staff


def test_staff_correct_a_person_and_the_log_says_who(app, client, auth, niccolo, smtp_server):
    event, person = niccolo
    registration = db.session.scalars(db.select(Registration)).one()
    auth.login()
    listing = client.get(f"/gestione/eventi/{event.id}/iscritti").get_data(as_text=True)
    url = f"/gestione/iscrizioni/{registration.id}/dati"
    assert url in listing
    page = client.get(url)
    response = client.post(url, data={
        "csrf_token": csrf_from(page), "first_name": "Nicolò", "last_name": "D'Angelo",
        "organisation": "Comune di Catanzaro", "role": "Assessore", "municipality": "Catanzaro"})
    assert response.status_code == 302 and response.location.endswith(f"/eventi/{event.id}/iscritti")
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert (person.first_name, person.municipality) == ("Nicolò", "Catanzaro")
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="person.corrected")).one()
    assert (entry.target_type, entry.target_id, entry.event_id) == ("person", person.id, event.id)
    assert entry.details == {"fields": ["first_name", "municipality"]}
    send_due(app)
    text = smtp_server.messages[-1].get_body(("plain",)).get_content()
    assert "dagli organizzatori" in text and "Nome: Niccolò → Nicolò" in text


def test_an_organiser_registering_a_known_person_is_told_their_details_stay(client, auth, niccolo,
                                                                           open_event):
    _event, person = niccolo
    other = open_event(title="Seminario")
    auth.login()
    url = f"/gestione/eventi/{other.id}/iscritti"
    response = client.post(f"{url}/nuovo", follow_redirects=True,
                           data=form_data(csrf_from(client.get(url)), **MALLORY))
    assert "i suoi dati restano quelli registrati" in response.get_data(as_text=True)
    assert details(person) == NICCOLO


def test_a_title_stored_with_a_line_break_still_reaches_the_registrant(app, client, open_event,
                                                                        smtp_server):
    """Issue 12, defect 6: the e-mail's subject and calendar entry are folded to one line."""
    event = open_event()
    db.session.execute(db.update(type(event)).where(type(event).id == event.id).values(
        title="Laboratorio\r\nBcc: altri@example.org"))
    db.session.commit()
    assert post_form(client, event).status_code == 302
    assert send_due(app) == (1, 0)
    message = smtp_server.messages[0]
    assert message["Subject"] == "Iscrizione confermata: Laboratorio Bcc: altri@example.org"
    assert message["Bcc"] is None
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "evento.ics"]
    assert "SUMMARY:Laboratorio Bcc: altri@example.org" in ics.get_content().replace("\r\n ", "")
