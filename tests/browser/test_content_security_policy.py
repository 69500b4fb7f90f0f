"""The main pages in Chromium under the Content-Security-Policy: nothing refused, scripts run."""
import pytest
from playwright.sync_api import expect
from support import PASSWORD

from browser.test_scanner import (  # noqa: F401 (organiser is a fixture; camera is conftest's)
    make_event, open_scanner, organiser, settled)
from results.small import build_small

pytestmark = pytest.mark.browser


def watch(page):
    """Console errors and uncaught exceptions of the page, as they come."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def refused(problems):
    return [p for p in problems if "Content Security Policy" in p]


def test_public_pages_and_forms_run_under_the_policy(page, demo, open_event):
    problems = watch(page)
    event = open_event(title="Incontro aperto")
    for path in ("/", f"/eventi/{demo}", f"/eventi/{event.id}", f"/eventi/{event.id}/iscrizione",
                 "/accesso"):
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.evaluate("typeof window.bootstrap") == "object", path
    # The web fonts come from our stylesheet now that Bootstrap Italia may not inject one.
    assert page.evaluate("document.fonts.check('16px \"Titillium Web\"')")
    assert not refused(problems), problems


def test_results_dashboard_draws_its_charts_under_the_policy(page, app, auth, enrol):
    with app.test_request_context():
        build_small(enrol)
    problems = watch(page)
    page.goto("/accesso")
    page.fill("#email", auth.user("organiser"))
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto("/gestione/risultati/?programma=FIS")
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]'))
        .map(c => Chart.getChart(c) ? c.width : 0)""")
    assert len(drawn) == 4 and all(drawn), drawn
    assert not refused(problems), problems


def test_door_scanner_runs_under_the_policy(app, organiser, camera):  # noqa: F811
    event_id = make_event(app)
    page = camera(None).new_page()
    problems = watch(page)
    errors = open_scanner(page, event_id)
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-camera", "on")
    expect(scanner).to_have_attribute("data-offline-ready", "1")  # its service worker is in
    settled(page)
    assert not errors and not refused(problems), problems
