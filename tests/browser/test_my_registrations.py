"""A participant with two registrations asks for "Le mie iscrizioni", gets the e-mail at the
real SMTP server, opens its link and sees both, with their QR codes."""
import re

import pytest
from playwright.sync_api import expect

from fis_events.extensions import db
from fis_events.notify.sender import send_due
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode
from notify.conftest import smtp_server  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def two_registrations(app, make_event):
    from fis_events.events import services as events
    from support import commit_test_work

    for title in ("Laboratorio di Bergamo", "Webinar sul partenariato"):
        event = make_event(title=title, offers_remote=True, remote_url="https://meet.example.org/x")
        events.publish_event(event)
        registrations.register(event, email="anna.rossi@example.org", first_name="Anna",
                               last_name="Rossi", mode=AttendanceMode.IN_PERSON, source="organiser")
    commit_test_work()


def test_two_registrations_on_one_page(page, app, two_registrations, smtp_server, axe):  # noqa: F811
    page.goto("/")
    page.get_by_role("link", name="Le mie iscrizioni").click()
    axe.assert_no_serious(page)
    page.get_by_label("Il tuo indirizzo e-mail").fill("anna.rossi@example.org")
    page.get_by_role("button", name="Mandami il collegamento").click()
    expect(page.get_by_text("Se a questo indirizzo risultano iscrizioni")).to_be_visible()
    with app.app_context():
        send_due(app)
        db.session.remove()
    [message] = [m for m in smtp_server.messages if m["Subject"] == "Le tue iscrizioni agli eventi FIS"]
    text = message.get_body(("plain",)).get_content()
    page.goto(re.search(r"https?://[^/\s]+(/le-mie-iscrizioni/\S+)", text).group(1))
    cards = page.locator(".my-registrations > li")
    expect(cards).to_have_count(2)
    expect(page.get_by_role("link", name="Laboratorio di Bergamo", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Webinar sul partenariato", exact=True)).to_be_visible()
    expect(page.locator("img.my-registration-qr").first).to_be_visible()
    axe.assert_no_serious(page)
