"""An organiser writes the record of a support meeting in the browser, by keyboard: the
minutes, a decision, a next step (first with a due date before the meeting), someone excused;
axe-core on the page at each step."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.db_types import utcnow
from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.meetings.models import MeetingAbsence, NextStep
from fis_events.participation.models import Attendance
from fis_events.programme.models import OrganisationKind
from fis_events.programme.services import find_or_create_organisation
from support import PASSWORD, log_in_browser

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(open_event, enrol):
    create_user("organizzatrice@example.org", "Maria Rossi", PASSWORD, Role.ORGANISER)
    bergamo = find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    start = utcnow() - timedelta(minutes=30)
    event = open_event(title="Incontro di supporto - Comune di Bergamo", kind=EventKind.SUPPORT_MEETING,
                       starts_at=start, ends_at=start + timedelta(hours=2), invitation_only=True,
                       registration_closes_at=start - timedelta(minutes=1), beneficiaries=[bergamo])
    anna = enrol(event, "Anna", "Rossi", organisation="Comune di Bergamo").person_id
    bruno = enrol(event, "Bruno", "Verdi", organisation="Comune di Bergamo").person_id
    db.session.commit()
    return event, anna, bruno


def type_into(page, selector, text):
    """Focus a field with the keyboard's Tab order in mind and type, as a person would."""
    page.focus(selector)
    page.keyboard.type(text)


def test_an_organiser_writes_the_record_by_keyboard(page, meeting, axe):
    event, anna, bruno = meeting
    day = event.starts_at.astimezone(ROME).date()
    log_in_browser(page, "organizzatrice@example.org")
    page.goto(f"/gestione/eventi/{event.id}")
    page.get_by_role("link", name="Verbale", exact=True).click()
    expect(page.get_by_role("heading", name="Verbale dell'incontro")).to_be_visible()
    axe.assert_no_serious(page)

    # The minutes, saved with Enter on the button reached by Tab.
    type_into(page, "#minutes", "Il Comune presenta lo stato della sperimentazione.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Verbale salvato.")).to_be_visible()

    # A decision, submitted with Enter in its field.
    type_into(page, "#decision-text", "Avviare la co-progettazione con il terzo settore")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Decisione aggiunta.")).to_be_visible()
    expect(page.locator(".meeting-decision input[type=text]")).to_have_value(
        "Avviare la co-progettazione con il terzo settore")

    # A next step due the day before the meeting: refused beside the field, typed values kept.
    type_into(page, "#step-text", "Inviare la delibera di giunta")
    type_into(page, "#step-organisation", "Comune di Bergamo")
    page.fill("#step-due_on", (day - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Aggiungi il prossimo passo").press("Enter")
    expect(page.locator("#step-due_on-error")).to_contain_text("La scadenza non può precedere l'incontro")
    expect(page.locator("#step-text")).to_have_value("Inviare la delibera di giunta")
    expect(page.locator("#step-due_on")).to_have_attribute("aria-invalid", "true")
    assert db.session.scalars(db.select(NextStep)).all() == []
    axe.assert_no_serious(page)
    page.fill("#step-due_on", (day + timedelta(days=14)).isoformat())
    page.focus("#step-due_on")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Prossimo passo aggiunto.")).to_be_visible()
    expect(page.locator(".meeting-step")).to_contain_text("Responsabile: Comune di Bergamo")

    # Anna came, Bruno is excused: radio buttons chosen with the keyboard.
    page.focus(f"#outcome-p{anna}-absent")
    page.keyboard.press("ArrowLeft")  # to "Presente"
    expect(page.locator(f"#outcome-p{anna}-present")).to_be_checked()
    page.focus(f"#outcome-p{bruno}-absent")
    page.keyboard.press("ArrowRight")  # to "Assente giustificato"
    expect(page.locator(f"#outcome-p{bruno}-excused")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator(f"#justification-p{bruno}")).to_be_focused()
    page.keyboard.type("Consiglio comunale")
    page.get_by_role("button", name="Salva gli esiti").press("Enter")
    expect(page.get_by_text("Esiti salvati: 2 modifiche.")).to_be_visible()
    expect(page.locator(".outcome-counts")).to_have_text(
        "Presenti: 1 · Assenti giustificati: 1 · Assenti: 0")
    expect(page.locator(f"#justification-p{bruno}")).to_have_value("Consiglio comunale")
    axe.assert_no_serious(page)

    db.session.expire_all()
    assert [a.person_id for a in db.session.scalars(db.select(Attendance))] == [anna]
    [excused] = db.session.scalars(db.select(MeetingAbsence)).all()
    assert (excused.person_id, excused.justification) == (bruno, "Consiglio comunale")

    # Editing a next step opens with the keyboard too.
    page.locator(".meeting-step summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".meeting-step details")).to_have_attribute("open", "")
    axe.assert_no_serious(page)
