"""Reminders: the day before (Europe/Rome), once per confirmed registration, however many runs."""
import contextvars
from datetime import datetime, time, timedelta

from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.registration import reminders
from fis_events.registration.cli import reminders_cli
from fis_events.notify.models import OutboxMessage
from fis_events.registration.reminders import send_reminders
from fis_events.notify.services import compose
from fis_events.notify.sender import send_due
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode
from support import commit_test_work

IN_PERSON, REMOTE = AttendanceMode.IN_PERSON, AttendanceMode.REMOTE


def register(event, name, mode=IN_PERSON, **extra):
    registration, _outcome = services.register(
        event, email=f"{name}@example.org", first_name=name.title(), last_name="Rossi", mode=mode,
        **extra)
    return registration


def reminder_rows():
    return db.session.scalars(db.select(OutboxMessage).filter_by(kind="reminder")
                              .order_by(OutboxMessage.id)).all()


def rome_day(days_from_today, hh=0, mm=0):
    day = utcnow().astimezone(ROME).date() + timedelta(days=days_from_today)
    return datetime.combine(day, time(hh, mm), tzinfo=ROME)


def composed_as_the_sender_does(app, messages):
    """Compose queued messages as the sender does: in an app context of its own, no request."""
    def compose_all():
        with app.app_context():
            for message in messages:
                compose(message)

    outside_any_request(compose_all)


def outside_any_request(function, *args):
    """Run as a cron job would: no request, no app context of the test around (what the test
    did so far is committed first, as earlier requests would have)."""
    commit_test_work()
    return contextvars.Context().run(function, *args)


def test_tomorrows_confirmed_registrations_get_one_reminder(app, open_event, runner):
    event = open_event(title="Incontro di domani", capacity_in_person=1)  # tomorrow 10.00
    present = register(event, "anna")
    register(event, "bruno")  # waiting list
    remote = register(event, "carla", REMOTE)
    services.cancel(register(event, "dario", REMOTE))

    result = outside_any_request(runner.invoke, reminders_cli, ["send"])
    assert result.exit_code == 0, result.output
    assert "reminders queued: 2" in result.output
    db.session.expire_all()
    rows = reminder_rows()
    composed_as_the_sender_does(app, rows)
    assert [(r.to_address, r.dedupe_key) for r in rows] == [
        ("anna@example.org", f"reminder:{present.id}"),
        ("carla@example.org", f"reminder:{remote.id}")]
    assert rows[0].subject == "Promemoria: Incontro di domani, domani"
    # links in e-mails written outside a request point to the public site
    base = app.config["PUBLIC_BASE_URL"]
    assert f"{base}/iscrizione/{present.manage_token}" in rows[0].text_body
    assert "/j/" not in rows[0].text_body
    assert f"{base}/j/{remote.join_token}" in rows[1].text_body
    assert f"{base}/j/{remote.join_token}" in rows[1].html_body
    assert [a.filename for a in rows[0].attachments] == ["qr.png", "evento.ics"]

    # hourly runs queue nothing more
    assert "reminders queued: 0" in outside_any_request(runner.invoke, reminders_cli, ["send"]).output
    assert send_reminders() == 0
    assert len(reminder_rows()) == 2


def test_only_events_starting_tomorrow_in_rome(open_event):
    early = open_event(title="Presto", starts_at=rome_day(10, 0, 30), ends_at=rome_day(10, 2))
    late = open_event(title="Tardi", starts_at=rome_day(10, 23, 0), ends_at=rome_day(10, 23, 59))
    after = open_event(title="Dopo", starts_at=rome_day(11, 0, 10), ends_at=rome_day(11, 2))
    for event in (early, late, after):
        register(event, "anna")

    def reminded():
        return [r.registration.event.title for r in reminder_rows()]

    assert send_reminders(now=rome_day(10, 0, 0)) == 1   # the same day is too late for two
    assert reminded() == ["Dopo"]
    assert send_reminders(now=rome_day(8, 23, 59)) == 0  # two days before
    assert send_reminders(now=rome_day(9, 0, 0)) == 2    # the day before, from midnight Rome
    assert send_reminders(now=rome_day(9, 23, 59)) == 0  # already done
    assert reminded() == ["Dopo", "Presto", "Tardi"]


def test_no_reminders_for_drafts_or_cancelled_events(open_event):
    cancelled = open_event(title="Annullato")
    register(cancelled, "anna")
    events.cancel_event(cancelled)
    draft = open_event(title="Tornato in bozza")
    register(draft, "bruno")
    events.unpublish_event(draft)
    assert send_reminders() == 0
    assert reminder_rows() == []


def test_a_reminder_queued_meanwhile_by_another_run_is_not_duplicated(open_event, monkeypatch):
    event = open_event()
    first, second = register(event, "anna"), register(event, "bruno")
    original = reminders.due_reminders

    def due_then_another_run_queues_the_first(now=None):
        due = original(now)
        # another `flask reminders send` gets there first, between our query and our insert
        db.session.add(OutboxMessage(kind="reminder", to_address="anna@example.org",
                                     subject="x", text_body="x", message_id="<altro@fis-events>",
                                     dedupe_key=f"reminder:{first.id}", registration_id=first.id))
        db.session.commit()
        return due

    monkeypatch.setattr(reminders, "due_reminders", due_then_another_run_queues_the_first)
    assert send_reminders() == 1
    assert sorted(r.dedupe_key for r in reminder_rows()) == sorted(
        [f"reminder:{first.id}", f"reminder:{second.id}"])


def test_remote_reminder_is_delivered_with_the_join_link(app, open_event, smtp_server):
    event = open_event()
    remote = register(event, "carla", REMOTE)
    assert send_reminders() == 1
    assert send_due(app) == (2, 0)  # the confirmation, then the reminder
    reminder = smtp_server.messages[-1]
    assert reminder["Subject"].startswith("Promemoria:")
    text = reminder.get_body(("plain",)).get_content()
    assert f"/j/{remote.join_token}" in text
