"""An organiser reads an event's feedback results and the programme's feedback dashboard in
Chromium: charts drawn, each with its table, no console errors, accessible."""
import pytest
from support import log_in_browser

from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.programme.models import OrganisationKind

from feedback.answered import answer, held_event, programme, standard

pytestmark = pytest.mark.browser


def test_an_organiser_reads_the_feedback_results(page, app, auth, axe):
    with app.test_request_context():
        fis = programme()
        fis.publishes_feedback = True
        event = held_event("Incontro con il Comune di Bergamo", programme=fis, phase=fis.phases[0])
        answer(event, standard(4, 5, 4, will_apply="Il metodo di co-progettazione.", recommend=0)
               + standard(2, 4, 3, kind=OrganisationKind.TERZO_SETTORE, recommend=1), invited=9)
        answer(held_event("Webinar", days_ago=80, programme=fis, phase=fis.phases[1],
                          kind=EventKind.WEBINAR), standard(3), invited=8)
        db.session.commit()
        event_id = event.id
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_browser(page, auth.user("organiser"))

    page.goto(f"/gestione/eventi/{event_id}")
    page.get_by_role("link", name="Risultati del questionario").click()
    assert page.url.endswith(f"/gestione/eventi/{event_id}/questionario/risultati")
    assert page.get_by_text("66,7%").is_visible()
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]'))
        .map(c => { const chart = Chart.getChart(c); return chart ? chart.data.datasets[0].data : null; })""")
    assert drawn[0] == [0, 0, 0, 2, 4] and len(drawn) == 4  # satisfaction 1..5, then the others
    # every chart has its figures in a table right under it
    assert page.locator("figure.results-chart canvas + table, figure.results-chart div:has(canvas) + table").count() == 4
    assert page.get_by_text("Il metodo di co-progettazione.").count() == 4
    axe.assert_no_serious(page)

    page.goto("/gestione/risultati/")
    page.get_by_role("link", name="Gradimento degli incontri").click()
    assert "/gestione/risultati/gradimento" in page.url
    assert page.locator("canvas[data-chart]").count() == 2
    charts = page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]'))
        .map(c => Chart.getChart(c) ? Chart.getChart(c).config.type : null)""")
    assert charts == ["bar", "line"]
    assert page.locator("figure.results-chart table").count() == 2
    row = page.locator("#gradimento_fasi tbody tr").first
    assert row.locator("th").inner_text() == "Fase feasibility" and "4,7" in row.inner_text()
    axe.assert_no_serious(page)
    page.goto("/programmi/FIS/risultati")
    assert page.get_by_text("Soddisfazione media 4,4 su 5, 9 risposte").is_visible()
    axe.assert_no_serious(page)
    assert not errors, errors
