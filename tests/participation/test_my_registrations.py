""""Le mie iscrizioni": an address asks, one e-mail goes to it, its signed link opens one page
with every registration of that address, and nothing tells a stranger who is registered."""
import re

import pytest

from fis_events.extensions import db, limiter
from fis_events.notify.models import OutboxMessage
from fis_events.notify.sender import send_due
from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.registration.models import AttendanceMode
from support import commit_test_work, csrf_from


@pytest.fixture
def anna(open_event, enrol):
    """Anna at two events, remote at the second; she attended the first."""
    first = open_event(title="Laboratorio di Bergamo")
    second = open_event(title="Webinar sul partenariato")
    at_first = enrol(first, "Anna", "Rossi", email="anna.rossi@example.org")
    enrol(second, "Anna", "Rossi", mode=AttendanceMode.REMOTE, email="anna.rossi@example.org")
    enrol(second, "Bruno", "Verdi", email="bruno@example.org")
    record_attendance(first, at_first.person, AttendanceMode.IN_PERSON, AttendanceSource.MANUAL,
                      registration=at_first)
    commit_test_work()
    return at_first


def ask(client, email):
    page = client.get("/le-mie-iscrizioni")
    return client.post("/le-mie-iscrizioni", data={"csrf_token": csrf_from(page), "email": email},
                       follow_redirects=True)


def inbox(app, smtp_server):
    """The "Le mie iscrizioni" e-mails the SMTP server got (the registrations' own aside)."""
    commit_test_work()
    send_due(app)
    return [m for m in smtp_server.messages if m["Subject"] == "Le tue iscrizioni agli eventi FIS"]


def link_in(message):
    text = message.get_body(("plain",)).get_content()
    found = re.search(r"http://\S+/le-mie-iscrizioni/(\S+)", text)
    return found.group(1) if found else None


def test_the_link_opens_every_registration_of_the_address(app, client, anna, smtp_server):
    answer = ask(client, "  Anna.Rossi@Example.org ")
    assert answer.status_code == 200
    [message] = inbox(app, smtp_server)
    assert message["To"] == "anna.rossi@example.org"
    token = link_in(message)
    page = client.get(f"/le-mie-iscrizioni/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 iscrizioni con l'indirizzo anna.rossi@example.org." in html
    assert "Laboratorio di Bergamo" in html and "Webinar sul partenariato" in html
    assert html.count('class="my-registration-qr"') == 2
    assert html.count("attestato.pdf") == 1  # only where she attended
    assert html.count("/j/") == 1  # the join link of the remote one
    assert "Bruno" not in html and "bruno@example.org" not in html
    # the links work: her QR code and calendar entry
    qr = re.search(r'src="(/iscrizione/[^"]+/qr\.svg)"', html).group(1)
    assert client.get(qr).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_one_e_mail_without_a_link(app, client, anna,
                                                                                smtp_server):
    known, unknown = ask(client, "anna.rossi@example.org"), ask(client, "nessuno@example.org")
    assert (known.status_code, known.get_data(as_text=True).count("Se a questo indirizzo")) == (
        unknown.status_code, unknown.get_data(as_text=True).count("Se a questo indirizzo")) == (200, 1)
    messages = inbox(app, smtp_server)
    assert sorted(m["To"] for m in messages) == ["anna.rossi@example.org", "nessuno@example.org"]
    [stranger] = [m for m in messages if m["To"] == "nessuno@example.org"]
    assert link_in(stranger) is None
    assert "non ne risulta nessuna" in stranger.get_body(("plain",)).get_content()


def test_a_bad_address_is_refused_and_nothing_is_sent(client, anna):
    response = client.post("/le-mie-iscrizioni", data={
        "csrf_token": csrf_from(client.get("/le-mie-iscrizioni")), "email": "anna@"})
    assert response.status_code == 422
    assert 'value="anna@"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).filter_by(
        kind="my_registrations")) == 0


def test_a_tampered_or_expired_link_opens_nothing(app, client, anna, smtp_server):
    ask(client, "anna.rossi@example.org")
    token = link_in(inbox(app, smtp_server)[0])
    payload, rest = token.split(".", 1)
    for forged in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" + token,
                   "Ym9ubm8uZXhhbXBsZS5vcmc." + rest):
        page = client.get(f"/le-mie-iscrizioni/{forged}")
        assert page.status_code == 404, forged
        assert "Laboratorio" not in page.get_data(as_text=True)
    saved = app.config["MY_REGISTRATIONS_MAX_AGE"]
    app.config["MY_REGISTRATIONS_MAX_AGE"] = -1
    try:
        page = client.get(f"/le-mie-iscrizioni/{token}")
    finally:
        app.config["MY_REGISTRATIONS_MAX_AGE"] = saved
    assert page.status_code == 410
    html = page.get_data(as_text=True)
    assert "scaduto" in html and "Laboratorio" not in html


def test_asking_is_rate_limited(app, client):
    saved = app.config["RATELIMIT_FORM"]
    app.config["RATELIMIT_FORM"] = "3 per minute"
    limiter.reset()
    try:
        token = csrf_from(client.get("/le-mie-iscrizioni"))
        statuses = [client.post("/le-mie-iscrizioni", data={"csrf_token": token,
                                                            "email": f"p{n}@example.org"}).status_code
                    for n in range(4)]
    finally:
        app.config["RATELIMIT_FORM"] = saved
        limiter.reset()
    assert statuses == [302, 302, 302, 429]
