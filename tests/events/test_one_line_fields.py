"""One-line fields (a title, a place) never hold a line break, and a row stored with one
(before the rule) never breaks a calendar or a registration: issue 12, defect 6."""
from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind, Event
from fis_events.extensions import db
from support import csrf_from

from events.test_manage import event_form_data

CRAFTED = "Laboratorio\r\nX-INJECTED:1\r\n  bis"


def test_a_crafted_title_in_the_organiser_form_is_saved_on_one_line(client, auth, make_event):
    event = make_event()
    auth.login()
    url = f"/gestione/eventi/{event.id}/modifica"
    response = client.post(url, data=event_form_data(csrf_from(client.get(url)), title=CRAFTED,
                                                      venue="Sala\nGiunta"))
    assert response.status_code == 302
    saved = db.session.get(Event, event.id)
    assert (saved.title, saved.venue) == ("Laboratorio X-INJECTED:1 bis", "Sala Giunta")


def test_the_service_folds_what_the_api_or_the_cli_sends(make_event):
    event = make_event(title=CRAFTED, city="Catan\tzaro\r\n")
    assert (event.title, event.city) == ("Laboratorio X-INJECTED:1 bis", "Catan zaro")
    item = events.add_agenda_item(event, "Saluti\r\niniziali", AgendaItemKind.TALK)
    assert item.title == "Saluti iniziali"


def stored_with_line_breaks(event):
    """As an older version could have saved it: written around the services."""
    db.session.execute(db.update(Event).where(Event.id == event.id).values(
        title=CRAFTED, venue="Sala\r\nGiunta"))
    db.session.commit()


def test_calendars_and_registration_survive_a_stored_line_break(client, open_event, app):
    event = open_event()
    stored_with_line_breaks(event)
    response = client.get(f"/eventi/{event.id}/calendario.ics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "SUMMARY:Laboratorio X-INJECTED:1 bis\r\n" in text
    assert "\r\nX-INJECTED" not in text and "LOCATION:Sala Giunta" in text
    assert client.get("/calendario.ics").status_code == 200
    url = f"/eventi/{event.id}/iscrizione"
    response = client.post(url, data={
        "csrf_token": csrf_from(client.get(url)), "first_name": "Anna", "last_name": "Neri",
        "email": "anna@example.org", "organisation": "Formez", "organisation_kind": "altro",
        "mode": "in_person", "privacy_notice": "y"})
    assert response.status_code == 302
    assert client.get(response.location).status_code == 200
    ics = client.get(response.location + "/calendario.ics")
    assert ics.status_code == 200 and b"\r\nX-INJECTED" not in ics.data
