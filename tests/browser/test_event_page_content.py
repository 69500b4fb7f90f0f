"""The event page's own content in headless Chromium: the organiser fills in the public page's
fields, the public page shows them, and axe finds no serious or critical violation on either;
the page's JSON-LD is data the Content-Security-Policy lets through without complaint."""
import json

import pytest
from playwright.sync_api import expect

from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from support import PASSWORD, log_in_browser

pytestmark = pytest.mark.browser

FIELDS = {"#audience": "Funzionari dei servizi sociali dei Comuni.",
          "#costs": "Quota di iscrizione: 20 euro.", "#organised_by": "Formez PA",
          "#patronage": "ANCI", "#contact_email": "eventi@comune.esempio.it",
          "#contact_phone": "+39 06 1234567",
          "#more_info": "Il parcheggio più vicino è in piazza Dante."}


@pytest.fixture
def organiser(app):
    with app.app_context():
        create_user("redazione@example.org", "Lucia Neri", PASSWORD, Role.ORGANISER)
    return "redazione@example.org"


def test_organiser_fills_the_public_page(page, organiser, axe):
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    log_in_browser(page, organiser)
    page.get_by_role("link", name="Nuovo evento", exact=True).click()
    axe.assert_no_serious(page)
    page.fill("#title", "Laboratorio di coprogettazione")
    page.fill("#starts_at", "2031-03-11T10:00")
    page.fill("#ends_at", "2031-03-11T13:00")
    page.fill("#city", "Bergamo")
    for selector, value in FIELDS.items():
        page.fill(selector, value)
    page.fill("#contact_email", "eventi@")
    page.get_by_role("button", name="Salva").click()
    expect(page.locator("#contact_email-error")).to_contain_text("non valido")
    axe.assert_no_serious(page)
    page.fill("#contact_email", FIELDS["#contact_email"])
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Evento creato come bozza.")).to_be_visible()
    page.get_by_role("button", name="Pubblica").click()

    page.goto(page.url.replace("/gestione", ""))
    for heading in ("A chi è rivolto", "Costi", "Contatti", "Ulteriori informazioni"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("link", name="eventi@comune.esempio.it")).to_be_visible()
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Event" and data["isAccessibleForFree"] is False
    axe.assert_no_serious(page)
    assert refused == []
