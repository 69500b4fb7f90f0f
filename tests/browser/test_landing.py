"""Issue 14: the demo door staff log in and reach today's scanner in two taps, and a demo badge
scans OK through the fake camera; the organisers' dashboard; axe on the new and changed pages."""
import re

import pytest
from playwright.sync_api import expect

from fis_events.demo.loader import DEMO_PASSWORD, DOOR_STAFF_EMAIL, DOOR_TITLE
from fis_events.events.models import Event
from fis_events.extensions import db
from fis_events.registration.models import Registration, RegistrationStatus
from fis_events.registration.qr import qr_payload

pytestmark = pytest.mark.browser
SCAN_TIMEOUT = 15_000  # ms: camera start + decoding + the server's answer


def demo_badge(app):
    """The door event of today and the payload of one of its confirmed registrants' badges."""
    with app.app_context():
        event = db.session.scalars(db.select(Event).filter_by(title=DOOR_TITLE)).one()
        badge = db.session.scalars(db.select(Registration).filter_by(
            event_id=event.id, status=RegistrationStatus.CONFIRMED).order_by(Registration.id)).first()
        result = event.id, qr_payload(badge), badge.person.first_name
        db.session.remove()
    return result


def log_in(page, email, password):
    page.goto("/accesso")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Accedi").click()  # tap 1


def test_demo_door_staff_scan_a_demo_badge_in_two_taps(app, demo, camera, axe):
    event_id, payload, first_name = demo_badge(app)
    page = camera(payload).new_page()
    log_in(page, DOOR_STAFF_EMAIL, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/ingresso/$"))
    expect(page.get_by_role("link", name="Ingresso", exact=True)).to_be_visible()
    axe.assert_no_serious(page)
    page.locator("#today-events").get_by_role("link", name=DOOR_TITLE).click()  # tap 2
    expect(page).to_have_url(re.compile(rf"/ingresso/eventi/{event_id}$"))
    result = page.locator("#scan-result")
    expect(result).to_have_attribute("data-result", "ok", timeout=SCAN_TIMEOUT)
    expect(result).to_contain_text(first_name)
    axe.assert_no_serious(page)
    page.wait_for_load_state("networkidle")


def test_organisers_land_on_the_dashboard(page, demo, axe):
    log_in(page, "organizzatore@example.org", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/gestione/cruscotto$"))
    expect(page.locator(".door-count", has_text=DOOR_TITLE)).to_contain_text("0 entrati su 5 attesi")
    expect(page.locator(".coming-event", has_text=DOOR_TITLE)).to_contain_text("in presenza: 5 / 40")
    axe.assert_no_serious(page)
    page.get_by_role("link", name="Tutti gli eventi").click()
    expect(page).to_have_url(re.compile(r"/gestione/$"))
    page.wait_for_load_state("networkidle")
