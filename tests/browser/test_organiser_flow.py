"""An organiser builds a small agenda in the browser, publishes it and reads it back."""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.events.models import Event
from fis_events.extensions import db
from support import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(app):
    with app.app_context():
        create_user("organizzatrice@example.org", "Maria Rossi", PASSWORD, Role.ORGANISER)
    return "organizzatrice@example.org"


def titles(page):
    return page.locator(".manage-agenda .item-title").all_inner_texts()


def test_build_publish_and_read_an_agenda(page, organiser, app, axe):
    day = (date.today() + timedelta(days=30)).isoformat()
    page.goto("/accesso")
    page.fill("#email", organiser)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Cruscotto")).to_be_visible()  # where organisers land
    page.get_by_role("link", name="Tutti gli eventi").click()
    expect(page.get_by_role("heading", name="Gestione eventi")).to_be_visible()

    page.get_by_role("link", name="Nuovo evento", exact=True).click()
    page.fill("#title", "Laboratorio sull'innovazione sociale")
    page.select_option("#kind", "workshop")
    page.fill("#starts_at", f"{day}T10:00")
    page.fill("#ends_at", f"{day}T13:00")
    page.fill("#city", "Napoli")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Evento creato come bozza.")).to_be_visible()
    axe.assert_no_serious(page)

    for title, start in (("Apertura dei lavori", "10:00"), ("Tavola rotonda", ""), ("Conclusioni", "12:30")):
        page.fill("#title", title)
        if start:
            page.fill("#start_time", start)
        page.get_by_role("button", name="Aggiungi punto").click()
        expect(page.get_by_text("Punto aggiunto al programma.")).to_be_visible()
    assert titles(page) == ["Apertura dei lavori", "Tavola rotonda", "Conclusioni"]

    # Out-of-span time: refused with an Italian message, the typed title kept.
    page.fill("#title", "Colazione")
    page.fill("#start_time", "08:00")
    page.get_by_role("button", name="Aggiungi punto").click()
    expect(page.locator("#start_time-error")).to_contain_text("compreso nella durata dell'evento")
    expect(page.locator("#title")).to_have_value("Colazione")

    # Reorder in place: no page load (a marker set on the window survives).
    page.get_by_role("navigation", name="Percorso").get_by_role("link", name="Gestione eventi").click()
    page.get_by_role("link", name="Laboratorio sull'innovazione sociale").click()
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Sposta su: Conclusioni").click()
    expect(page.locator(".manage-agenda .item-title").nth(1)).to_have_text("Conclusioni")
    page.get_by_role("button", name="Sposta giù: Conclusioni").click()
    expect(page.locator(".manage-agenda .item-title").nth(2)).to_have_text("Conclusioni")
    assert page.evaluate("window.__noReload") is True
    expect(page.get_by_role("button", name="Sposta giù: Conclusioni")).to_be_disabled()

    # A remote speaker on the panel.
    page.get_by_role("link", name=re.compile(r"^Modifica e relatori\W+Tavola rotonda$")).click()
    page.fill("#name", "Giusy Pino")
    page.fill("#role", "Assessore alle Politiche Sociali")
    page.fill("#organisation", "Comune di Catanzaro")
    page.click("label[for=remote]")  # Bootstrap Italia draws the box on the label
    expect(page.locator("#remote")).to_be_checked()
    page.get_by_role("button", name="Aggiungi relatore").click()
    expect(page.get_by_text("Relatore aggiunto.")).to_be_visible()
    axe.assert_no_serious(page)
    page.get_by_role("link", name="Torna al programma").click()

    page.get_by_role("button", name="Pubblica").click()
    expect(page.get_by_text("Evento pubblicato.")).to_be_visible()
    page.get_by_role("link", name="Pagina pubblica").click()

    expect(page.locator("h1")).to_have_text("Laboratorio sull'innovazione sociale")
    items = page.locator(".agenda-item")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("ore 10.00")
    expect(items.nth(0)).to_contain_text("Apertura dei lavori")
    expect(items.nth(1)).to_contain_text(
        "Giusy Pino, Assessore alle Politiche Sociali, Comune di Catanzaro")
    expect(items.nth(1).locator(".speaker-remote")).to_have_text("in collegamento")
    expect(items.nth(2)).to_contain_text("ore 12.30")
    axe.assert_no_serious(page)

    with app.app_context():
        event = db.session.scalar(db.select(Event).filter_by(title="Laboratorio sull'innovazione sociale"))
        assert event.status.value == "published"
        assert [i.title for i in event.agenda_items] == ["Apertura dei lavori", "Tavola rotonda", "Conclusioni"]
        db.session.remove()
