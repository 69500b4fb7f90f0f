"""A failing report does not stop the others; three failures in a row disable it and tell its
owner; a delivered report resets the count."""
from sqlalchemy import text

from fis_events.extensions import db
from fis_events.notify.sender import send_due
from fis_events.reports import kinds
from fis_events.reports.cli import reports_cli
from fis_events.reports.models import Failure
from reports.conftest import as_cron, forget_outbox, make_due, subscriptions


def run(runner):
    result = as_cron(runner.invoke, reports_cli, ["send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_three_failures_in_a_row_disable_it_and_the_organiser_is_told(app, client, auth, small,
                                                                     subscribe, runner,
                                                                     smtp_server):
    forget_outbox()
    auth.login("organiser")
    subscribe(report="risultati", tabella="eventi", programma="FIS", frequenza="weekly")
    subscribe(report="risultati", tabella="fasi", frequenza="weekly")  # every programme
    broken, fine = subscriptions()
    make_due(broken)
    make_due(fine)
    small.programme.code = "FIS-2"  # the stored filter names a programme that is gone
    db.session.commit()
    assert "reports queued: 1, failed: 1, disabled: 0" in run(runner)  # the other one goes
    assert "reports queued: 0, failed: 1, disabled: 0" in run(runner)  # tried again an hour later
    page = client.get("/gestione/report/").get_data(as_text=True)
    assert "2 invii non riusciti di fila" in page and "i filtri del report non sono più validi" in page
    assert "reports queued: 0, failed: 1, disabled: 1" in run(runner)
    broken = subscriptions()[0]
    assert broken.failures == 3 and broken.last_failure is Failure.SCOPE_INVALID
    assert broken.disabled_at is not None
    assert "reports queued: 0, failed: 0, disabled: 0" in run(runner)  # disabled: left alone
    assert send_due(app) == (2, 0)  # the other report, and the notice
    notice = smtp_server.messages[-1]
    assert notice["Subject"] == "Report sospeso: Risultati e partecipazione: Eventi"
    assert notice["To"] == "organiser@example.org"
    body = notice.get_body(("plain",)).get_content()
    assert "i filtri del report non sono più validi" in body and "/gestione/report/" in body
    page = client.get("/gestione/report/").get_data(as_text=True)
    assert "disattivato dopo tre invii non riusciti di fila" in page

    small.programme.code = "FIS"
    db.session.commit()
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(f"/gestione/report/{broken.id}/riprendi",
                       data={"csrf_token": token}).status_code == 302
    broken = subscriptions()[0]
    assert (broken.disabled_at, broken.failures) == (None, 0)


def test_a_deleted_event_is_a_failure(app, auth, open_event, subscribe, runner):
    event = open_event(title="Da cancellare")
    forget_outbox()
    auth.login("organiser")
    subscribe(report="iscritti", evento=str(event.id), frequenza="monthly")
    make_due(subscriptions()[0])
    db.session.delete(event)
    db.session.commit()
    assert "failed: 1" in run(runner)
    (subscription,) = subscriptions()
    assert (subscription.event_id, subscription.last_failure) == (None, Failure.EVENT_GONE)


class QueryFails(kinds.ResultsKind):
    """A report whose query the database refuses (on PostgreSQL that spoils the transaction
    unless the build has its own savepoint)."""

    def build(self, subscription):
        db.session.execute(text("SELECT * FROM no_such_table"))


def test_a_report_that_breaks_in_the_database_does_not_stop_the_others(
        app, auth, small, subscribe, runner, monkeypatch, open_event):
    event = open_event(title="Laboratorio")
    forget_outbox()
    auth.login("organiser")
    subscribe(report="risultati", tabella="eventi", programma="FIS", frequenza="weekly")
    subscribe(report="iscritti", evento=str(event.id), frequenza="weekly")
    for subscription in subscriptions():
        make_due(subscription)
    original = kinds.KINDS["risultati"]
    monkeypatch.setitem(kinds.KINDS, "risultati",
                        QueryFails(original.code, original.label, original.tables))
    assert "reports queued: 1, failed: 1, disabled: 0" in run(runner)
    broken, fine = subscriptions()
    assert broken.last_failure is Failure.BUILD_FAILED and fine.pending_message_id is not None


def test_an_undelivered_report_is_a_failure_and_a_delivered_one_resets_the_count(
        app, auth, small, subscribe, runner, smtp_server, monkeypatch):
    forget_outbox()
    auth.login("organiser")
    subscribe(report="risultati", tabella="enti", frequenza="weekly")
    (subscription,) = subscriptions()
    make_due(subscription, days_ago=14)
    run(runner)
    smtp_server.stop()
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 1)
    assert send_due(app) == (0, 1)  # the sender gives up
    assert "failed: 1" in run(runner)
    (subscription,) = subscriptions()
    assert (subscription.failures, subscription.last_failure) == (1, Failure.DELIVERY_FAILED)
    assert subscription.pending_message_id is None
    smtp_server.start()
    make_due(subscription)
    run(runner)
    assert send_due(app) == (1, 0)
    assert "failed: 0" in run(runner)
    (subscription,) = subscriptions()
    assert subscription.failures == 0 and subscription.last_sent_at is not None
