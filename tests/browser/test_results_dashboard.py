"""The results dashboard in Chromium: charts drawn, no console errors, accessible."""
import pytest

from results.small import build_small

pytestmark = pytest.mark.browser


def test_dashboard_draws_its_charts_accessibly(page, app, auth, enrol, axe):
    with app.test_request_context():
        build_small(enrol)
    email = auth.user("organiser")
    errors = []
    page.on("console", lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accesso")
    page.fill("#email", email)
    page.fill("#password", "una-password-lunga")
    page.get_by_role("button", name="Accedi").click()
    page.goto("/gestione/risultati/?programma=FIS")
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() == 4
    # Chart.js has drawn: each canvas is registered as a chart with its data
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]'))
        .map(c => { const chart = Chart.getChart(c); return chart ? chart.data.datasets[0].data : null; })""")
    assert drawn[0] == [2, 3] and drawn[3] == [3, 2, 1]
    assert not errors, errors
    axe.assert_no_serious(page)
    page.get_by_role("link", name="3", exact=True).first.click()
    assert "/gestione/risultati/partecipanti" in page.url
    axe.assert_no_serious(page)
    page.goto("/programmi/FIS/risultati")
    axe.assert_no_serious(page)
    assert not errors, errors
    page.goto("/gestione/risultati/?dal=ieri")  # refused filter (422): the message is accessible
    axe.assert_no_serious(page)
