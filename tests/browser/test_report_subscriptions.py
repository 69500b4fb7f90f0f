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
