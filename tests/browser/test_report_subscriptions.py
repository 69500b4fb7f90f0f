"""Subscribing to a report from the results dashboard in Chromium, then finding it listed."""
import pytest

from fis_events.extensions import db
from fis_events.reports.models import ReportSubscription
from results.small import build_small
from support import log_in_browser

pytestmark = pytest.mark.browser


def test_subscribe_from_the_dashboard_and_see_it_listed(page, app, auth, enrol, axe):
    with app.test_request_context():
        build_small(enrol)
    log_in_browser(page, auth.user("organiser"))
    page.goto("/gestione/risultati/?programma=FIS")
    section = page.locator("section", has=page.get_by_role("heading", name="Eventi"))
    section.get_by_text("Ricevi per e-mail").click()  # the disclosure opens with the keyboard too
    section.get_by_label("Frequenza").select_option("monthly")
    section.get_by_label("Formato").select_option("csv")
    axe.assert_no_serious(page)
    section.get_by_role("button", name="Ricevi il report").click()
    assert page.url.endswith("/gestione/report/")
    assert page.get_by_role("status").or_(page.locator(".alert-success")).first.is_visible()
    row = page.get_by_role("row", name="Risultati e partecipazione: Eventi")
    assert "programma FIS" in row.inner_text() and "ore 07.00" in row.inner_text()
    assert row.get_by_label("Frequenza").input_value() == "monthly"
    axe.assert_no_serious(page)
    with app.app_context():
        (subscription,) = db.session.scalars(db.select(ReportSubscription)).all()
        assert (subscription.table, subscription.scope, subscription.file_format.value) == (
            "eventi", "programma=FIS", "csv")
    row.get_by_role("button", name="Sospendi").click()
    assert "sospeso" in page.get_by_role("row", name="Risultati e partecipazione: Eventi").inner_text()
    axe.assert_no_serious(page)


def test_a_refused_subscription_and_the_registration_list_form_are_accessible(page, app, auth,
                                                                              open_event, axe):
    event = open_event(title="Laboratorio di Genova")
    log_in_browser(page, auth.user("organiser"))
    page.goto(f"/gestione/eventi/{event.id}/iscritti")
    page.get_by_text("Ricevi per e-mail").click()
    axe.assert_no_serious(page)
    # a value no option offers (a tampered form): the answer names the field
    page.evaluate("""() => { const option = document.createElement('option');
        option.value = 'daily'; option.textContent = 'ogni giorno';
        const select = document.querySelector('.report-subscribe select[name=frequenza]');
        select.append(option); select.value = 'daily'; }""")
    page.get_by_role("button", name="Ricevi il report").click()
    assert page.get_by_text("Scegli ogni settimana oppure ogni mese.").is_visible()
    assert page.get_by_label("Frequenza").get_attribute("aria-invalid") == "true"
    axe.assert_no_serious(page)
    page.get_by_label("Frequenza").select_option("weekly")
    page.get_by_role("button", name="Ricevi il report").click()
    row = page.get_by_role("row", name="Elenco degli iscritti")
    assert "Laboratorio di Genova" in row.inner_text()
