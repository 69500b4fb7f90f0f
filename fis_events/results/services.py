"""Participation totals for any scope, computed from Attendance rows, never typed.

Counting rules (also written beside the figures on every page that shows them):
- a participation is one Attendance row; a participant is a distinct person with at least one
  attendance in the scope;
- the programme's "partecipanti complessivi" is the sum of the per-phase distinct participants
  (a person who took part in both phases counts once in each); the distinct persons over the
  whole scope are shown beside it;
- Comuni (comune capoluogo, città metropolitana) vs partenariato (every other kind) splits by the
  organisation the person represented at the event, kept on the attendance so that it survives
  erasure; a person without one, or with one still "da classificare", is counted apart ("non
  indicata") until an organiser classifies it;
- a support meeting counts once it is held (Event.held_condition);
- no-shows are confirmed registrations without an attendance, at events already over.

Every function issues a fixed number of grouped queries, whatever the number of events or people.
Totals are kept as snapshots for RESULTS_MAX_AGE seconds: every page shows when they were counted,
and organisers can have them counted again at once.
"""
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, literal

from .. import audit_record as audit
from ..db_types import parse_day, parse_id, utcnow
from ..errors import DomainError
from ..events.models import Event, EventKind, EventStatus, event_beneficiary
from ..extensions import db
from ..i18n import ROME
from ..participation.models import Attendance
from ..programme.models import Organisation, OrganisationKind, Phase, Programme, ProgrammeStage
from ..programme.services import current_stages, organisations_merged, pipeline_counts
from ..registration.models import AttendanceMode, Person, Registration, RegistrationStatus
from ..sql import upsert
from .models import ResultsSnapshot

#: the groups of the Comuni / partenariato split, in the order pages show them
GROUPS = ("comuni", "partenariato", "non_indicata")
MUNICIPAL_KINDS = [kind for kind in OrganisationKind if kind.is_municipality]
PAGE_SIZE = 50


def group_label(group):
    return {"comuni": _("Comuni"), "partenariato": _("Partenariato"),
            "non_indicata": _("Organizzazione non indicata")}[group]


@dataclass(frozen=True)
class Scope:
    """Which events (and which participants) a figure is about. Empty fields do not filter."""

    programme: Programme = None
    phase: Phase = None
    event: Event = None
    date_from: date = None
    date_to: date = None
    event_kind: EventKind = None
    organisation_kind: OrganisationKind = None

    def event_conditions(self):
        conditions = []
        if self.programme is not None:
            conditions.append(Event.programme_id == self.programme.id)
        if self.phase is not None:
            conditions.append(Event.phase_id == self.phase.id)
        if self.event is not None:
            conditions.append(Event.id == self.event.id)
        if self.date_from is not None:
            conditions.append(Event.starts_at >= datetime.combine(self.date_from, time(), ROME))
        if self.date_to is not None:
            conditions.append(Event.starts_at < datetime.combine(self.date_to + timedelta(days=1),
                                                                 time(), ROME))
        if self.event_kind is not None:
            conditions.append(Event.kind == self.event_kind)
        return conditions

    def attendance_conditions(self):
        """The organisation-kind filter applies to participants (by the organisation they
        represented), not to registrations or meetings."""
        if self.organisation_kind is None:
            return []
        return [Organisation.kind == self.organisation_kind]

    def query_args(self, **overrides):
        """The scope as the query string of the dashboard, the drill-downs and the exports."""
        scope = replace(self, **overrides) if overrides else self
        values = {
            "programma": scope.programme.code if scope.programme else None,
            "fase": scope.phase.id if scope.phase else None,
            "evento": scope.event.id if scope.event else None,
            "dal": scope.date_from.isoformat() if scope.date_from else None,
            "al": scope.date_to.isoformat() if scope.date_to else None,
            "tipo_evento": scope.event_kind.value if scope.event_kind else None,
            "tipo_ente": scope.organisation_kind.value if scope.organisation_kind else None,
        }
        return {k: v for k, v in values.items() if v is not None}


#: the filters as the dashboard names them (Scope.query_args)
SCOPE_PARAMETERS = ("programma", "fase", "evento", "dal", "al", "tipo_evento", "tipo_ente")
#: the open-data API's names for the same filters, accepted by the dashboard too
ENGLISH_NAMES = {"from": "dal", "to": "al", "kind": "tipo_evento", "organisation_kind": "tipo_ente"}
#: on every page: the language switch's parameter
ALWAYS_ALLOWED = ("lang",)


