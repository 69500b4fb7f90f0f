"""The public event page's own content (Designers Italia's event page) and what machines read
of it: schema.org JSON-LD parsed by extruct as search engines do, Open Graph, sitemap, robots."""
import xml.etree.ElementTree as ET
from datetime import date

import extruct
import pytest
from support import commit_test_work, csrf_from, form_values

from fis_events.events import copying
from fis_events.events import services as events
from fis_events.errors import DomainError
from fis_events.events.models import AgendaItemKind, Event
from fis_events.extensions import db
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode

MEETING_LINK = "https://meet.jit.si/fis-riservato-7f3a"
PAGE_CONTENT = {
    "audience": "Assessori e funzionari dei servizi sociali dei Comuni.",
    "costs": "Quota di iscrizione: 20 euro.",
    "organised_by": "Formez PA",
    "patronage": "ANCI",
    "contact_email": "eventi@comune.esempio.it",
    "contact_phone": "+39 06 1234567",
    "more_info": "Il parcheggio più vicino è in piazza Dante.",
}
HEADINGS = ("A chi è rivolto", "Organizzato da", "Patrocinato da", "Contatti", "Ulteriori informazioni")


def form_data(token, **overrides):
    data = {"csrf_token": token, "title": "Laboratorio di coprogettazione", "kind": "workshop",
            "description": "Tre ore per progettare insieme.", "starts_at": "2030-03-05T10:00",
            "ends_at": "2030-03-05T13:00", "venue": "Sala Giunta", "address": "Via Roma 1",
            "city": "Catanzaro", "host_event": "None", "programme": "None", "phase": "None",
            "offers_in_person": "y", "remote_platform": "", "language": "it"}
    data.update(overrides)
    return data


def json_ld(html, url):
    return extruct.extract(html, base_url=url, syntaxes=["json-ld"])["json-ld"]


def opengraph(html, url):
    found = extruct.extract(html, base_url=url, syntaxes=["opengraph"], uniform=True)["opengraph"]
    return found[0] if found else {}


@pytest.fixture
def remote_event(open_event, app_ctx):
    """A published event in person and online with a meeting link, inside a host event, with a
    speaker in its agenda."""
    host = events.find_or_create_host_event("40ª Assemblea ANCI", "Genova", date(2030, 10, 24),
                                            date(2030, 10, 26))
    event = open_event(remote_url=MEETING_LINK, host_event=host, venue="Sala Maestrale",
                       description="Una sessione per i Comuni della sperimentazione.",
                       address="Piazzale Kennedy 1", city="Genova", language="it", **PAGE_CONTENT)
    item = events.add_agenda_item(event, "Apertura", AgendaItemKind.TALK, starts_at=event.starts_at)
    events.add_speaker(item, "Giusy Pino", "Assessore", "Comune di Catanzaro")
    commit_test_work()
    return event


def test_page_content_typed_in_the_form_is_shown(client, auth, app_ctx):
    auth.login()
    token = csrf_from(client.get("/gestione/eventi/nuovo"))
    response = client.post("/gestione/eventi/nuovo", data=form_data(
        token, **{name: f"  {value}  " for name, value in PAGE_CONTENT.items()}))
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    assert {name: getattr(event, name) for name in PAGE_CONTENT} == PAGE_CONTENT
    assert not event.is_free

    html = client.get(f"/gestione/eventi/{event.id}/anteprima").get_data(as_text=True)
    for value in PAGE_CONTENT.values():
        assert value in html
    for heading in HEADINGS:
        assert heading in html
    assert 'href="mailto:eventi@comune.esempio.it"' in html
    assert 'href="tel:+39061234567"' in html


def test_only_what_is_filled_in_is_shown_and_free_by_default(client, make_event):
    event = make_event(patronage="ANCI")
    events.publish_event(event)
    commit_test_work()
    html = client.get(f"/eventi/{event.id}").get_data(as_text=True)
    assert "Patrocinato da" in html and "ANCI" in html
    for heading in ("A chi è rivolto", "Organizzato da", "Ulteriori informazioni", "E-mail", "Telefono"):
        assert heading not in html
    assert "Partecipazione gratuita." in html


