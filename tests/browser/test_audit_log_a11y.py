"""axe-core on the admins' audit log: the list, and a refused filter."""
import pytest

from fis_events.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_audit_log_is_accessible(page, demo, axe):
    page.goto("/accesso")
    page.fill("#email", "admin@example.org")
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("link", name="Tutti gli eventi").click()  # from the dashboard
    page.get_by_role("link", name="Registro delle attività").click()
    assert page.get_by_role("table").count() == 1
    axe.assert_no_serious(page)
    page.fill("#f-evento", "dodici")
    page.get_by_role("button", name="Applica i filtri").click()
    assert page.get_by_role("alert").first.is_visible()
    axe.assert_no_serious(page)