class UnknownParameter(DomainError):
    """A query parameter that filters nothing: a typo must not pass for "no filter"."""

    def __init__(self, name, accepted):
        super().__init__(_("Parametro sconosciuto: «%(name)s». Quelli accettati sono: %(names)s.",
                           name=name, names=", ".join(accepted)), field=name)


def filter_values(args, accepted):
    """The filters under the dashboard's names, whichever of the two names was used;
    UnknownParameter for a name not in `accepted` (every parameter the caller takes)."""
    unknown = sorted(set(args) - set(accepted) - set(ALWAYS_ALLOWED))
    if unknown:
        raise UnknownParameter(unknown[0], accepted)
    values = {name: args.get(name, "") for name in SCOPE_PARAMETERS}
    for theirs, ours in ENGLISH_NAMES.items():
        if not (values[ours] or "").strip():
            values[ours] = args.get(theirs, "")
    return values


def programme_by_code(code):
    """Programme codes are case-insensitive: 'fis' is FIS."""
    return db.session.scalar(db.select(Programme).where(func.lower(Programme.code) == code.lower()))


def parse_scope(args, others=()):
    """A Scope from query-string values (the dashboard's names or the API's, see
    filter_values); DomainError on a value that does not exist or a parameter we do not know,
    naming the field, so that nothing is silently ignored. `others`: the page's own
    parameters that are not filters (its page number, …)."""
    args = filter_values(args, (*SCOPE_PARAMETERS, *ENGLISH_NAMES, *others))

    def lookup(name, finder, message):
        value = (args.get(name) or "").strip()
        if not value:
            return None
        found = finder(value)
        if found is None:
            raise DomainError(message, field=name)
        return found

    def enum(kind):
        return lambda value: next((member for member in kind if member.value == value), None)

    def by_id(model):
        return lambda value: db.session.get(model, parse_id(value)) if parse_id(value) else None

    programme = lookup("programma", programme_by_code, _("Programma sconosciuto."))
    phase = lookup("fase", by_id(Phase), _("Fase sconosciuta."))
    if phase is not None and programme is not None and phase.programme_id != programme.id:
        raise DomainError(_("La fase scelta non appartiene al programma."), field="fase")
    scope = Scope(
        programme=programme or (phase.programme if phase is not None else None), phase=phase,
        event=lookup("evento", by_id(Event), _("Evento sconosciuto.")),
        date_from=lookup("dal", parse_day, _("Data iniziale non valida (aaaa-mm-gg).")),
        date_to=lookup("al", parse_day, _("Data finale non valida (aaaa-mm-gg).")),
        event_kind=lookup("tipo_evento", enum(EventKind), _("Tipo di evento sconosciuto.")),
        organisation_kind=lookup("tipo_ente", enum(OrganisationKind), _("Tipo di ente sconosciuto.")))
    if scope.date_from and scope.date_to and scope.date_to < scope.date_from:
        raise DomainError(_("La data finale viene prima di quella iniziale."), field="al")
    return scope


def _group_expression():
    return case((Attendance.organisation_id.is_(None), literal("non_indicata")),
                (Organisation.kind == OrganisationKind.UNCLASSIFIED, literal("non_indicata")),
                (Organisation.kind.in_(MUNICIPAL_KINDS), literal("comuni")),
                else_=literal("partenariato"))


def _attendances(scope, *columns):
    """SELECT columns FROM attendances in scope, with their event and organisation joined."""
    return (db.select(*columns).select_from(Attendance)
            .join(Event, Event.id == Attendance.event_id)
            .outerjoin(Organisation, Organisation.id == Attendance.organisation_id)
            .where(*scope.event_conditions(), *scope.attendance_conditions()))


def _count_mode(mode):
    return func.coalesce(func.sum(case((Attendance.mode == mode, 1), else_=0)), 0)


@dataclass
class Figures:
    participations: int = 0
    participants: int = 0
    in_person: int = 0
    remote: int = 0


@dataclass
class PhaseFigures:
    phase: Phase
    participations: int = 0
    participants: int = 0
    meetings_held: int = 0


