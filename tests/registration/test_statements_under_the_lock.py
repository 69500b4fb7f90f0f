"""What a registration sends while it holds the event's lock: every registration for the event
waits for it, so it holds it for as few round trips as the rules allow (counted, never timed)."""
import pytest
import sqlalchemy as sa

from fis_events.extensions import db
from support import csrf_from


class LockWatch:
    """The statements a request sends, and those between the event's lock and the commit."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _statement(self, _conn, _cursor, statement, *_args):
        self.statements.append(" ".join(statement.split()))

    def _commit(self, _conn):
        self.statements.append("COMMIT")

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._statement)
        sa.event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._statement)
        sa.event.remove(self.engine, "commit", self._commit)

    @property
    def lock(self):
        return next(i for i, s in enumerate(self.statements) if s.startswith("UPDATE event SET id=event.id"))

    @property
    def before_lock(self):
        return self.statements[:self.lock]

    @property
    def under_lock(self):
        """From the lock to the commit that releases it, as short names ('UPDATE event')."""
        held = self.statements[self.lock:self.statements.index("COMMIT", self.lock) + 1]
        return [short(s) for s in held]


def short(statement):
    words = statement.split()
    if words[0] == "SELECT":
        return "SELECT " + words[words.index("FROM") + 1]
    return " ".join(words[:3] if words[0] in ("INSERT", "DELETE") else words[:2])


@pytest.fixture
def post_form(app, client):
    with app.app_context():
        engine = db.engine

    def post(event, n, organisation="Comune di Bergamo"):
        url = f"/eventi/{event.id}/iscrizione"
        token = csrf_from(client.get(url))
        with LockWatch(engine) as watch:
            response = client.post(url, data={
                "csrf_token": token, "first_name": "Anna", "last_name": f"Rossi {n}",
                "email": f"anna{n}@example.org", "organisation": organisation,
                "organisation_kind": "comune_capoluogo", "mode": "in_person",
                "privacy_notice": "y"})
        assert response.status_code in (200, 302), response.status_code
        return watch

    return post


SEAT = ["UPDATE event", "SELECT registration", "INSERT INTO registration",
        "INSERT INTO outbox_message", "COMMIT"]


def test_a_new_person_holds_the_lock_for_the_seat_only(post_form, open_event):
    """Lock (reading the event back), one count of the seats and the line, the registration,
    its outbox row (composed later by the sender), the commit: whether confirmed or waiting."""
    event = open_event(capacity_in_person=1, offers_remote=False)
    confirmed, waiting = post_form(event, 1), post_form(event, 2)
    assert confirmed.under_lock == SEAT
    assert waiting.under_lock == SEAT


def test_the_person_and_a_new_organisation_are_written_before_the_lock(post_form, open_event):
    """Before the lock a registration writes only rows of its own, each an INSERT … ON CONFLICT
    DO NOTHING: a twin (two tabs) waits for it on the unique name or e-mail, and nothing else can,
    so no other lock is held while waiting for the event's."""
    watch = post_form(open_event(), 1, organisation="Cooperativa Nuova")
    writes = [s for s in watch.before_lock if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert [short(w) for w in writes] == ["INSERT INTO organisation", "INSERT INTO person"]
    assert all("ON CONFLICT" in w and "DO NOTHING" in w for w in writes)
    assert watch.under_lock == SEAT


def test_a_known_person_looks_for_their_registration_under_the_lock(post_form, open_event):
    """Known from another event: their registration for this one may have been made a moment
    ago in another tab, so it is looked for under the lock."""
    post_form(open_event(), 1)
    watch = post_form(open_event(), 1)
    assert [s for s in watch.before_lock if s.split()[0] != "SELECT"] == []
    assert watch.under_lock == ["UPDATE event", "SELECT registration", *SEAT[1:]]
