"""An organiser keeps the register of a support meeting and a municipality's programme stages,
in the browser, with axe-core on both pages."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.db_types import utcnow
from fis_events.events.models import EventKind
from fis_events.programme.services import find_or_create_organisation
from fis_events.extensions import db
from fis_events.participation.models import Attendance
from fis_events.programme.models import OrganisationKind, OrganisationStage, Programme
from fis_events.registration.models import AttendanceMode
from support import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(open_event, enrol):
    """A support meeting under way at the Comune di Bergamo, three people invited."""
    create_user("organizzatrice@example.org", "Maria Rossi", PASSWORD, Role.ORGANISER)
    db.session.add(Programme(code="FIS", name="FIS - Fondo Innovazione Sociale"))
    bergamo = find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    start = utcnow() - timedelta(minutes=30)
    event = open_event(title="Incontro di supporto - Comune di Bergamo", kind=EventKind.SUPPORT_MEETING,
                       starts_at=start, ends_at=start + timedelta(hours=2), invitation_only=True,
                       registration_closes_at=start - timedelta(minutes=1), beneficiaries=[bergamo])
    people = [enrol(event, first, last, organisation="Comune di Bergamo").person_id
              for first, last in (("Anna", "Rossi"), ("Bruno", "Verdi"), ("Carla", "Bianchi"))]
    db.session.commit()
    return event.id, bergamo.id, people


def test_register_a_meeting_and_a_stage(page, meeting, axe):
    event_id, bergamo_id, (anna, bruno, carla) = meeting
    page.goto("/accesso")
    page.fill("#email", "organizzatrice@example.org")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"/gestione/eventi/{event_id}")
    page.get_by_role("link", name="Presenze", exact=True).click()
    expect(page.get_by_role("heading", name="Presenze", exact=True)).to_be_visible()
    axe.assert_no_serious(page)

    # Anna and Bruno came, Bruno from home.
    page.click(f"label[for=present-{anna}]")
    page.click(f"label[for=present-{bruno}]")
    page.get_by_label("Modalità: Bruno Verdi").select_option("remote")
    page.get_by_role("button", name="Salva le presenze").click()
    expect(page.get_by_text("Presenze salvate. Aggiunte: 2; tolte: 0.")).to_be_visible()
    expect(page.locator(f"#present-{anna}")).to_be_checked()
    expect(page.locator(f"#present-{carla}")).not_to_be_checked()
    expect(page.get_by_text("Registrata dall'organizzatore")).to_have_count(2)

    # Someone who never registered, without an e-mail: first forgetting the surname.
    page.get_by_label("Nome", exact=True).fill("Niccolò")
    page.get_by_label("Ente o organizzazione").fill("Comune di Bergamo")
    page.get_by_label("Ruolo").fill("Assistente sociale")
    page.click("label[for=mode-0]")
    page.get_by_role("button", name="Aggiungi tra i presenti").click()
    expect(page.locator("#last_name-error")).to_contain_text("Campo obbligatorio.")
    expect(page.get_by_label("Nome", exact=True)).to_have_value("Niccolò")
    axe.assert_no_serious(page)
    page.get_by_label("Cognome").fill("D'Angelo")
    page.get_by_role("button", name="Aggiungi tra i presenti").click()
    expect(page.get_by_text("Niccolò D'Angelo è ora tra i presenti.")).to_be_visible()
    expect(page.locator(".register-unregistered")).to_contain_text("Niccolò D'Angelo")

    page.get_by_role("button", name="Segna come svolto").click()
    expect(page.get_by_text("Incontro segnato come svolto.")).to_be_visible()
    expect(page.locator(".held-status .badge")).to_have_text("Svolto")
    axe.assert_no_serious(page)
    page.get_by_role("navigation", name="Percorso").get_by_role("link", name="Incontro di supporto").click()
    expect(page.locator(".event-held")).to_have_text("Svolto")

    # The municipality's stage in the programme, from the organisations' list.
    page.goto("/gestione/")
    page.get_by_role("link", name="Organizzazioni e tappe del programma").click()
    axe.assert_no_serious(page)
    page.get_by_role("link", name="Comune di Bergamo").click()
    page.get_by_label("Tappa raggiunta").select_option("feasibility")
    page.fill("#reached_on", "2022-09-01")
    page.get_by_role("button", name="Registra la tappa").click()
    expect(page.locator("#stage-error")).to_contain_text("Registra prima la tappa precedente")
    axe.assert_no_serious(page)
    page.get_by_label("Tappa raggiunta").select_option("applied")
    page.fill("#reached_on", "2022-03-01")
    page.get_by_role("button", name="Registra la tappa").click()
    expect(page.get_by_text("Tappa registrata.")).to_be_visible()
    expect(page.locator(".current-stage")).to_contain_text("Candidatura all'avviso")
    axe.assert_no_serious(page)

    db.session.expire_all()
    modes = dict(db.session.execute(db.select(Attendance.person_id, Attendance.mode)).all())
    assert modes[anna] is AttendanceMode.IN_PERSON and modes[bruno] is AttendanceMode.REMOTE
    assert len(modes) == 3 and carla not in modes
    assert db.session.scalar(db.select(OrganisationStage.organisation_id)) == bergamo_id
