"""An organiser attaches slides to an agenda item in the browser; a visitor downloads them from
the event page."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind, EventKind
from fis_events.extensions import db
from support import PASSWORD, log_in_browser

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.7\n% le slide\n" + b"0" * 500


@pytest.fixture
def event_id(app):
    with app.app_context():
        create_user("organizzatrice@example.org", "Maria Rossi", PASSWORD, Role.ORGANISER)
        start = utcnow() + timedelta(days=10)
        event = events.create_event(title="Laboratorio", kind=EventKind.WORKSHOP, starts_at=start,
                                    ends_at=start + timedelta(hours=3), offers_in_person=True)
        events.add_agenda_item(event, "Il percorso dei Comuni", AgendaItemKind.TALK)
        events.publish_event(event)
        db.session.commit()
        found = event.id
        db.session.remove()
    return found


def test_slides_attached_and_downloaded(page, app, event_id, axe, tmp_path):
    slides = tmp_path / "slide-intervento.pdf"
    slides.write_bytes(PDF)
    log_in_browser(page, "organizzatrice@example.org")
    page.goto(f"/gestione/eventi/{event_id}")
    page.get_by_role("link", name="Materiali", exact=True).click()
    axe.assert_no_serious(page)
    page.fill("#title", "Le slide dell'intervento")
    page.set_input_files("#upload", str(slides))
    page.select_option("#agenda_item", label="Il percorso dei Comuni")
    page.get_by_role("button", name="Aggiungi", exact=True).click()
    expect(page.get_by_text("Materiale aggiunto.")).to_be_visible()
    axe.assert_no_serious(page)

    page.context.clear_cookies()
    page.goto(f"/eventi/{event_id}")
    item = page.locator(".agenda-item").first
    link = item.get_by_role("link", name="Le slide dell'intervento")
    expect(link).to_be_visible()
    axe.assert_no_serious(page)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "slide-intervento.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF
