"""Invitations after the event: once per attendance whatever the number of runs, never to those
who did not come; one reminder; closing removes the links between invitations and answers."""
import contextvars
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from babel.dates import format_date

from support import commit_test_work

from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.feedback import answering
from fis_events.feedback.cli import feedback_cli
from fis_events.feedback.models import FeedbackInvitation, FeedbackResponse
from fis_events.feedback.services import last_day
from fis_events.notify.models import OutboxMessage
from fis_events.notify.services import compose
from fis_events.participation.models import AttendanceSource

from feedback.conftest import attend, invitation_of


def outbox(kind):
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).filter_by(kind=kind)
                              .order_by(OutboxMessage.id)).all()


def test_each_attendance_is_invited_once_and_the_absent_never(app, ended_event, run_send):
    scene = ended_event()
    first = run_send()
    assert (first.invited, first.emailed) == (2, 2)
    for _ in range(3):
        again = run_send()
        assert (again.invited, again.emailed, again.reminded) == (0, 0, 0)
    messages = outbox("feedback")
    assert sorted(m.to_address for m in messages) == sorted(
        [scene.anna.person.email, scene.bruno.person.email])
    assert scene.carla.person.email not in [m.to_address for m in messages]
    attendances = {invitation_of(r).attendance_id for r in (scene.anna, scene.bruno)}
    assert {m.dedupe_key for m in messages} == {f"feedback:{a}" for a in attendances}
    assert invitation_of(scene.carla) is None
    db.session.refresh(scene.event)
    assert scene.event.questionnaire.sent_at is not None
    tokens = {invitation_of(r).token for r in (scene.anna, scene.bruno)}
    assert len(tokens) == 2 and all(len(token) >= 43 for token in tokens)


def test_an_attendance_recorded_later_is_invited_at_the_next_run(app, ended_event, run_send):
    scene = ended_event()
    run_send()
    attend(scene.carla, AttendanceSource.PLATFORM_REPORT)  # a report imported days after
    sent = run_send()
    assert (sent.invited, sent.emailed) == (1, 1)
    assert len(outbox("feedback")) == 3


def test_nothing_before_the_end_nor_for_drafts_cancelled_or_long_ended_events(
        app, ended_event, today_event, enrol, run_send):
    from fis_events.events import services as events
    now_event = today_event(title="In corso")
    attend(enrol(now_event, "Dario", "Bruni"))
    old = ended_event(days_ago=40, title="Di due mesi fa")
    cancelled = ended_event(title="Annullato")
    events.cancel_event(cancelled.event)
    commit_test_work()
    sent = run_send()
    assert sent.invited == 0 and outbox("feedback") == []
    assert db.session.scalar(db.select(db.func.count(FeedbackInvitation.id))) == 0
    db.session.refresh(old.event)
    assert old.event.questionnaire is None


def test_people_without_an_address_get_an_invitation_but_no_email(app, ended_event, run_send):
    scene = ended_event()
    db.session.refresh(scene.bruno.person)
    scene.bruno.person.email = None
    commit_test_work()
    sent = run_send()
    assert (sent.invited, sent.emailed) == (2, 1)
    assert [m.to_address for m in outbox("feedback")] == [scene.anna.person.email]


def test_one_reminder_to_those_who_have_not_answered(app, ended_event, run_send):
    scene = ended_event()
    run_send()
    answered = invitation_of(scene.anna)
    answering.submit(answered, {q.id: "4" for q in answered.questionnaire.questions
                                if q.kind.value == "scale"})
    commit_test_work()
    days = app.config["FEEDBACK_REMINDER_DAYS"]
    assert run_send(utcnow() + timedelta(days=days - 1)).reminded == 0
    later = utcnow() + timedelta(days=days, hours=1)
    assert run_send(later).reminded == 1
    assert run_send(later + timedelta(hours=1)).reminded == 0
    reminders = outbox("feedback_reminder")
    bruno = invitation_of(scene.bruno)
    assert [(m.to_address, m.dedupe_key) for m in reminders] == [
        (scene.bruno.person.email, f"feedback-reminder:{bruno.attendance_id}")]
    assert bruno.reminded_at is not None and invitation_of(scene.anna).reminded_at is None


