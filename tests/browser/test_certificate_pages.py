"""axe-core on the certificate pages: the public check page, its not-found page and refused
form, and the participant's page with the download link."""
import pytest

from fis_events.certificates import services
from fis_events.extensions import db
from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.registration.models import AttendanceMode
from support import rome

pytestmark = pytest.mark.browser


def test_certificate_pages_are_accessible(page, open_event, enrol, axe):
    event = open_event(title="Il Programma FIS e l'accompagnamento ai Comuni",
                       starts_at=rome(2023, 10, 24, 15), ends_at=rome(2023, 10, 24, 18),
                       venue="Magazzini del Cotone", city="Genova")
    registration = enrol(event, "Niccolò", "D'Angelo")
    record_attendance(event, registration.person, AttendanceMode.IN_PERSON,
                      AttendanceSource.QR_SCAN, registration=registration)
    db.session.commit()
    manage_token = registration.manage_token
    code = services.format_code(services.certificate_for_registration(registration).code)

    page.goto(f"/iscrizione/{manage_token}")
    assert page.get_by_role("link", name="Scarica l'attestato di partecipazione (PDF)").is_visible()
    axe.assert_no_serious(page)

    page.goto(f"/attestati/{code}")
    assert page.get_by_role("status").inner_text().startswith("Attestato valido")
    assert page.get_by_text("Niccolò D'Angelo").is_visible()
    axe.assert_no_serious(page)

    page.goto("/attestati/ZZZZ-ZZZZ-ZZZZ")
    assert page.get_by_role("heading", level=1).inner_text() == "Attestato non trovato"
    axe.assert_no_serious(page)

    # trying again from the form: a malformed code is refused beside the field, then the
    # real one (typed sloppily) leads to the check page
    field = page.get_by_label("Codice di verifica")
    field.fill("ABC-123")
    page.get_by_role("button", name="Verifica").click()
    assert page.get_by_text("Questo non è un codice di verifica").is_visible()
    axe.assert_no_serious(page)
    page.get_by_label("Codice di verifica").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Verifica").click()
    assert page.url.endswith(f"/attestati/{code}")
    assert page.get_by_text("Attestato valido").is_visible()
