"""A participant registers in the browser, sees the QR code, then cancels from the manage link."""
import pytest
from playwright.sync_api import expect

from fis_events.events.models import Event
from fis_events.extensions import db

pytestmark = pytest.mark.browser


def test_register_see_qr_and_cancel(page, app, demo, axe):
    from fis_events.demo.loader import UPCOMING_TITLE

    with app.app_context():
        event_id = db.session.scalar(db.select(Event.id).filter_by(title=UPCOMING_TITLE))
        db.session.remove()
    page.goto(f"/eventi/{event_id}")
    page.get_by_role("link", name="Iscriviti").click()
    axe.assert_no_serious(page)

    page.get_by_label("Nome", exact=True).fill("Niccolò")
    page.get_by_label("Cognome").fill("D'Angelo")
    page.get_by_label("E-mail").fill("niccolo.dangelo@example.org")
    page.get_by_label("Ente o organizzazione").fill("Comune di Catanzaro")
    page.get_by_label("Ruolo").fill("Assessore alle Politiche Sociali")
    page.click("label[for=privacy_notice]")
    page.get_by_role("button", name="Iscriviti").click()

    # Missing mode choice? The event offers both: the form asks, keeping what was typed.
    expect(page.locator("#mode-error")).to_contain_text("Scegli come parteciperai")
    expect(page.get_by_label("Cognome")).to_have_value("D'Angelo")
    axe.assert_no_serious(page)
    expect(page.locator("#privacy_notice")).to_be_checked()
    page.click("label[for=mode-0]")
    page.get_by_role("button", name="Iscriviti").click()

    expect(page.get_by_text("Iscrizione confermata")).to_be_visible()
    expect(page.locator(".registration-status")).to_contain_text("Confermata")
    qr = page.locator("img.qr-code")
    expect(qr).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", qr.element_handle()) > 0
    axe.assert_no_serious(page)

    page.get_by_role("link", name="Annulla l'iscrizione").click()  # two steps: it asks first
    expect(page.get_by_role("heading", name="Annullare l'iscrizione?")).to_be_visible()
    axe.assert_no_serious(page)
    page.get_by_role("button", name="Sì, annulla l'iscrizione").click()
    expect(page.locator(".registration-status")).to_contain_text("Annullata")
    expect(page.get_by_role("link", name="Iscriviti di nuovo")).to_be_visible()
