"""Calendar files: parsed back with two independent parsers, never leaking the meeting link."""
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
import sqlalchemy as sa
import vobject

from fis_events.events import services
from fis_events.events.calendar import build_event
from fis_events.events.models import AgendaItemKind, Event, EventKind
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.programme.models import Programme

GENOVA_TITLE = ("Il Programma FIS. Una sperimentazione nazionale per aiutare i Comuni a fare "
                "innovazione sociale")
TALK_LINE = ("ore 15.30 — Il Programma FIS e l'accompagnamento ai Comuni — Cinzia Di Fenza, "
             "Responsabile del progetto, Formez")
REMOTE_SPEAKER = ("Giusy Pino, Assessore alle Politiche Sociali, Comune di Catanzaro "
                  "(in collegamento)")
MEETING_LINK = "https://meet.jit.si/riunione-riservata"


def rome(*parts):
    return datetime(*parts, tzinfo=ROME)


@pytest.fixture
def genova_id(app, runner):
    result = runner.invoke(args=["demo", "load", "--no-users"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session.scalar(db.select(Event.id).filter_by(title=GENOVA_TITLE))


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.data
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def vevents(response):
    return icalendar.Calendar.from_ical(response.data).events


def only_event(response):
    (event,) = vevents(response)
    return event


def test_genova_event_file(client, genova_id):
    response = fetch(client, f"/eventi/{genova_id}/calendario.ics")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="evento-fis-{genova_id}.ics"')
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0"
    assert "fis-events" in calendar["PRODID"]
    assert calendar["X-WR-TIMEZONE"] == "Europe/Rome"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Rome"]
    assert calendar.get_missing_tzids() == set()

    (event,) = calendar.events
    assert event["SUMMARY"] == GENOVA_TITLE
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert event.start == rome(2023, 10, 24, 15)
    assert event.start.astimezone(timezone.utc) == datetime(2023, 10, 24, 13, tzinfo=timezone.utc)
    assert event.end == rome(2023, 10, 24, 17)
    assert event["UID"].startswith("fis-events-event-") and event["UID"].endswith("@fis-events")
    assert event["STATUS"] == "CONFIRMED"
    assert event["LOCATION"] == "Genova"
    assert event.categories == ["Evento pubblico"]
    assert event["URL"] == f"http://localhost/eventi/{genova_id}"
    assert event.last_modified is not None and event.stamp is not None
    description = event["DESCRIPTION"]
    assert description.startswith("Con questo incontro di presentazione")
    assert "sociale.\n\nProgramma:\nore 15.00 — Registrazione dei partecipanti\n" in description
    assert TALK_LINE in description
    assert REMOTE_SPEAKER in description


def test_genova_file_parses_with_vobject(client, genova_id):
    """An independent parser reads the same instant, zone and agenda."""
    text = fetch(client, f"/eventi/{genova_id}/calendario.ics").data.decode()
    calendar = vobject.readOne(text)
    assert calendar.vtimezone.tzid.value == "Europe/Rome"
    event = calendar.vevent
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Rome"]
    start = event.dtstart.value
    # vobject builds the zone from our VTIMEZONE, so this also checks its offsets.
    assert start.utcoffset() == timedelta(hours=2)
    assert start.replace(tzinfo=None) == datetime(2023, 10, 24, 15)
    assert start.astimezone(timezone.utc) == datetime(2023, 10, 24, 13, tzinfo=timezone.utc)
    assert TALK_LINE in event.description.value
    assert REMOTE_SPEAKER in event.description.value


def test_uid_stays_and_sequence_rises_only_when_participants_see_a_change(app, client, genova_id):
    url = f"/eventi/{genova_id}/calendario.ics"
    first, second = only_event(fetch(client, url)), only_event(fetch(client, url))
    assert first["UID"] == second["UID"]
    with app.test_request_context():
        services.save_event(db.session.get(Event, genova_id), title="Il Programma FIS a Genova")
    retitled = only_event(fetch(client, url))
    assert retitled["SUMMARY"] == "Il Programma FIS a Genova"
    assert retitled["UID"] == first["UID"]
    # a new revision (later DTSTAMP, same SEQUENCE: RFC 5546 2.1.5), nothing to reschedule
    assert retitled["SEQUENCE"] == first["SEQUENCE"]
    assert retitled.last_modified >= first.last_modified
    assert retitled.DTSTAMP >= first.DTSTAMP
    with app.test_request_context():
        event = db.session.get(Event, genova_id)
        services.save_event(event, move_agenda=True, starts_at=event.starts_at + timedelta(hours=1),
                            ends_at=event.ends_at + timedelta(hours=1))
    moved = only_event(fetch(client, url))
    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] == first["SEQUENCE"] + 1
    assert moved.DTSTART == rome(2023, 10, 24, 16, 0)


def test_cancelled_event_is_marked_cancelled(client, make_event):
    event = make_event()
    services.publish_event(event)
    services.cancel_event(event)
    assert only_event(fetch(client, f"/eventi/{event.id}/calendario.ics"))["STATUS"] == "CANCELLED"
    assert only_event(fetch(client, "/calendario.ics"))["STATUS"] == "CANCELLED"


def test_drafts_are_not_in_any_calendar(client, make_event):
    draft = make_event(title="Bozza riservata")
    published = make_event(title="Evento pubblicato")
    services.publish_event(published)
    feed = fetch(client, "/calendario.ics")
    assert [e["SUMMARY"] for e in vevents(feed)] == ["Evento pubblicato"]
    assert b"Bozza riservata" not in feed.data
    assert client.get(f"/eventi/{draft.id}/calendario.ics").status_code == 404
    assert client.get(f"/eventi/{published.id + 1000}/calendario.ics").status_code == 404


def test_meeting_link_never_in_public_calendars(app, client, make_event):
    event = make_event(offers_remote=True, remote_url=MEETING_LINK, remote_platform="Jitsi")
    services.publish_event(event)
    programme = Programme(code="FIS", name="FIS - Fondo Innovazione Sociale")
    db.session.add(programme)
    services.save_event(event, programme=programme)
    for url in ("/calendario.ics", f"/eventi/{event.id}/calendario.ics",
                "/programmi/FIS/calendario.ics"):
        response = fetch(client, url)
        assert len(vevents(response)) == 1
        assert b"meet.jit.si" not in response.data, url


def test_registrants_version_carries_the_link(make_event):
    """Kept for a registered remote participant; no public route asks for it."""
    event = make_event(offers_remote=True, remote_url=MEETING_LINK)
    assert MEETING_LINK not in build_event(event)["DESCRIPTION"]
    registrant_copy = build_event(event, include_remote_link=True)
    assert f"Collegamento: {MEETING_LINK}" in registrant_copy["DESCRIPTION"]


def test_feed_lists_public_events_by_start(client, make_event):
    later = make_event(title="Secondo", starts_at=rome(2031, 3, 5, 10),
                       ends_at=rome(2031, 3, 5, 12))
    earlier = make_event(title="Primo", starts_at=rome(2020, 1, 9, 9),
                         ends_at=rome(2020, 1, 9, 11),
                         venue="Formez PA", address="Viale Marx 15", city="Roma")
    for event in (later, earlier):
        services.publish_event(event)
    response = fetch(client, "/calendario.ics")
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["X-WR-CALNAME"] == "Eventi FIS - Fondo Innovazione Sociale"
    assert calendar["X-WR-TIMEZONE"] == "Europe/Rome"
    first, second = calendar.events
    assert (first["SUMMARY"], second["SUMMARY"]) == ("Primo", "Secondo")
    assert first["LOCATION"] == "Formez PA, Viale Marx 15, Roma"
    assert first.start == rome(2020, 1, 9, 9)
    assert calendar.get_missing_tzids() == set()
    assert vobject.readOne(response.data.decode()).vevent_list[1].summary.value == "Secondo"


def test_programme_feed_has_only_its_events(client, make_event):
    fis = Programme(code="FIS", name="FIS - Fondo Innovazione Sociale")
    other = Programme(code="ALTRO", name="Altro programma")
    db.session.add_all([fis, other])
    db.session.commit()
    for title, programme in (("Evento FIS", fis), ("Evento altro", other),
                             ("Senza programma", None)):
        services.publish_event(make_event(title=title, programme=programme))
    response = fetch(client, "/programmi/ALTRO/calendario.ics")
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["X-WR-CALNAME"] == "Eventi Altro programma"
    assert [e["SUMMARY"] for e in calendar.events] == ["Evento altro"]
    assert len(vevents(fetch(client, "/calendario.ics"))) == 3
    assert client.get("/programmi/NESSUNO/calendario.ics").status_code == 404


def count_feed_queries(app, client):
    statements = []

    def count(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        fetch(client, "/calendario.ics")
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def add_event_with_agenda(make_event, title, day):
    event = make_event(title=title, starts_at=day, ends_at=day + timedelta(hours=3))
    for hour in (0, 1):
        item = services.add_agenda_item(event, f"Punto {hour}", AgendaItemKind.TALK,
                                        starts_at=day + timedelta(hours=hour))
        services.add_speaker(item, f"Relatore {title} {hour}", "Ruolo", f"Ente {title} {hour}")
    services.publish_event(event)


def test_feed_queries_do_not_grow_with_events(app, client, make_event):
    """Agendas, speakers and organisations are loaded in bulk, not once per event."""
    add_event_with_agenda(make_event, "A", rome(2030, 5, 1, 10))
    one_event = count_feed_queries(app, client)
    for index, title in enumerate("BCD"):
        add_event_with_agenda(make_event, title, rome(2030, 5, 2 + index, 10))
    assert count_feed_queries(app, client) == one_event


def test_uid_domain_comes_from_config(app, make_event):
    event = make_event(kind=EventKind.WEBINAR)
    app.config["ICS_UID_DOMAIN"] = "eventi.example.org"
    try:
        vevent = build_event(event)
    finally:
        del app.config["ICS_UID_DOMAIN"]
    assert vevent["UID"] == f"fis-events-event-{event.uid}@eventi.example.org"
    assert vevent.categories == ["Webinar"]
