"""The participant's pages and the organisers' list, through the test client."""
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
import io

from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.notify.models import OutboxMessage
from fis_events.participation.models import Attendance, RemoteJoinClick
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode, Person, Registration, RegistrationStatus
from support import csrf_from


def form_data(token, **overrides):
    data = {"csrf_token": token, "first_name": "Niccolò", "last_name": "D'Angelo",
            "email": "niccolo@example.org", "organisation": "Comune di Catanzaro",
            "organisation_kind": "comune_capoluogo", "role": "Assessore", "mode": "in_person",
            "privacy_notice": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_register_confirm_and_manage(client, open_event):
    event = open_event()
    url = f"/eventi/{event.id}/iscrizione"
    page = client.get(url)
    html = page.get_data(as_text=True)
    for attr in ('autocomplete="given-name"', 'autocomplete="family-name"', 'autocomplete="email"',
                 'autocomplete="organization"'):
        assert attr in html
    assert 'name="photo_consent"' in html and 'checked' not in html.split('name="photo_consent"')[1][:40]
    response = client.post(url, data=form_data(csrf_from(page)))
    assert response.status_code == 302
    manage = client.get(response.location).get_data(as_text=True)
    assert "Niccolò D&#39;Angelo" in manage and "Confermata" in manage
    registration = db.session.scalars(db.select(Registration)).one()
    assert registration.person.full_name == "Niccolò D'Angelo"
    assert not registration.photo_consent and registration.privacy_notice_read_at
    # a new organisation waits for an organiser to classify it, with what the participant said
    organisation = registration.person.organisation
    assert (organisation.kind.value, organisation.declared_kind.value) == ("da_classificare",
                                                                           "comune_capoluogo")


def test_bad_input_keeps_what_was_typed_and_writes_nothing(client, open_event):
    event = open_event()
    url = f"/eventi/{event.id}/iscrizione"
    token = csrf_from(client.get(url))
    response = client.post(url, data=form_data(token, email="non-una-email", privacy_notice=None,
                                               organisation="Ente nuovo", organisation_kind=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Indirizzo e-mail non valido." in html
    assert "Per iscriverti conferma di aver letto l" in html
    assert 'value="Niccolò"' in html and 'value="D&#39;Angelo"' in html and 'value="non-una-email"' in html
    response = client.post(url, data=form_data(token, organisation="Ente nuovo", organisation_kind=""))
    assert "indica di che tipo è" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 0


def test_overlong_and_control_character_input_is_refused(client, open_event):
    event = open_event()
    url = f"/eventi/{event.id}/iscrizione"
    token = csrf_from(client.get(url))
    response = client.post(url, data=form_data(token, first_name="x" * 101))
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_full_mode_puts_people_on_the_waiting_list(client, open_event):
    event = open_event(capacity_in_person=0)
    url = f"/eventi/{event.id}/iscrizione"
    assert "posti esauriti" in client.get(url).get_data(as_text=True)
    response = client.post(url, data=form_data(csrf_from(client.get(url))), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "In lista d&#39;attesa" in html and "posizione 1" in html


def test_second_registration_with_same_email_resends_the_link(client, open_event):
    event = open_event()
    url = f"/eventi/{event.id}/iscrizione"
    client.post(url, data=form_data(csrf_from(client.get(url))))
    response = client.post(url, data=form_data(csrf_from(client.get(url)), email="NICCOLO@example.org"))
    assert "Sei già iscritto" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1
    assert db.session.scalars(db.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all() == \
        ["confirmed", "already_registered"]


def test_closed_registration_shows_why(client, open_event):
    start = utcnow() + timedelta(days=3)
    event = open_event(starts_at=start, ends_at=start + timedelta(hours=2),
                       registration_opens_at=utcnow() + timedelta(days=1))
    page = client.get(f"/eventi/{event.id}/iscrizione").get_data(as_text=True)
    assert "Le iscrizioni apriranno" in page and "<form method=\"post\" novalidate class=\"registration-form\">" not in page


def test_wrong_manage_link_gets_a_clear_page(client):
    response = client.get("/iscrizione/non-esiste")
    assert response.status_code == 404
    assert "Collegamento non valido" in response.get_data(as_text=True)


def test_qr_png_decodes_to_the_token_and_svg_is_served(client, open_event, app_ctx):
    registration, _ = services.register(open_event(), email="qr@example.org", first_name="Q",
                                        last_name="R", mode=AttendanceMode.IN_PERSON)
    png = client.get(f"/iscrizione/{registration.manage_token}/qr.png")
    assert png.headers["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert [d.text for d in decoded] == ["FISEV1:" + registration.qr_token]
    svg = client.get(f"/iscrizione/{registration.manage_token}/qr.svg")
    assert svg.headers["Content-Type"] == "image/svg+xml" and b"<svg" in svg.data
    assert registration.person.email.encode() not in png.data + svg.data


def test_manage_page_switch_mode_and_cancel(client, open_event):
    event = open_event()
    registration, _ = services.register(event, email="m@example.org", first_name="M", last_name="N",
                                        mode=AttendanceMode.IN_PERSON)
    url = f"/iscrizione/{registration.manage_token}"
    token = csrf_from(client.get(url))
    client.post(f"{url}/modalita", data={"csrf_token": token, "mode": "remote"})
    db.session.expire_all()
    assert registration.mode is AttendanceMode.REMOTE
    page = client.get(url).get_data(as_text=True)
    assert f"/j/{registration.join_token}" in page
    assert event.remote_url not in page  # the platform link only behind the personal join link
    ics = client.get(f"{url}/calendario.ics").get_data(as_text=True)
    assert event.remote_url in ics.replace("\r\n ", "")
    client.post(f"{url}/annulla", data={"csrf_token": token, "confirmed": "1"})
    db.session.expire_all()
    assert registration.status is RegistrationStatus.CANCELLED


def test_public_pages_never_show_the_meeting_link(client, open_event):
    event = open_event()
    for url in (f"/eventi/{event.id}", f"/eventi/{event.id}/iscrizione", f"/eventi/{event.id}/calendario.ics",
                "/calendario.ics", f"/api/v1/events/{event.id}"):
        assert event.remote_url not in client.get(url).get_data(as_text=True), url


def join_setup(open_event, mode=AttendanceMode.REMOTE):
    start = utcnow() - timedelta(minutes=5)
    event = open_event(starts_at=start, ends_at=start + timedelta(hours=2),
                       registration_closes_at=start - timedelta(minutes=1))
    registration, _ = services.register(event, email="r@example.org", first_name="R", last_name="M",
                                        mode=mode, source="organiser")
    return event, registration


def test_join_link_records_one_attendance_and_redirects(client, open_event):
    event, registration = join_setup(open_event)
    for _ in range(11):
        response = client.get(f"/j/{registration.join_token}")
        assert response.status_code == 302 and response.location == event.remote_url
    attendances = db.session.scalars(db.select(Attendance)).all()
    assert len(attendances) == 1 and attendances[0].source.value == "remote_join"
    clicks = db.session.scalars(db.select(RemoteJoinClick.counted)).all()
    assert len(clicks) == 11 and clicks.count(True) == 1


def test_join_link_refused_for_in_person_and_cancelled(client, open_event):
    event, registration = join_setup(open_event, mode=AttendanceMode.IN_PERSON)
    assert client.get(f"/j/{registration.join_token}").status_code == 403
    services.switch_mode(registration, AttendanceMode.REMOTE)
    services.cancel(registration)
    response = client.get(f"/j/{registration.join_token}")
    assert response.status_code == 403 and event.remote_url not in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0
    assert client.get("/j/sbagliato").status_code == 404


def test_join_link_before_the_event_counts_nothing(client, open_event):
    event = open_event()  # tomorrow
    registration, _ = services.register(event, email="r@example.org", first_name="R", last_name="M",
                                        mode=AttendanceMode.REMOTE)
    response = client.get(f"/j/{registration.join_token}")
    assert response.status_code == 200 and "non è ancora iniziato" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


@pytest.mark.parametrize("role,status", [("door_staff", 403), (None, 302), ("organiser", 200)])
def test_registration_list_is_for_organisers(client, auth, open_event, role, status):
    event = open_event()
    if role:
        auth.login(role)
    assert client.get(f"/gestione/eventi/{event.id}/iscritti").status_code == status


def test_organiser_registers_invites_and_messages(client, auth, open_event):
    event = open_event(invitation_only=True, capacity_in_person=1)
    auth.login()
    url = f"/gestione/eventi/{event.id}/iscritti"
    token = csrf_from(client.get(url))
    assert client.post(f"{url}/nuovo", data=form_data(token)).status_code == 302
    assert client.post(f"/gestione/eventi/{event.id}/inviti",
                       data={"csrf_token": token, "emails": "a@example.org; b@example.org\nnon valida"}
                       ).status_code == 422  # one bad address: nothing sent
    assert client.post(f"/gestione/eventi/{event.id}/inviti",
                       data={"csrf_token": token, "emails": "a@example.org; b@example.org"}).status_code == 302
    response = client.post(f"/gestione/eventi/{event.id}/messaggio",
                           data={"csrf_token": token, "subject": "Cambio sala", "body": "Sala B.",
                                 "include_waiting": "y"})
    assert response.status_code == 302
    kinds = db.session.scalars(db.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds.count("invitation") == 2 and kinds[0] == "confirmed" and len(kinds) == 4
    page = client.get(url).get_data(as_text=True)
    assert "Niccolò D&#39;Angelo" in page


def test_invitations_name_every_bad_address_and_skip_the_registered(client, auth, open_event):
    """Issue 12: the message named no address, and people already registered were invited."""
    from fis_events.registration.models import Invitation

    event = open_event(invitation_only=True)
    auth.login()
    url = f"/gestione/eventi/{event.id}/iscritti"
    token = csrf_from(client.get(url))
    assert client.post(f"{url}/nuovo", data=form_data(token)).status_code == 302  # niccolo@
    typed = "a@example.org; non valida\nanche@@questa, NICCOLO@example.org"
    response = client.post(f"/gestione/eventi/{event.id}/inviti", data={"csrf_token": token, "emails": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Indirizzi e-mail non validi: non, valida, anche@@questa." in html
    assert "a@example.org; non valida\nanche@@questa, NICCOLO@example.org</textarea>" in html
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0
    response = client.post(f"/gestione/eventi/{event.id}/inviti", follow_redirects=True,
                           data={"csrf_token": token, "emails": "a@example.org, NICCOLO@example.org"})
    html = response.get_data(as_text=True)
    assert "Inviti inviati: 1" in html and "Non invitati perché già iscritti: niccolo@example.org." in html
    assert db.session.scalars(db.select(Invitation.email)).all() == ["a@example.org"]


def test_cancelling_takes_two_steps(client, open_event):
    """Issue 12: one tap on a phone cancelled the registration."""
    event = open_event()
    registration, _ = services.register(event, email="m@example.org", first_name="M", last_name="N",
                                        mode=AttendanceMode.IN_PERSON)
    manage = f"/iscrizione/{registration.manage_token}"
    page = client.get(manage).get_data(as_text=True)
    assert f'href="{manage}/annulla"' in page and f'action="{manage}/annulla"' not in page
    token = csrf_from(client.get(manage))
    one_tap = client.post(f"{manage}/annulla", data={"csrf_token": token})  # the old button's post
    assert one_tap.status_code == 200 and "Annullare l'iscrizione?" in one_tap.get_data(as_text=True)
    db.session.expire_all()
    assert registration.status is RegistrationStatus.CONFIRMED
    confirm = client.get(f"{manage}/annulla")
    assert client.post(f"{manage}/annulla", data={"confirmed": "1"}).status_code == 400  # no CSRF
    db.session.expire_all()
    assert registration.status is RegistrationStatus.CONFIRMED
    response = client.post(f"{manage}/annulla", data={"csrf_token": csrf_from(confirm), "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert registration.status is RegistrationStatus.CANCELLED