@dataclass
class Totals:
    scope: Scope
    #: registrations by status: confirmed, waiting, cancelled
    registrations: dict = field(default_factory=dict)
    attendance: Figures = field(default_factory=Figures)
    groups: dict = field(default_factory=dict)
    #: confirmed registrations at events already over, and those without an attendance
    expected_past: int = 0
    no_shows: int = 0
    phases: list = field(default_factory=list)
    #: participants in events with no phase (outside the programme's phases)
    without_phase: PhaseFigures = None
    meetings_held: int = 0
    events: int = 0
    pipeline: dict = None
    #: when these figures were counted (a snapshot may be a few minutes old)
    computed_at: datetime = None

    @property
    def no_show_rate(self):
        return self.no_shows / self.expected_past if self.expected_past else None

    @property
    def phase_sum(self):
        """The programme's published "partecipanti complessivi": per-phase distinct, added up."""
        return sum(p.participants for p in self.phases)


def totals(scope, now=None):
    """Every figure of the scope, from a snapshot younger than RESULTS_MAX_AGE seconds when
    there is one (at a million attendances counting takes seconds), else counted now and kept."""
    now = now or utcnow()
    max_age = current_app.config["RESULTS_MAX_AGE"]
    if not max_age:
        return compute_totals(scope, now)
    key = "v1:" + urlencode(sorted(scope.query_args().items()))
    snapshot = db.session.get(ResultsSnapshot, key)
    if snapshot is not None and snapshot.computed_at > now - timedelta(seconds=max_age):
        return _totals_from_json(scope, snapshot)
    result = compute_totals(scope, now)
    # Kept by the caller's unit of work; a concurrent request keeping the same scope is no error.
    upsert(ResultsSnapshot, dict(key=key, computed_at=now, data=json.dumps(_totals_to_json(result))),
           ("key",))
    return result


@organisations_merged.connect
def _forget_after_merge(survivor):
    """A merge may move people between Comuni and partenariato: no snapshot may say otherwise."""
    db.session.execute(db.delete(ResultsSnapshot))


def forget_totals():
    """Drop every snapshot: the next request counts afresh ("Ricalcola ora")."""
    audit.record("results.recounted")
    db.session.execute(db.delete(ResultsSnapshot))


def _totals_to_json(result):
    def figures(f):
        return [f.participations, f.participants, f.in_person, f.remote]

    def phase(p):
        return [p.phase.id if p.phase else None, p.participations, p.participants, p.meetings_held]

    return {"registrations": result.registrations, "attendance": figures(result.attendance),
            "groups": {g: figures(f) for g, f in result.groups.items()},
            "expected_past": result.expected_past, "no_shows": result.no_shows,
            "phases": [phase(p) for p in result.phases], "without_phase": phase(result.without_phase),
            "meetings_held": result.meetings_held, "events": result.events,
            "pipeline": None if result.pipeline is None else
            {stage.value: n for stage, n in result.pipeline.items()}}


def _totals_from_json(scope, snapshot):
    data = json.loads(snapshot.data)
    ids = [row[0] for row in data["phases"]]
    phases = {phase.id: phase for phase in db.session.scalars(
        db.select(Phase).where(Phase.id.in_(ids)))} if ids else {}
    return Totals(
        scope, registrations=data["registrations"], attendance=Figures(*data["attendance"]),
        groups={g: Figures(*values) for g, values in data["groups"].items()},
        expected_past=data["expected_past"], no_shows=data["no_shows"],
        phases=[PhaseFigures(phases[row[0]], *row[1:]) for row in data["phases"]],
        without_phase=PhaseFigures(None, *data["without_phase"][1:]),
        meetings_held=data["meetings_held"], events=data["events"],
        pipeline=None if data["pipeline"] is None else
        {ProgrammeStage(stage): n for stage, n in data["pipeline"].items()},
        computed_at=snapshot.computed_at)


