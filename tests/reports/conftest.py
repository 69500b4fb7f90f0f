"""Subscriptions made the way organisers make them (the "Ricevi per e-mail" form), the hand-built
programme of results/small.py, and the test SMTP server."""
import contextvars
from datetime import timedelta

import pytest

from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.reports.models import ReportSubscription
from notify.conftest import smtp_server  # noqa: F401  (the real SMTP server the sender delivers to)
from results.small import build_small
from support import commit_test_work, csrf_from


@pytest.fixture
def small(app_ctx, enrol):
    return build_small(enrol)


@pytest.fixture
def subscribe(client):
    """POST the "Ricevi per e-mail" form as the logged-in user; returns the response."""

    def post(**fields):
        token = csrf_from(client.get("/gestione/report/"))
        return client.post("/gestione/report/nuovo", data={"csrf_token": token, **fields})

    return post


def subscriptions():
    db.session.expire_all()
    return db.session.scalars(db.select(ReportSubscription).order_by(ReportSubscription.id)).all()


def make_due(subscription, days_ago=0):
    """As if its delivery time had come (`days_ago` days and an hour before now)."""
    subscription.next_due_at = utcnow() - timedelta(days=days_ago, hours=1)
    db.session.commit()


def as_cron(function, *args):
    """Run as cron would: no request, no app context of the test around (the test's own work
    committed first, as earlier requests would have)."""
    commit_test_work()
    return contextvars.Context().run(function, *args)


def forget_outbox():
    """Drop the e-mails that building the data queued (confirmations), so that the outbox and
    the SMTP server hold reports only."""
    from fis_events.notify.models import OutboxMessage

    db.session.execute(db.delete(OutboxMessage))
    db.session.commit()
