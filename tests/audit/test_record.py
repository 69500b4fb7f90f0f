"""An entry is written by the commit of the change it describes, or not at all."""
from datetime import date

import pytest
import sqlalchemy as sa

from fis_events import audit_record as audit
from fis_events.audit_record import AuditEntry
from fis_events.checkin import services as checkin
from fis_events.errors import DomainError
from fis_events.events import services as events
from fis_events.events.models import Event, EventStatus
from fis_events.extensions import db
from fis_events.programme import services as programme
from fis_events.programme.models import OrganisationKind, OrganisationStage, Programme, ProgrammeStage
from fis_events.registration.models import AttendanceMode
from fis_events.unit_of_work import unit_of_work


def committed(statement):
    """What another connection sees: only what was committed."""
    with db.engine.connect() as conn:
        return conn.execute(statement).all()


def test_the_entry_commits_with_its_change(make_event, log):
    event = make_event()
    with unit_of_work():
        events.publish_event(event)
    assert committed(sa.select(Event.status))[0].status is EventStatus.PUBLISHED
    assert [row.action for row in committed(sa.select(AuditEntry.action).order_by(AuditEntry.id))][-1] == "event.published"


def test_a_rolled_back_change_leaves_no_entry(make_event, log):
    event = make_event()
    before = log()[-1].id
    event.status = EventStatus.PUBLISHED
    audit.record("event.published", event=event)
    db.session.flush()
    db.session.rollback()
    assert log(after=before) == []


def test_a_refused_commit_takes_its_entry_with_it(app_ctx, log):
    """A stage recorded by someone else between the check and the commit: the unique constraint
    refuses the commit, and the entry goes with the stage."""
    fis = Programme(code="FIS", name="FIS")
    bergamo = programme.find_or_create_organisation("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    db.session.add(fis)
    db.session.commit()
    assert bergamo.stages == []  # what the rule checks, read now
    db.session.execute(sa.insert(OrganisationStage).values(
        organisation_id=bergamo.id, programme_id=fis.id, stage=ProgrammeStage.APPLIED,
        reached_on=date(2022, 3, 1)))
    with pytest.raises(DomainError, match="appena stata registrata"):
        programme.record_stage(bergamo, fis, ProgrammeStage.APPLIED, date(2022, 3, 2))
    assert log() == []


def test_a_replayed_manual_check_in_writes_no_second_entry(today_event, enrol, log):
    event = today_event()
    anna = enrol(event, "Anna", "Rossi")
    before = log()[-1].id
    assert checkin.manual_checkin(event, anna, "tap-1").reason == "ok"
    checkin.undo_checkin(event, anna)
    replay = checkin.manual_checkin(event, anna, "tap-1")  # the same tap, retried
    assert (replay.reason, replay.replayed) == ("ok", True)
    assert [entry.action for entry in log(after=before)] == ["checkin.manual", "checkin.undone"]


def test_unknown_actions_are_refused(app_ctx):
    with pytest.raises(ValueError):
        audit.record("event.deleted")


def test_details_keep_codes_not_objects(make_event, log):
    event = make_event()
    audit.record("organisation.stage_recorded", event=event, stage=ProgrammeStage.APPLIED,
                            reached_on=date(2022, 3, 1), mode=AttendanceMode.REMOTE)
    assert log()[-1].details == {"stage": "applied", "reached_on": "2022-03-01", "mode": "remote"}