def compute_totals(scope, now=None):
    """Every figure of the scope, counted now, in eight queries whatever its size."""
    now = now or utcnow()
    result = Totals(scope, computed_at=now)

    for group, participations, participants, in_person, remote in db.session.execute(
            _attendances(scope, _group_expression().label("grp"), func.count(Attendance.id),
                         func.count(Attendance.person_id.distinct()),
                         _count_mode(AttendanceMode.IN_PERSON), _count_mode(AttendanceMode.REMOTE))
            .group_by("grp")):
        result.groups[group] = Figures(participations, participants, in_person, remote)
        result.attendance.participations += participations
        result.attendance.in_person += in_person
        result.attendance.remote += remote
    result.groups = {g: result.groups.get(g, Figures()) for g in GROUPS}
    result.attendance.participants = db.session.scalar(
        _attendances(scope, func.count(Attendance.person_id.distinct())))

    by_phase = {phase_id: (participations, participants) for phase_id, participations, participants
                in db.session.execute(_attendances(scope, Event.phase_id, func.count(Attendance.id),
                                                   func.count(Attendance.person_id.distinct()))
                                      .group_by(Event.phase_id))}
    meetings = dict(db.session.execute(
        db.select(Event.phase_id, func.count(Event.id))
        .where(*scope.event_conditions(), Event.kind == EventKind.SUPPORT_MEETING,
               Event.held_condition(now)).group_by(Event.phase_id)).all())
    result.meetings_held = sum(meetings.values())
    for phase in _phases(scope):
        result.phases.append(PhaseFigures(phase, *by_phase.get(phase.id, (0, 0)),
                                          meetings_held=meetings.get(phase.id, 0)))
    result.without_phase = PhaseFigures(None, *by_phase.get(None, (0, 0)),
                                        meetings_held=meetings.get(None, 0))

    result.registrations = {status.value: 0 for status in RegistrationStatus}
    result.registrations.update({status.value: n for status, n in db.session.execute(
        db.select(Registration.status, func.count(Registration.id))
        .join(Event, Event.id == Registration.event_id)
        .where(*scope.event_conditions()).group_by(Registration.status))})
    result.expected_past, result.no_shows = db.session.execute(
        _no_shows(scope.event_conditions(), now)).one()
    result.events = db.session.scalar(db.select(func.count(Event.id)).where(
        *scope.event_conditions(), Event.status != EventStatus.CANCELLED,
        Event.status != EventStatus.DRAFT))
    if scope.programme is not None:
        result.pipeline = pipeline_counts(scope.programme, on=scope.date_to)
    return result


def _phases(scope):
    if scope.phase is not None:
        return [scope.phase]
    if scope.programme is None:
        return db.session.scalars(db.select(Phase).order_by(Phase.programme_id, Phase.position)).all()
    return db.session.scalars(db.select(Phase).filter_by(programme_id=scope.programme.id)
                              .order_by(Phase.position)).all()


def _no_shows(event_conditions, now, *group_by):
    """SELECT [group_by,] confirmed registrations at events already over, and how many of them
    have no attendance."""
    missing = case((Attendance.id.is_(None), 1), else_=0)
    return (db.select(*group_by, func.count(Registration.id), func.coalesce(func.sum(missing), 0))
            .select_from(Registration)
            .join(Event, Event.id == Registration.event_id)
            .outerjoin(Attendance, db.and_(Attendance.event_id == Registration.event_id,
                                           Attendance.person_id == Registration.person_id))
            .where(*event_conditions, Registration.status == RegistrationStatus.CONFIRMED,
                   Event.status != EventStatus.CANCELLED, Event.ends_at <= now)
            .group_by(*group_by))


# ---- tables behind the figures (paginated, each a fixed number of queries) ------------------

@dataclass
class EventRow:
    event: Event
    confirmed: int = 0
    in_person: int = 0
    remote: int = 0
    expected_past: int = 0
    no_shows: int = 0
    held: bool = False

    @property
    def attendances(self):
        return self.in_person + self.remote

    @property
    def no_show_rate(self):
        return self.no_shows / self.expected_past if self.expected_past else None


def event_rows(scope, page=1, per_page=PAGE_SIZE, held_meetings_only=False, now=None):
    """(rows, total): the events of the scope, newest first, with their figures."""
    now = now or utcnow()
    conditions = [*scope.event_conditions(), Event.status != EventStatus.DRAFT]
    if held_meetings_only:
        conditions += [Event.kind == EventKind.SUPPORT_MEETING, Event.held_condition(now)]
    total = db.session.scalar(db.select(func.count(Event.id)).where(*conditions))
    if per_page:
        # The page's ids first: then every count below is a handful of index lookups.
        ids = db.session.scalars(
            db.select(Event.id).where(*conditions).order_by(Event.starts_at.desc(), Event.id.desc())
            .limit(per_page).offset((page - 1) * per_page)).all()
        on_page, registrations, attendances = ([Event.id.in_(ids)], [Registration.event_id.in_(ids)],
                                               [Attendance.event_id.in_(ids)])
    else:
        on_page = registrations = attendances = conditions
    events = db.session.scalars(db.select(Event).where(*on_page)
                                .order_by(Event.starts_at.desc(), Event.id.desc())).all()
    confirmed = dict(db.session.execute(
        db.select(Registration.event_id, func.count(Registration.id)).join(Event)
        .where(*registrations, Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.event_id)).all())
    present = {event_id: (in_person, remote) for event_id, in_person, remote in db.session.execute(
        _attendances(scope, Attendance.event_id, _count_mode(AttendanceMode.IN_PERSON),
                     _count_mode(AttendanceMode.REMOTE)).where(*attendances)
        .group_by(Attendance.event_id))}
    absent = {event_id: (expected, missing) for event_id, expected, missing in db.session.execute(
        _no_shows(registrations, now, Registration.event_id))}
    rows = [EventRow(e, confirmed.get(e.id, 0), *present.get(e.id, (0, 0)),
                     *absent.get(e.id, (0, 0)), held=e.is_held(now)) for e in events]
    return rows, total


