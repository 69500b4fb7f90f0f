"""`flask reports send`: each due report once through the real SMTP server, with a file equal to
the dashboard's export; again in the same period nothing; the next period again."""
import io
import threading

from openpyxl import load_workbook

from fis_events.accounts.models import Role, User
from fis_events.audit.services import describe
from fis_events.audit_record import AuditEntry
from fis_events.extensions import db
from fis_events.notify.models import OutboxMessage
from fis_events.notify.sender import send_due
from fis_events.reports import services
from fis_events.reports.cli import reports_cli
from fis_events.unit_of_work import unit_of_work
from reports.conftest import as_cron, forget_outbox, make_due, subscriptions

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def run(runner):
    result = as_cron(runner.invoke, reports_cli, ["send"])
    assert result.exit_code == 0, result.output
    return result.output


def sheet_values(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def attachment(message):
    (part,) = list(message.iter_attachments())
    return part.get_filename(), part.get_content_type(), part.get_payload(decode=True)


def test_a_due_report_is_delivered_once_with_the_dashboard_table(app, client, auth, small,
                                                                  subscribe, runner, smtp_server):
    forget_outbox()
    auth.login("organiser")
    assert subscribe(report="risultati", tabella="eventi", programma="FIS", frequenza="weekly",
                     formato="xlsx").status_code == 302
    (subscription,) = subscriptions()
    make_due(subscription, days_ago=7)
    assert "reports queued: 1, failed: 0, disabled: 0" in run(runner)
    assert send_due(app) == (1, 0)
    (message,) = smtp_server.messages
    assert message["To"] == "organiser@example.org"
    assert message["Subject"].startswith("Report: Risultati e partecipazione: Eventi (settimana ")
    body = message.get_body(("plain",)).get_content()
    assert "Ambito: programma FIS" in body and "http://" in body and "/gestione/report/" in body
    filename, content_type, data = attachment(message)
    assert (filename, content_type) == ("fis-eventi.xlsx", XLSX)
    dashboard = client.get("/gestione/risultati/eventi.xlsx?programma=FIS").data
    rows = sheet_values(data)
    assert rows == sheet_values(dashboard)
    assert rows[0][:2] == ["Data", "Evento"] and len(rows) > 2

    assert "reports queued: 0" in run(runner)  # the same period: nothing more
    assert send_due(app) == (0, 0) and len(smtp_server.messages) == 1

    (subscription,) = subscriptions()
    assert subscription.next_due_at.astimezone(services.ROME).weekday() == 0  # a Monday
    assert subscription.next_due_at.astimezone(services.ROME).hour == 7
    make_due(subscription)  # a week later
    assert "reports queued: 1" in run(runner)
    assert send_due(app) == (1, 0) and len(smtp_server.messages) == 2
    run(runner)  # counts the delivery
    (subscription,) = subscriptions()
    assert subscription.last_sent_at is not None and subscription.failures == 0
    page = client.get("/gestione/report/").get_data(as_text=True)
    assert "nessuno" not in page


def test_csv_option_sends_the_dashboards_csv(app, client, auth, small, subscribe, runner,
                                            smtp_server):
    forget_outbox()
    auth.login("organiser")
    subscribe(report="risultati", tabella="partecipanti", programma="FIS", gruppo="comuni",
              frequenza="monthly", formato="csv")
    (subscription,) = subscriptions()
    assert subscription.scope == "gruppo=comuni&programma=FIS"
    make_due(subscription)
    run(runner)
    send_due(app)
    filename, content_type, data = attachment(smtp_server.messages[0])
    assert (filename, content_type) == ("fis-partecipanti.csv", "text/csv")
    assert data == client.get("/gestione/risultati/partecipanti.csv?programma=FIS&gruppo=comuni").data
    (entry,) = db.session.scalars(db.select(AuditEntry).filter_by(action="report.sent")).all()
    (row,) = describe([entry])
    rows = data.decode("utf-8-sig").count("\n") - 1
    assert row.what == f"Ha messo in invio il report per e-mail n. {subscription.id} (CSV, righe: {rows})"
    assert row.who == "Riga di comando"  # names left the system: the log says so


def test_the_registration_list_of_an_event(app, client, auth, open_event, enrol, subscribe,
                                           runner, smtp_server):
    event = open_event(title="Laboratorio di Genova")
    enrol(event, "Niccolò", "D'Angelo")
    enrol(event, "Anna", "Rossi")
    forget_outbox()
    auth.login("organiser")
    page = client.get(f"/gestione/eventi/{event.id}/iscritti").get_data(as_text=True)
    assert 'name="report" value="iscritti"' in page
    assert subscribe(report="iscritti", evento=str(event.id), frequenza="weekly").status_code == 302
    make_due(subscriptions()[0])
    run(runner)
    send_due(app)
    message = smtp_server.messages[0]
    assert "Laboratorio di Genova" in message.get_body(("plain",)).get_content()
    filename, _type, data = attachment(message)
    assert filename == f"iscritti-evento-{event.id}.xlsx"
    rows = sheet_values(data)
    export = sheet_values(client.get(f"/gestione/eventi/{event.id}/iscritti.xlsx").data)
    assert [row[:-1] for row in rows] == [row[:-1] for row in export]  # the time of the export aside
    assert {row[1] for row in rows[1:]} == {"Niccolò", "Anna"}


def test_in_english_for_a_user_who_subscribed_in_english(app, client, auth, small, subscribe,
                                                         runner, smtp_server):
    forget_outbox()
    auth.login("organiser")
    client.get("/lingua/en")
    subscribe(report="risultati", tabella="fasi", programma="FIS", frequenza="monthly")
    make_due(subscriptions()[0])
    run(runner)
    send_due(app)
    message = smtp_server.messages[0]
    assert message["Subject"].startswith("Report: Results and attendance: Phases (December ")
    body = message.get_body(("plain",)).get_content()
    assert "Scope: FIS programme" in body
    rows = sheet_values(attachment(message)[2])
    assert rows[0][0] == "Phase"


def test_two_runs_at_once_queue_one_report(app, auth, small, subscribe, client):
    forget_outbox()
    auth.login("organiser")
    subscribe(report="risultati", tabella="enti", programma="FIS", frequenza="weekly")
    make_due(subscriptions()[0])
    start, results, errors = threading.Barrier(2), [], []

    def send():
        try:
            with app.app_context(), unit_of_work():
                start.wait(timeout=30)
                results.append(services.send_due_reports()["queued"])
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(2)]
    as_cron(lambda: [thread.start() for thread in threads])
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and sorted(results) == [0, 1]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))
                             .filter_by(kind="report")) == 1


def test_nothing_for_an_account_disabled_or_no_longer_an_organisers(app, client, auth, small,
                                                                    subscribe, runner,
                                                                    smtp_server):
    forget_outbox()
    auth.login("organiser")
    subscribe(report="risultati", tabella="fasi", frequenza="weekly")
    subscribe(report="risultati", tabella="enti", frequenza="weekly")
    first, second = subscriptions()
    make_due(first)
    make_due(second)
    user = db.session.get(User, first.user_id)
    user.role = Role.DOOR_STAFF
    db.session.commit()
    assert "reports queued: 0, failed: 0, disabled: 2" in run(runner)
    assert send_due(app) == (0, 0)
    assert {s.disabled_reason.value for s in subscriptions()} == {"not_organiser"}
    second = subscriptions()[1]
    user.role, user.active = Role.ORGANISER, False
    second.disabled_at = second.disabled_reason = None
    db.session.commit()
    assert "disabled: 1" in run(runner)
    assert subscriptions()[1].disabled_reason.value == "account_disabled"
