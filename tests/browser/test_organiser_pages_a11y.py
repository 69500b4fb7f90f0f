"""axe-core on the organisers' registration and attendance-report pages."""
import pytest

from fis_events.demo.loader import DEMO_PASSWORD, UPCOMING_TITLE
from fis_events.events.models import Event
from fis_events.extensions import db

pytestmark = pytest.mark.browser


def test_registration_list_and_report_upload_are_accessible(page, app, demo, axe):
    with app.app_context():
        event_id = db.session.scalar(db.select(Event.id).filter_by(title=UPCOMING_TITLE))
        db.session.remove()
    page.goto("/accesso")
    page.fill("#email", "organizzatore@example.org")
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"/gestione/eventi/{event_id}")
    page.get_by_role("link", name="Iscritti e inviti").click()
    axe.assert_no_serious(page)
    # a refused direct registration: errors beside the fields, still accessible
    page.get_by_role("button", name="Iscrivi", exact=True).click()
    axe.assert_no_serious(page)
    page.goto(f"/gestione/eventi/{event_id}")
    page.get_by_role("link", name="Report presenze da remoto").click()
    axe.assert_no_serious(page)