@pytest.mark.parametrize("field, value, message", [
    ("contact_email", "eventi@", "Indirizzo e-mail di contatto non valido"),
    ("contact_phone", "chiamare Mario", "Numero di telefono non valido"),
    ("contact_phone", "12", "Numero di telefono non valido"),
])
def test_wrong_contact_points_are_refused_and_kept(client, auth, app_ctx, field, value, message):
    auth.login()
    token = csrf_from(client.get("/gestione/eventi/nuovo"))
    response = client.post("/gestione/eventi/nuovo", data=form_data(token, **{field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{value}"' in html
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_the_service_refuses_a_wrong_contact_email_too(make_event):
    with pytest.raises(DomainError):
        make_event(contact_email="non è un indirizzo")


def test_copy_and_template_keep_the_page_content(client, auth, make_event):
    original = make_event(**PAGE_CONTENT)
    auth.login()
    page = client.get(f"/gestione/eventi/{original.id}/copia")
    response = client.post(f"/gestione/eventi/{original.id}/copia", data=form_values(
        page, starts_at="2030-04-01T10:00", ends_at="2030-04-01T13:00"))
    assert response.status_code == 302
    copy = db.session.scalars(db.select(Event).where(Event.id != original.id)).one()
    assert {name: getattr(copy, name) for name in PAGE_CONTENT} == PAGE_CONTENT

    template = copying.save_as_template(original)
    commit_test_work()
    from_template = copying.template_event(template)
    assert {name: getattr(from_template, name) for name in PAGE_CONTENT} == PAGE_CONTENT


# ---- JSON-LD ------------------------------------------------------------------------------

def test_event_json_ld(client, remote_event):
    url = f"http://localhost/eventi/{remote_event.id}"
    [data] = json_ld(client.get(url).get_data(as_text=True), url)

    assert data["@type"] == "Event" and data["@context"] == "https://schema.org"
    assert data["name"] == remote_event.title and data["description"]
    assert data["url"] == url
    assert data["startDate"].endswith(("+01:00", "+02:00"))
    assert data["endDate"] > data["startDate"][:10]
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, virtual = data["location"]
    assert place["@type"] == "Place" and place["name"] == "Sala Maestrale"
    assert place["address"] == {"@type": "PostalAddress", "streetAddress": "Piazzale Kennedy 1",
                                "addressLocality": "Genova", "addressCountry": "IT"}
    assert virtual == {"@type": "VirtualLocation", "url": url}
    assert data["superEvent"]["@type"] == "Event"
    assert data["superEvent"]["name"] == "40ª Assemblea ANCI"
    assert data["superEvent"]["startDate"] == "2030-10-24"
    assert data["organizer"] == {"@type": "Organization", "name": "Formez PA"}
    assert data["performer"] == [{"@type": "Person", "name": "Giusy Pino", "jobTitle": "Assessore",
                                  "affiliation": {"@type": "Organization", "name": "Comune di Catanzaro"}}]
    assert data["isAccessibleForFree"] is False
    assert data["inLanguage"] == "it"


def test_json_ld_of_an_online_free_cancelled_event(client, open_event):
    event = open_event(offers_in_person=False, language="en")
    events.cancel_event(event)
    commit_test_work()
    url = f"http://localhost/eventi/{event.id}"
    [data] = json_ld(client.get(url).get_data(as_text=True), url)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": url}
    assert data["isAccessibleForFree"] is True
    assert data["inLanguage"] == "en"
    assert "superEvent" not in data and "performer" not in data


def test_drafts_and_previews_carry_no_json_ld(client, auth, make_event):
    event = make_event()
    auth.login()
    url = f"http://localhost/gestione/eventi/{event.id}/anteprima"
    assert json_ld(client.get(url).get_data(as_text=True), url) == []


# ---- nothing private in the markup ---------------------------------------------------------

def test_public_pages_never_show_the_meeting_link(client, remote_event):
    for url in ("/", "/eventi/", f"/eventi/{remote_event.id}", f"/eventi/{remote_event.id}/stampa",
                f"/eventi/{remote_event.id}/calendario.ics", "/calendario.ics", "/sitemap.xml",
                "/robots.txt", f"/api/v1/events/{remote_event.id}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "fis-riservato" not in page.get_data(as_text=True), url


def test_personal_pages_describe_themselves_without_token_or_link(client, remote_event):
    """The page's own links carry its token; what it tells machines (meta, JSON-LD) never."""
    registration = registrations.register(
        remote_event, email="paola@example.org", first_name="Paola", last_name="Rossi",
        mode=AttendanceMode.REMOTE, source="organiser")[0]
    commit_test_work()
    for path in ("", "/dati", "/annulla"):
        url = f"http://localhost/iscrizione/{registration.manage_token}{path}"
        html = client.get(url).get_data(as_text=True)
        assert "fis-riservato" not in html, path  # remote registrants get their /j/ link
        head = html[:html.index("</head>")]
        assert registration.manage_token not in head, path
        assert json_ld(html, url) == []
        og = opengraph(html, url)
        assert "og:url" not in og and og["og:title"]


# ---- Open Graph, sitemap, robots -----------------------------------------------------------

def test_event_page_open_graph(client, remote_event):
    url = f"http://localhost/eventi/{remote_event.id}"
    og = opengraph(client.get(url).get_data(as_text=True), url)
    assert og["og:title"].startswith(remote_event.title)
    assert og["og:description"] == remote_event.description[:200]
    assert og["og:url"] == url
    assert og["@type"] == "website"  # extruct names og:type so
    assert og["og:locale"] == "it_IT"


def test_sitemap_lists_public_pages_only(client, make_event, open_event, app_ctx):
    draft = make_event(title="Bozza riservata")
    public = open_event()
    cancelled = open_event()
    events.cancel_event(cancelled)
    commit_test_work()
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ET.fromstring(response.data).findall("s:url/s:loc", namespace)]
    assert f"http://localhost/eventi/{public.id}" in locations
    assert f"http://localhost/eventi/{cancelled.id}" in locations
    assert f"http://localhost/eventi/{draft.id}" not in locations
    assert {"http://localhost/eventi/", "http://localhost/privacy",
            "http://localhost/accessibilita"} <= set(locations)
    assert not [loc for loc in locations if "/gestione/" in loc or "/iscrizione/" in loc]


def test_robots_keeps_personal_and_staff_pages_out(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for prefix in ("/gestione/", "/iscrizione/", "/j/", "/ingresso/", "/attestati/", "/api/"):
        assert f"Disallow: {prefix}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
