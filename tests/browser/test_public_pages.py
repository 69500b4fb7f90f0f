"""The public pages in headless Chromium: language, assets served locally, accessibility, print."""
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

GENOVA = Path(__file__).resolve().parents[2] / "fis_events" / "demo" / "data" / "genova-2023.json"
GENOVA_TITLE = json.loads(GENOVA.read_text(encoding="utf-8"))["event"]["title"]
SITE = "Fondo Innovazione Sociale"
BOOTSTRAP_CSS = "/vendor/bootstrap-italia/css/bootstrap-italia.min.css"
FONTS = "/vendor/bootstrap-italia/fonts/"


@pytest.fixture
def traffic(page):
    """Every request and response the page makes, recorded from the start of the test."""
    log = {"requests": [], "responses": []}
    page.on("request", lambda request: log["requests"].append(request))
    page.on("response", lambda response: log["responses"].append(response))
    return log


def assert_only_local(traffic):
    hosts = {urlsplit(r.url).hostname for r in traffic["requests"]
             if urlsplit(r.url).scheme not in ("data", "blob")}
    assert hosts == {"127.0.0.1"}, [r.url for r in traffic["requests"]]


def assert_assets_local(page, traffic):
    """Bootstrap Italia's CSS and the fonts come from /vendor/ on our server, and are applied."""
    page.evaluate("document.fonts.ready.then(() => true)")
    responses = {urlsplit(r.url).path: r for r in traffic["responses"]}
    assert responses[BOOTSTRAP_CSS].status == 200
    assert page.evaluate(
        "href => [...document.styleSheets].some(s => s.href && new URL(s.href).pathname === href)",
        BOOTSTRAP_CSS)
    # Bootstrap Italia's styles are in effect: its header colour and its font.
    assert page.evaluate("getComputedStyle(document.querySelector('.it-header-slim-wrapper'))"
                         ".backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "Titillium Web" in page.evaluate("getComputedStyle(document.body).fontFamily")

    fonts = [r for r in traffic["responses"] if r.request.resource_type == "font"]
    assert fonts, "no font was requested"
    for font in fonts:
        assert urlsplit(font.url).path.startswith(FONTS), font.url
        assert font.status == 200, font.url
    assert page.evaluate("[...document.fonts].some(f => f.family.replace(/[\"']/g, '') === "
                         "'Titillium Web' && f.status === 'loaded')")
    assert page.evaluate("document.fonts.check('16px \"Titillium Web\"')")


def html_lang(page):
    return page.locator("html").get_attribute("lang")


def test_event_list(page, demo, axe, traffic):
    page.goto("/")

    assert html_lang(page) == "it"
    assert page.title() == f"Eventi · {SITE}"
    assert page.get_by_role("heading", level=1).inner_text() == "Eventi del programma FIS"
    assert_assets_local(page, traffic)
    axe.assert_no_serious(page)

    page.goto("/?quando=past")
    assert page.get_by_role("link", name=GENOVA_TITLE).is_visible()
    axe.assert_no_serious(page)
    assert_only_local(traffic)


def test_visitor_finds_genova_by_searching(page, demo, axe, traffic):
    page.goto("/")
    page.get_by_label("Cerca per titolo, descrizione, relatori, enti o città").fill("genova")
    page.get_by_role("button", name="Cerca", exact=True).click()
    page.wait_for_load_state()

    assert "q=genova" in page.url
    assert page.get_by_role("link", name=GENOVA_TITLE).is_visible()
    assert page.get_by_role("heading", name="Eventi passati").is_visible()
    assert "trovat" in page.get_by_role("status").inner_text()
    assert page.get_by_role("searchbox").input_value() == "genova"
    axe.assert_no_serious(page)

    page.get_by_label("Accesso").select_option("invito")
    page.get_by_role("button", name="Cerca", exact=True).click()
    page.wait_for_load_state()
    assert "accesso=invito" in page.url
    axe.assert_no_serious(page)
    assert_only_local(traffic)


def test_genova_event_page(page, demo, axe, traffic):
    page.goto("/?quando=past")
    page.get_by_role("link", name=GENOVA_TITLE).click()

    assert urlsplit(page.url).path == f"/eventi/{demo}"
    assert html_lang(page) == "it"
    assert page.title() == f"{GENOVA_TITLE} · {SITE}"
    assert page.get_by_role("heading", level=1).inner_text() == GENOVA_TITLE
    assert "martedì 24 ottobre 2023, ore 15.00" in page.locator(".event-facts").inner_text()
    assert page.locator(".agenda-item").count() == 4
    assert page.locator(".speaker-remote").count() == 1
    assert_assets_local(page, traffic)
    axe.assert_no_serious(page)
    page.screenshot(path="/tmp/genova.png", full_page=True)  # for people to look at
    assert_only_local(traffic)


def test_english_version(page, demo, axe, traffic):
    page.goto(f"/eventi/{demo}")
    page.get_by_role("link", name="ENG").click()
    page.wait_for_load_state()

    assert urlsplit(page.url).path == f"/eventi/{demo}"
    assert html_lang(page) == "en"
    assert GENOVA_TITLE in page.title()
    assert "Tuesday 24 October 2023" in page.locator(".event-facts").inner_text()
    assert page.get_by_role("link", name="ENG").get_attribute("aria-current") == "true"
    axe.assert_no_serious(page)

    page.goto("/")  # the choice is kept for the rest of the visit
    assert html_lang(page) == "en"
    axe.assert_no_serious(page)

    page.get_by_role("link", name="ITA").click()
    page.wait_for_load_state()
    assert html_lang(page) == "it"
    assert_only_local(traffic)


def test_printed_agenda(page, demo, traffic):
    page.emulate_media(media="print")
    page.goto(f"/eventi/{demo}/stampa")

    assert html_lang(page) == "it"
    assert page.locator("h1").inner_text() == GENOVA_TITLE
    agenda = page.locator("ol.agenda")
    assert agenda.is_visible()
    assert page.locator(".agenda-item").count() == 4
    for i in range(4):
        assert page.locator(".agenda-item").nth(i).is_visible()
    assert page.get_by_text("Giusy Pino").is_visible()
    for selector in ("header", "footer", "nav", ".btn", "form"):
        assert all(not el.is_visible() for el in page.locator(selector).all()), selector
    assert page.locator(".print-footer").is_visible()  # the page's address, on paper
    assert page.pdf()[:4] == b"%PDF"  # it really prints
    assert_only_local(traffic)


def test_event_page_prints_without_site_chrome(page, demo):
    """Printing the event page itself also hides the site header, footer and buttons."""
    page.goto(f"/eventi/{demo}")
    assert page.locator("header.it-header-wrapper").is_visible()
    assert page.locator("footer.it-footer").is_visible()

    page.emulate_media(media="print")
    assert page.locator("ol.agenda").is_visible()
    assert page.locator("h1").is_visible()
    assert page.locator("header.it-header-wrapper").is_hidden()
    assert page.locator("footer.it-footer").is_hidden()
    assert page.get_by_role("link", name="Aggiungi al calendario").is_hidden()


def test_paginated_list(page, app, make_event, axe, traffic):
    """More events than fit on a page: the pages' links work and stay accessible."""
    from datetime import timedelta

    from fis_events.events import services as events

    first = make_event(title="Evento 01")
    events.publish_event(first)
    for n in range(2, 26):
        event = make_event(title=f"Evento {n:02d}", starts_at=first.starts_at + timedelta(days=n),
                           ends_at=first.ends_at + timedelta(days=n))
        events.publish_event(event)

    page.goto("/")
    cards = page.locator(".event-card")
    assert cards.count() < 25
    assert page.get_by_role("link", name="Evento 01").is_visible()
    axe.assert_no_serious(page)

    page.get_by_role("navigation", name="Pagine dei risultati").get_by_role("link", name="2").click()
    page.wait_for_load_state()
    assert "pagina=2" in page.url
    assert page.get_by_role("link", name="Evento 25").is_visible()
    assert not page.get_by_role("link", name="Evento 01").count()
    axe.assert_no_serious(page)
    assert_only_local(traffic)
