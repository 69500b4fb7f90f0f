"""Organisers download badges as PDF: one event's (A6 or A4), or one person's."""
import pytest

from fis_events.extensions import db
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode


def tokens(registrations):
    return ["FISEV1:" + registration.qr_token for registration in registrations]


@pytest.fixture
def crowd(app_ctx, badge_event, enrol):
    """Confirmed: two remote, three in person (not in surname order); one waiting; one cancelled."""
    event = badge_event
    remote_b = enrol(event, "Bianca", "Zanardi", mode=AttendanceMode.REMOTE)
    person_c = enrol(event, "Carla", "Verdi", organisation="Comune di Bergamo")
    person_a = enrol(event, "Niccolò", "D'Angelo", organisation="Comune di Bergamo")
    remote_a = enrol(event, "Aldo", "Àlberti", mode=AttendanceMode.REMOTE)
    person_b = enrol(event, "Bruno", "de Santis")
    cancelled = enrol(event, "Carlo", "Annullato")
    services.cancel(cancelled)
    event.capacity_in_person = 3
    db.session.commit()
    waiting = enrol(event, "Walter", "Attesa")
    assert waiting.status.value == "waiting"
    return {"event": event, "in_order": [person_a, person_b, person_c], "remote": [remote_a, remote_b],
            "waiting": waiting, "cancelled": cancelled}


def test_organiser_gets_the_in_person_badges_by_surname(client, auth, crowd, pdf_reader):
    auth.login()
    response = client.get(f"/gestione/eventi/{crowd['event'].id}/badge.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="badge-evento-{crowd["event"].id}-a6.pdf"')
    pages = pdf_reader.codes(response.data)
    assert [[code.text for code in page] for page in pages] == [[t] for t in tokens(crowd["in_order"])]
    text = " ".join(pdf_reader.text(response.data).split())
    assert "Niccolò D'Angelo" in text and "martedì 24 ottobre 2023, ore 15.00" in text
    assert "Walter" not in text and "Annullato" not in text
    assert "Zanardi" not in text and "remoto" not in text  # remote participants have no badge


def test_the_list_says_badges_are_for_in_person_participants(client, auth, crowd):
    auth.login()
    page = client.get(f"/gestione/eventi/{crowd['event'].id}/iscritti").get_data(as_text=True)
    assert "solo chi partecipa in presenza" in page.replace("&#39;", "'")


def test_a4_sheets(client, auth, crowd, pdf_reader):
    auth.login()
    url = f"/gestione/eventi/{crowd['event'].id}/badge.pdf"
    sheet = client.get(url + "?formato=a4")
    assert sheet.status_code == 200 and sheet.headers["Content-Type"] == "application/pdf"
    assert sheet.headers["Content-Disposition"].endswith('-a4.pdf"')
    pages = pdf_reader.codes(sheet.data)
    assert len(pages) == 1 and sorted(c.text for c in pages[0]) == sorted(tokens(crowd["in_order"]))


@pytest.mark.parametrize("query", ["?formato=a3", "?formato=A4x"])
def test_unknown_format_is_a_bad_request(client, auth, crowd, query):
    auth.login()
    response = client.get(f"/gestione/eventi/{crowd['event'].id}/badge.pdf{query}")
    assert response.status_code == 400


def test_one_persons_badge(client, auth, crowd, pdf_reader):
    auth.login()
    person = crowd["in_order"][0]
    response = client.get(f"/gestione/iscrizioni/{person.id}/badge.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="badge-niccolo-dangelo-evento-{crowd["event"].id}.pdf"')
    assert [[c.text for c in page] for page in pdf_reader.codes(response.data)] == [tokens([person])]
    assert "Niccolò D'Angelo" in pdf_reader.text(response.data)


def test_no_badge_for_waiting_or_cancelled_nor_for_an_event_without_confirmed(
        client, auth, crowd, open_event):
    auth.login()
    event = crowd["event"]
    for registration in (crowd["waiting"], crowd["cancelled"]):
        response = client.get(f"/gestione/iscrizioni/{registration.id}/badge.pdf")
        assert response.status_code == 302
        assert response.location.endswith(f"/gestione/eventi/{event.id}/iscritti")
    empty = open_event()
    services.register(empty, email="remoto@example.org", first_name="Rita", last_name="Remota",
                      mode=AttendanceMode.REMOTE, source="organiser")
    db.session.commit()
    response = client.get(f"/gestione/eventi/{empty.id}/badge.pdf", follow_redirects=True)
    assert response.request.path == f"/gestione/eventi/{empty.id}/iscritti"
    assert "Nessun iscritto confermato in presenza" in response.get_data(as_text=True)


def test_unknown_event_or_registration_is_not_found(client, auth, crowd):
    auth.login()
    assert client.get("/gestione/eventi/999999/badge.pdf").status_code == 404
    assert client.get("/gestione/iscrizioni/999999/badge.pdf").status_code == 404


@pytest.mark.parametrize("role,status", [("door_staff", 403), (None, 302), ("admin", 200)])
def test_badges_are_for_organisers_and_admins(client, auth, crowd, role, status):
    if role:
        auth.login(role)
    person = crowd["in_order"][0]
    for url in (f"/gestione/eventi/{crowd['event'].id}/badge.pdf",
                f"/gestione/iscrizioni/{person.id}/badge.pdf"):
        response = client.get(url)
        assert response.status_code == status
        if status == 302:
            assert "/accesso" in response.location
        if status == 200:
            assert response.headers["Content-Type"] == "application/pdf"
