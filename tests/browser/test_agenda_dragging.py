"""The agenda editor's items dragged into a new order, with the mouse and with the keyboard; the
order is saved (a reload shows it) and the ↑/↓ buttons follow."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind, Event, EventKind
from fis_events.db_types import utcnow
from fis_events.extensions import db
from support import PASSWORD, log_in_browser

pytestmark = pytest.mark.browser


@pytest.fixture
def agenda(app):
    with app.app_context():
        create_user("organizzatrice@example.org", "Maria Rossi", PASSWORD, Role.ORGANISER)
        start = utcnow() + timedelta(days=10)
        event = events.create_event(title="Laboratorio", kind=EventKind.WORKSHOP, starts_at=start,
                                    ends_at=start + timedelta(hours=3), offers_in_person=True)
        for title in ("Apertura", "Tavola rotonda", "Pausa", "Conclusioni"):
            events.add_agenda_item(event, title, AgendaItemKind.TALK)
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return event_id


def titles(page):
    return page.locator(".manage-agenda .item-title").all_inner_texts()


def stored(app, event_id):
    with app.app_context():
        order = [item.title for item in db.session.get(Event, event_id).agenda_items]
        db.session.remove()
    return order


def test_drag_with_the_mouse_and_with_the_keyboard(page, agenda, app, axe):
    log_in_browser(page, "organizzatrice@example.org")
    page.goto(f"/gestione/eventi/{agenda}")
    rows = page.locator(".manage-agenda > li")
    expect(page.locator(".drag-handle")).to_have_count(4)
    axe.assert_no_serious(page)

    # the mouse: "Conclusioni" dropped on the upper half of "Tavola rotonda"
    box = rows.nth(1).bounding_box()
    rows.nth(3).drag_to(rows.nth(1), target_position={"x": 10, "y": box["height"] * 0.25})
    expect(page.locator(".manage-agenda .item-title")).to_have_text(
        ["Apertura", "Conclusioni", "Tavola rotonda", "Pausa"])
    expect(page.locator("#move-status")).to_contain_text("Conclusioni: posizione 2 di 4")
    page.wait_for_load_state("networkidle")
    assert stored(app, agenda) == ["Apertura", "Conclusioni", "Tavola rotonda", "Pausa"]
    expect(page.get_by_role("button", name="Sposta su: Apertura")).to_be_disabled()
    expect(page.get_by_role("button", name="Sposta giù: Pausa")).to_be_disabled()

    # the keyboard: "Apertura" picked up, moved to the end, put down
    handle = page.get_by_role("button", name="Trascina per spostare: Apertura")
    handle.focus()
    page.keyboard.press("Space")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(page.locator(".manage-agenda .item-title")).to_have_text(
        ["Conclusioni", "Tavola rotonda", "Pausa", "Apertura"])
    expect(handle).to_be_focused()
    page.wait_for_load_state("networkidle")
    # Escape puts an item back where it was and saves nothing
    page.get_by_role("button", name="Trascina per spostare: Pausa").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Escape")
    expect(page.locator(".manage-agenda .item-title")).to_have_text(
        ["Conclusioni", "Tavola rotonda", "Pausa", "Apertura"])
    page.reload()
    assert titles(page) == ["Conclusioni", "Tavola rotonda", "Pausa", "Apertura"]
    assert stored(app, agenda) == titles(page)


def test_speakers_added_and_removed_on_the_agenda_page(page, agenda, app, axe):
    log_in_browser(page, "organizzatrice@example.org")
    page.goto(f"/gestione/eventi/{agenda}")
    row = page.locator(".manage-agenda > li").nth(1)
    row.locator("summary").click()
    row.get_by_label("Nome e cognome").fill("Giusy Pino")
    row.get_by_label("Ruolo").fill("Assessore alle Politiche Sociali")
    row.get_by_label("Ente").fill("Comune di Catanzaro")
    row.locator("label", has_text="In collegamento").click()
    row.get_by_role("button", name="Aggiungi relatore").click()
    expect(page.get_by_text("Relatore aggiunto.")).to_be_visible()
    assert f"/gestione/eventi/{agenda}#item-" in page.url  # back on the agenda, at the item
    speakers = page.locator(".manage-agenda > li").nth(1).locator(".item-speakers > li")
    expect(speakers).to_have_count(1)
    expect(speakers.first).to_contain_text("Giusy Pino, Assessore alle Politiche Sociali, Comune di Catanzaro")
    expect(speakers.first).to_contain_text("in collegamento")
    axe.assert_no_serious(page)
    speakers.first.get_by_role("button", name="togli").click()
    expect(page.get_by_text("Relatore tolto da questo punto.")).to_be_visible()
    expect(page.locator(".manage-agenda > li").nth(1).locator(".item-speakers > li")).to_have_count(0)
