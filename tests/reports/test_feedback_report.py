"""The feedback results as a report: the feedback dashboard's tables, by e-mail."""
import pytest

from fis_events.extensions import db
from fis_events.notify.sender import send_due
from fis_events.results.exports import FEEDBACK_BREAKDOWNS
from feedback.answered import answer, held_event, programme, standard
from reports.conftest import forget_outbox, make_due, subscriptions
from reports.test_sending import attachment, run, sheet_values


def answered_programme():
    fis = programme()
    first, second = fis.phases
    answer(held_event("Incontro", days_ago=200, programme=fis, phase=first), standard(6, 4, 5),
           invited=10)
    answer(held_event("Webinar", days_ago=20, programme=fis, phase=second), standard(3), invited=7)
    db.session.commit()


@pytest.mark.parametrize("table", ["gradimento", FEEDBACK_BREAKDOWNS[0][0]])
def test_the_feedback_results_arrive_as_the_dashboard_exports_them(app_ctx, client, auth, subscribe,
                                                                   runner, smtp_server, table):
    answered_programme()
    forget_outbox()
    auth.login("organiser")
    page = client.get("/gestione/risultati/gradimento?programma=FIS").get_data(as_text=True)
    assert f'name="report" value="gradimento">\n    <input type="hidden" name="tabella" value="{table}">' in page
    assert subscribe(report="gradimento", tabella=table, programma="FIS",
                     frequenza="monthly").status_code == 302
    make_due(subscriptions()[0])
    run(runner)
    assert send_due(app_ctx) == (1, 0)
    message = smtp_server.messages[0]
    assert message["Subject"].strip().startswith("Report: Risultati dei questionari: ")  # folded
    filename, _type, data = attachment(message)
    assert filename == f"fis-{table}.xlsx"
    assert sheet_values(data) == sheet_values(
        client.get(f"/gestione/risultati/{table}.xlsx?programma=FIS").data)
    assert len(sheet_values(data)) > 2


def test_a_feedback_table_is_not_a_participation_report(client, auth, subscribe, app_ctx):
    auth.login("organiser")
    response = subscribe(report="risultati", tabella="gradimento", frequenza="weekly")
    assert response.status_code == 422 and subscriptions() == []
