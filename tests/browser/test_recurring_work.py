"""An organiser's recurring work in the browser: paste an agenda and fix it in the preview, drag
an item to a new place, make a monthly series, copy an event, save a template; the public page
shows the result, and axe finds no serious or critical violation on the new pages."""
import pytest
from playwright.sync_api import expect

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.events.models import Event, EventSeries
from fis_events.extensions import db
from support import PASSWORD, log_in_browser

pytestmark = pytest.mark.browser

AGENDA = """ore 10.00 Accoglienza e registrazione
ore 10.30 - 11.30 Il percorso dei Comuni
Intervengono: Anna Bianchi e Carla Verdi, Formez (in collegamento)
ore 11.30 Domande e conclusioni
"""


@pytest.fixture
def organiser(app):
    with app.app_context():
        create_user("organizzatrice@example.org", "Maria Rossi", PASSWORD, Role.ORGANISER)
    return "organizzatrice@example.org"


def test_copy_series_paste_and_template(page, organiser, app, axe):
    log_in_browser(page, organiser)
    page.get_by_role("link", name="Tutti gli eventi").click()  # from the dashboard
    expect(page.get_by_role("heading", name="Gestione eventi")).to_be_visible()
    page.get_by_role("link", name="Nuovo evento", exact=True).click()
    page.fill("#title", "Incontro di supporto")
    page.select_option("#kind", "support_meeting")
    page.fill("#starts_at", "2031-03-11T10:00")  # the second Tuesday of March 2031
    page.fill("#ends_at", "2031-03-11T12:30")
    page.fill("#city", "Bergamo")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Evento creato come bozza.")).to_be_visible()

    # paste the agenda, fix one item in the preview, confirm
    page.get_by_role("link", name="Incolla il programma").click()
    axe.assert_no_serious(page)
    page.fill("#text", AGENDA)
    page.get_by_role("button", name="Mostra l'anteprima").click()
    expect(page.get_by_text("3 punti riconosciuti")).to_be_visible()
    axe.assert_no_serious(page)
    page.fill("#items-2-title", "Conclusioni")
    page.select_option("#items-2-kind", "conclusions")
    page.get_by_role("button", name="Conferma e scrivi il programma").click()
    expect(page.get_by_text("Programma importato: 3 punti, 2 relatori.")).to_be_visible()
    expect(page.locator(".manage-agenda .item-title")).to_have_text(
        ["Accoglienza e registrazione", "Il percorso dei Comuni", "Conclusioni"])
    # drag the conclusions above the talk
    rows = page.locator(".manage-agenda > li")
    rows.nth(2).drag_to(rows.nth(1), target_position={"x": 10, "y": 5})
    expect(page.locator(".manage-agenda .item-title")).to_have_text(
        ["Accoglienza e registrazione", "Conclusioni", "Il percorso dei Comuni"])
    page.wait_for_load_state("networkidle")
    page.reload()
    expect(page.locator(".manage-agenda .item-title")).to_have_text(
        ["Accoglienza e registrazione", "Conclusioni", "Il percorso dei Comuni"])
    page.get_by_role("button", name="Pubblica").click()
    expect(page.get_by_text("Evento pubblicato.")).to_be_visible()

    # a monthly series on the second Tuesday: preview, then create
    page.get_by_role("link", name="Crea una serie").click()
    axe.assert_no_serious(page)
    page.fill("#count", "3")
    page.get_by_role("button", name="Mostra le date").click()
    expect(page.get_by_text("martedì 8 aprile 2031, ore 10.00")).to_be_visible()
    axe.assert_no_serious(page)
    page.get_by_role("button", name="Crea la serie").click()
    expect(page.get_by_text("Serie creata: 2 incontri in più.")).to_be_visible()
    expect(page.get_by_text("ogni mese, il secondo martedì del mese, 3 incontri")).to_be_visible()
    axe.assert_no_serious(page)

    # copy the first meeting to another day
    page.get_by_role("link", name="Incontro di supporto", exact=True).click()
    page.get_by_role("link", name="Copia evento").click()
    axe.assert_no_serious(page)
    page.fill("#title", "Incontro straordinario")
    page.fill("#starts_at", "2031-06-20T15:00")
    page.fill("#ends_at", "2031-06-20T17:30")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Copia creata come bozza")).to_be_visible()
    expect(page.locator(".manage-agenda .item-title")).to_have_count(3)

    # and keep it as a template
    page.get_by_role("button", name="Salva come modello").click()
    expect(page.get_by_text("Modello «Incontro straordinario» salvato")).to_be_visible()
    axe.assert_no_serious(page)

    # the second meeting of the series, as the public sees it
    with app.app_context():
        series = db.session.scalars(db.select(EventSeries)).one()
        second = series.events[1].id
        assert db.session.scalar(db.select(db.func.count(Event.id))) == 4
        db.session.remove()
    page.goto(f"/eventi/{second}")
    expect(page.locator("h1")).to_have_text("Incontro di supporto n. 2")
    items = page.locator(".agenda-item")
    expect(items).to_have_count(3)
    expect(items.nth(1)).to_contain_text("Conclusioni")
    expect(items.nth(2)).to_contain_text("ore 10.30")
    expect(items.nth(2)).to_contain_text("Anna Bianchi")
    expect(items.nth(2).locator(".speaker-remote").first).to_have_text("in collegamento")
    axe.assert_no_serious(page)
