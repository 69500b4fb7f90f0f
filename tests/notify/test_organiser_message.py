"""The organiser's message to everyone registered: who gets it, what it says, what is refused."""
import pytest

from fis_events.errors import DomainError
from fis_events.extensions import db
from fis_events.registration.messages import message_registrants
from fis_events.notify.models import OutboxMessage
from fis_events.notify.sender import send_due
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode, RegistrationStatus

IN_PERSON, REMOTE = AttendanceMode.IN_PERSON, AttendanceMode.REMOTE
BODY = "Buongiorno,\nl'incontro si terrà nella <b>Sala 2</b> & non in Sala 1.\n\nA presto,\nFormez"


def register(event, name, mode=IN_PERSON):
    registration, _outcome = services.register(
        event, email=f"{name}@example.org", first_name=name.title(), last_name="Rossi", mode=mode)
    return registration


def messages():
    return db.session.scalars(db.select(OutboxMessage).filter_by(kind="organiser_message")
                              .order_by(OutboxMessage.id)).all()


@pytest.fixture
def registrants(open_event):
    event = open_event(title="Laboratorio", capacity_in_person=1)
    people = {"anna": register(event, "anna"), "bruno": register(event, "bruno"),
              "carla": register(event, "carla", REMOTE)}
    services.cancel(register(event, "dario", REMOTE))
    assert people["bruno"].status is RegistrationStatus.WAITING
    return event, people


def test_one_message_per_confirmed_and_waiting_registrant(registrants):
    event, people = registrants
    assert message_registrants(event, "Cambio di sala", BODY) == 3
    rows = messages()
    assert [r.to_address for r in rows] == ["anna@example.org", "bruno@example.org",
                                            "carla@example.org"]
    for row, registration in zip(rows, people.values()):
        assert row.subject == "Cambio di sala"
        assert row.registration_id == registration.id
        assert row.text_body.startswith(BODY + "\n\n-- \n")
        assert f"/iscrizione/{registration.manage_token}" in row.text_body
        assert f"/iscrizione/{registration.manage_token}" in row.html_body
        assert row.attachments == []
    html = rows[0].html_body
    assert "&lt;b&gt;Sala 2&lt;/b&gt; &amp; non in Sala 1." in html
    assert "<p>Buongiorno,<br>\nl&#39;incontro" in html
    assert "<p>A presto,<br>\nFormez</p>" in html
    assert "<b>" not in html


def test_only_the_statuses_asked_for(registrants):
    event, _people = registrants
    assert message_registrants(event, "Solo confermati", "Testo",
                               statuses=(RegistrationStatus.CONFIRMED,)) == 2
    assert [r.to_address for r in messages()] == ["anna@example.org", "carla@example.org"]


def test_nobody_registered_means_nothing_queued(open_event):
    assert message_registrants(open_event(), "Oggetto", "Testo") == 0
    assert messages() == []


@pytest.mark.parametrize("subject, body, field, text", [
    ("", "Testo", "subject", "Scrivi l'oggetto del messaggio."),
    ("  \n ", "Testo", "subject", "Scrivi l'oggetto del messaggio."),
    ("x" * 201, "Testo", "subject", "L'oggetto può avere al massimo 200 caratteri."),
    ("Oggetto", "", "body", "Scrivi il testo del messaggio."),
    ("Oggetto", " \r\n\t ", "body", "Scrivi il testo del messaggio."),
    ("Oggetto", "x" * 10_001, "body", "Il testo può avere al massimo 10000 caratteri."),
    (None, None, "subject", "Scrivi l'oggetto del messaggio."),
])
def test_subject_and_body_are_required_and_bounded(registrants, subject, body, field, text):
    event, _people = registrants
    with pytest.raises(DomainError) as error:
        message_registrants(event, subject, body)
    assert error.value.field == field and error.value.message == text
    assert messages() == []


def test_limits_are_inclusive_and_the_subject_is_one_line(registrants):
    event, _people = registrants
    assert message_registrants(event, "Riga uno\r\nriga  due" + "x" * 180, "y" * 10_000) == 3
    assert messages()[0].subject == "Riga uno riga due" + "x" * 180


def test_fixed_parts_follow_the_events_language(open_event):
    event = open_event(language="en")
    register(event, "anna")
    message_registrants(event, "Room change", "Room 2")
    assert '<html lang="en">' in messages()[0].html_body


def test_delivered_as_text_and_html(app, registrants, smtp_server):
    event, _people = registrants
    message_registrants(event, "Cambio di sala", BODY)
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.kind != "organiser_message")
                       .values(status="sent"))
    db.session.commit()
    assert send_due(app) == (3, 0)
    received = smtp_server.messages
    assert {m["To"] for m in received} == {"anna@example.org", "bruno@example.org",
                                           "carla@example.org"}
    message = received[0]
    assert message["Subject"] == "Cambio di sala"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith(BODY + "\n\n-- \n")
    assert "&lt;b&gt;Sala 2&lt;/b&gt;" in message.get_body(("html",)).get_content()
