"""Erasing people (on request or at the end of retention) leaves every feedback figure as it
was: responses name no one, and the kind of organisation of an invitation is the attendance's."""
from dataclasses import astuple

from fis_events.events.models import Event
from fis_events.extensions import db
from fis_events.feedback import figures
from fis_events.privacy import services as privacy
from fis_events.programme.models import OrganisationKind
from fis_events.registration.models import Person

from feedback.answered import answer, held_event, programme, standard


def every_figure():
    events = db.session.scalars(db.select(Event).order_by(Event.id)).all()
    overview = figures.overview([])
    cells = [overview.total, *overview.by_phase, *overview.by_programme, *overview.by_event_kind,
             *overview.by_organisation_kind, *overview.by_month, *overview.by_event]
    per_event = [figures.event_figures(event) for event in events]
    return ([astuple(cell) for cell in cells],
            [(r.invited, r.answers, [(q.question.id, q.answered, q.average, q.counts, q.texts)
                                     for q in r.questions]) for r in per_event],
            astuple(figures.headline()))


def test_erasing_everyone_changes_no_feedback_figure(app_ctx):
    fis = programme()
    answer(held_event(programme=fis, phase=fis.phases[0]),
           standard(5, will_apply="Il metodo") + standard(2, 2, 3, kind=OrganisationKind.UNIVERSITA),
           invited=9)
    answer(held_event(programme=fis, phase=fis.phases[1]), standard(3), invited=4)
    db.session.commit()
    before = every_figure()
    for person in db.session.scalars(db.select(Person)).all():
        privacy.erase(person)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Person.id)).where(Person.organisation_id.isnot(None))) == 0
    assert every_figure() == before
    assert privacy.purge_expired(retention_days=0) is not None
    db.session.commit()
    assert every_figure() == before