@dataclass
class OrganisationRow:
    organisation: Organisation
    participations: int = 0
    participants: int = 0
    meetings_held: int = 0
    #: the furthest programme stage reached (when the scope has a programme)
    stage: object = None


def organisation_rows(scope, page=1, per_page=PAGE_SIZE, now=None):
    """(rows, total): organisations with participants in the scope or support meetings held for
    them, most participations first."""
    now = now or utcnow()
    part = (_attendances(scope, Attendance.organisation_id.label("organisation_id"),
                         func.count(Attendance.id).label("participations"),
                         func.count(Attendance.person_id.distinct()).label("participants"))
            .where(Attendance.organisation_id.isnot(None))
            .group_by(Attendance.organisation_id).subquery())
    held = (db.select(event_beneficiary.c.organisation_id.label("organisation_id"),
                      func.count(Event.id).label("meetings"))
            .join(Event, Event.id == event_beneficiary.c.event_id)
            .where(*scope.event_conditions(), Event.kind == EventKind.SUPPORT_MEETING,
                   Event.held_condition(now))
            .group_by(event_beneficiary.c.organisation_id).subquery())
    participations = func.coalesce(part.c.participations, 0)
    base = (db.select(Organisation, participations, func.coalesce(part.c.participants, 0),
                      func.coalesce(held.c.meetings, 0))
            .outerjoin(part, part.c.organisation_id == Organisation.id)
            .outerjoin(held, held.c.organisation_id == Organisation.id)
            .where(db.or_(part.c.organisation_id.isnot(None), held.c.organisation_id.isnot(None)),
                   *scope.attendance_conditions()))
    total = db.session.scalar(db.select(func.count()).select_from(base.subquery()))
    query = base.order_by(participations.desc(), Organisation.name)
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    rows = [OrganisationRow(*row) for row in db.session.execute(query)]
    if scope.programme is not None and rows:
        stages = current_stages([row.organisation.id for row in rows], scope.date_to)
        for row in rows:
            row.stage = stages.get((row.organisation.id, scope.programme.id))
    return rows, total


@dataclass
class ParticipantRow:
    person: object
    participations: int
    last_attended: datetime


def participant_rows(scope, group=None, page=1, per_page=PAGE_SIZE):
    """(rows, total): the people behind a participant figure, optionally one group of the
    Comuni / partenariato split, by name."""
    conditions = [_group_expression() == group] if group else []
    sub = (_attendances(scope, Attendance.person_id, func.count(Attendance.id).label("n"),
                        func.max(Event.starts_at).label("last"))
           .where(*conditions).group_by(Attendance.person_id).subquery())
    total = db.session.scalar(db.select(func.count()).select_from(sub))
    query = (db.select(Person, sub.c.n, sub.c.last).join(sub, sub.c.person_id == Person.id)
             .options(db.selectinload(Person.organisation))
             .order_by(Person.last_name, Person.first_name, Person.id))
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    return [ParticipantRow(*row) for row in db.session.execute(query)], total


def attendances_of(person, scope):
    """One person's attendances in the scope, with their events and sources, newest first."""
    return db.session.scalars(
        _attendances(scope, Attendance).where(Attendance.person_id == person.id)
        .options(db.selectinload(Attendance.event), db.selectinload(Attendance.evidence),
                 db.selectinload(Attendance.organisation))
        .order_by(Event.starts_at.desc())).all()



def publish_feedback(programme, publish):
    """Whether the programme's public results page states its average satisfaction (never
    below the answers threshold of fis_events.feedback.figures)."""
    if programme.publishes_feedback != publish:
        programme.publishes_feedback = publish
        audit.record("programme.feedback_published" if publish else "programme.feedback_withdrawn",
                     programme=programme.code)