def test_no_reminder_once_closed(app, ended_event, run_send):
    ended_event(days_ago=25)
    run_send()
    sent = run_send(utcnow() + timedelta(days=10))  # past the closing day
    assert (sent.closed, sent.reminded) == (1, 0)


def test_closing_removes_the_links_and_keeps_the_answers(app, client, ended_event, run_send):
    scene = ended_event()
    run_send()
    invitation = invitation_of(scene.anna)
    answering.submit(invitation, {q.id: "5" for q in invitation.questionnaire.questions
                                  if q.kind.value == "scale"})
    commit_test_work()
    token = invitation.token
    closed_at = invitation.questionnaire.closes_at + timedelta(minutes=1)
    sent = run_send(closed_at)
    assert sent.closed == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(FeedbackInvitation.id)).where(
        FeedbackInvitation.response_id.is_not(None))) == 0
    assert db.session.scalar(db.select(db.func.count(FeedbackResponse.id))) == 1
    assert db.session.scalar(db.select(db.func.count(FeedbackInvitation.id))) == 2
    page = client.get(f"/questionario/{token}")
    assert page.status_code == 200 and "Questionario chiuso" in page.get_data(as_text=True)
    assert run_send(closed_at + timedelta(hours=1)).closed == 0


def composed(app, kind):
    """{address: (subject, text)} of the queued messages, composed as the sender does: no
    request around, links made from PUBLIC_BASE_URL."""
    commit_test_work()

    def job():
        with app.app_context():
            found = {}
            for message in outbox(kind):
                compose(message, app)
                found[message.to_address] = (message.subject, message.text_body)
            db.session.rollback()
            return found

    return contextvars.Context().run(job)


def test_the_email_in_the_events_language_with_the_personal_link(app, ended_event, run_send):
    italian = ended_event(title="Incontro italiano")
    english = ended_event(title="English meeting", language="en")
    run_send()
    messages = composed(app, "feedback")
    it_subject, it_text = messages[italian.anna.person.email]
    en_subject, en_text = messages[english.anna.person.email]
    assert "Incontro italiano" in it_subject and "questionario" in it_subject
    assert "English meeting" in en_subject and "questionnaire" in en_subject
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert f"{base}/questionario/{invitation_of(italian.anna).token}\n" in it_text
    assert f"{base}/questionario/{invitation_of(english.anna).token}?lang=en" in en_text
    closes_on = last_day(invitation_of(italian.anna).questionnaire.closes_at)
    assert format_date(closes_on, "EEEE d MMMM y", locale="it") in it_text
    assert "Gentile Anna" in it_text and "Dear Anna" in en_text


def test_the_reminder_says_so(app, ended_event, run_send):
    scene = ended_event()
    run_send()
    run_send(utcnow() + timedelta(days=app.config["FEEDBACK_REMINDER_DAYS"], hours=1))
    subject, text = composed(app, "feedback_reminder")[scene.anna.person.email]
    assert subject.startswith("Promemoria") and "ti ricordiamo il questionario" in text


def test_the_command_prints_what_it_did(app, ended_event, runner):
    ended_event()
    commit_test_work()
    result = runner.invoke(feedback_cli, ["send"])
    assert result.exit_code == 0, result.output
    assert "invited: 2 (e-mails queued: 2), reminded: 0, closed: 0" in result.output
    assert "invited: 0" in runner.invoke(feedback_cli, ["send"]).output


def test_sending_is_no_change_of_the_event(app, ended_event, run_send):
    """The event's calendar entry is not revised by its questionnaire."""
    scene = ended_event()
    before = scene.event.updated_at
    run_send()
    db.session.refresh(scene.event)
    assert scene.event.updated_at == before and scene.event.questionnaire is not None


def test_two_runs_at_once_invite_each_attendance_once(app, ended_event, run_send):
    """PostgreSQL: the unique keys decide, the loser's savepoints are undone. SQLite: the second
    run waits for the first at its first savepoint (fis_events/sqlite.py), then finds everyone
    invited."""
    ended_event(title="Primo")
    ended_event(title="Secondo")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: run_send(), range(2)))
    assert sum(sent.invited for sent in results) == 4
    assert len(outbox("feedback")) == 4
    assert db.session.scalar(db.select(db.func.count(FeedbackInvitation.id))) == 4
