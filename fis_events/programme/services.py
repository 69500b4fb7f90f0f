"""Rules for organisations and their progress through a programme.

A municipality reaches the stages of a programme in order (applied → feasibility →
experimentation), each on a date: the history is what the pipeline counts (34 → 21 → 18) are
computed from. The rules here keep that history consistent; the database keeps each stage
unique per organisation and programme.
"""
import re
from datetime import datetime

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint, case, exists, func

from .. import audit_record as audit
from ..errors import DomainError
from ..extensions import db
from ..i18n import ROME, long_date
from ..search import organisation_key, search_key
from ..sql import insert_row_unless_exists, refused_on_conflict
from .models import (Organisation, OrganisationAlias, OrganisationKind, OrganisationStage,
                     ProgrammeStage, organisation_keys)

ISTAT_CODE = re.compile(r"\d{6}")


def today():
    """The programme works on Italian dates."""
    return datetime.now(ROME).date()


# ---- phases ---------------------------------------------------------------------------------

def phase_on(programme, moment):
    """The phase whose dates contain `moment` (a datetime, taken in Rome time), or None.

    A phase without an end is still running; one with no dates at all matches nothing. When
    phases overlap, the later one (by position) wins."""
    day = moment.astimezone(ROME).date()
    matching = [phase for phase in programme.phases
                if (phase.starts_on or phase.ends_on)
                and (phase.starts_on is None or phase.starts_on <= day)
                and (phase.ends_on is None or day <= phase.ends_on)]
    return matching[-1] if matching else None


# ---- organisations --------------------------------------------------------------------------

def organisations_query(search=None, kind=None):
    """Organisations by name, optionally narrowed by a search (ignoring case, accents and
    apostrophes) and a kind."""
    query = db.select(Organisation).order_by(Organisation.search_name, Organisation.id)
    key = search_key(search) if search else ""
    if key:
        query = query.where(Organisation.search_name.like(f"%{key}%"))
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return query


def update_organisation(organisation, *, name, kind, istat_code=None):
    """Rename, reclassify or give an ISTAT code; nothing is written on error."""
    name = " ".join((name or "").split())
    istat_code = (istat_code or "").strip() or None
    if not name:
        raise DomainError(_("Il nome è obbligatorio."), field="name")
    if istat_code is not None and not ISTAT_CODE.fullmatch(istat_code):
        raise DomainError(_("Il codice ISTAT è di 6 cifre, ad esempio 016024."), field="istat_code")
    if not kind.is_municipality and organisation.stages:
        raise DomainError(_("Questo ente ha tappe registrate nel programma, che valgono solo per i "
                            "Comuni: elimina prima le tappe o scegli un tipo di Comune."), field="kind")
    others = db.select(Organisation.id).where(Organisation.id != organisation.id)
    if db.session.scalar(others.where(Organisation.name == name)):
        raise DomainError(_("Esiste già un ente con questo nome."), field="name")
    if organisation_key(name)[:Organisation.match_key.type.length] != organisation.match_key:
        same = match_organisation(name)
        if same is not None and same.id != organisation.id:
            raise DomainError(_("«%(name)s» è già tra gli enti: se sono lo stesso ente, uniscili.",
                                name=same.name), field="name")
    if istat_code and db.session.scalar(others.where(Organisation.istat_code == istat_code)):
        raise DomainError(_("Il codice ISTAT %(code)s è già di un altro ente.", code=istat_code),
                          field="istat_code")
    with refused_on_conflict(_("Nome o codice ISTAT appena assegnati a un altro ente: riprova."),
                             "name"):
        organisation.name, organisation.kind, organisation.istat_code = name, kind, istat_code
        if kind is not OrganisationKind.UNCLASSIFIED:
            organisation.declared_kind = None
    audit.record("organisation.updated", target=organisation)
    return organisation


# ---- stages ---------------------------------------------------------------------------------

def stage_history(organisation, programme):
    """{stage: entry} of one organisation in one programme."""
    return {entry.stage: entry for entry in organisation.stages if entry.programme_id == programme.id}


def record_stage(organisation, programme, stage, reached_on, note=None, user=None):
    """An organisation reached a stage of a programme on a date."""
    if not organisation.kind.is_municipality:
        raise DomainError(_("Le tappe del programma si registrano solo per i Comuni e le Città "
                            "metropolitane."), field="stage")
    if reached_on is None:
        raise DomainError(_("Indica la data."), field="reached_on")
    if reached_on > today():
        raise DomainError(_("La data non può essere futura."), field="reached_on")
    history = stage_history(organisation, programme)
    if stage in history:
        raise DomainError(_("«%(stage)s» è già registrata, con data %(date)s.", stage=stage.label,
                            date=long_date(history[stage].reached_on)), field="stage")
    stages = list(ProgrammeStage)
    if stage.rank > 0:
        previous = history.get(stages[stage.rank - 1])
        if previous is None:
            raise DomainError(_("Registra prima la tappa precedente, «%(stage)s».",
                                stage=stages[stage.rank - 1].label), field="stage")
        if previous.reached_on > reached_on:
            raise DomainError(_("La data non può precedere quella della tappa «%(stage)s» (%(date)s).",
                                stage=previous.stage.label, date=long_date(previous.reached_on)),
                              field="reached_on")
    following = next((history[s] for s in stages[stage.rank + 1:] if s in history), None)
    if following is not None and following.reached_on < reached_on:
        raise DomainError(_("La data non può seguire quella della tappa «%(stage)s» (%(date)s).",
                            stage=following.stage.label, date=long_date(following.reached_on)),
                          field="reached_on")
    with refused_on_conflict(_("«%(stage)s» è appena stata registrata da qualcun altro.",
                               stage=stage.label), "stage"):
        entry = OrganisationStage(organisation=organisation, programme=programme, stage=stage,
                                  reached_on=reached_on, note=(note or "").strip() or None,
                                  recorded_by_id=getattr(user, "id", None))
        db.session.add(entry)
    audit.record("organisation.stage_recorded", target=organisation, user=user, stage=stage,
                 programme=programme.id, reached_on=reached_on)
    return entry


def delete_stage(entry):
    """Take back a wrongly recorded stage, unless a later stage rests on it."""
    later = [s for s in stage_history(entry.organisation, entry.programme) if s.rank > entry.stage.rank]
    if later:
        raise DomainError(_("Non si può eliminare «%(stage)s»: la tappa «%(later)s» viene dopo. "
                            "Elimina prima quella.", stage=entry.stage.label,
                            later=max(later, key=lambda s: s.rank).label))
    audit.record("organisation.stage_deleted", target=entry.organisation, stage=entry.stage,
                 programme=entry.programme_id, reached_on=entry.reached_on)
    entry.organisation.stages.remove(entry)
    db.session.delete(entry)


def current_stage(organisation, programme, on=None):
    """The furthest stage reached on or before `on` (today by default), or None."""
    stages = db.session.scalars(db.select(OrganisationStage.stage).where(
        OrganisationStage.organisation_id == organisation.id,
        OrganisationStage.programme_id == programme.id,
        OrganisationStage.reached_on <= (on or today()))).all()
    return max(stages, key=lambda s: s.rank, default=None)


def current_stages(organisation_ids, on=None):
    """{(organisation id, programme id): furthest stage} for many organisations, in one query."""
    if not organisation_ids:
        return {}
    rows = db.session.execute(db.select(
        OrganisationStage.organisation_id, OrganisationStage.programme_id, OrganisationStage.stage)
        .where(OrganisationStage.organisation_id.in_(organisation_ids),
               OrganisationStage.reached_on <= (on or today()))).all()
    furthest = {}
    for organisation_id, programme_id, stage in rows:
        key = (organisation_id, programme_id)
        if key not in furthest or stage.rank > furthest[key].rank:
            furthest[key] = stage
    return furthest


def pipeline_counts(programme, on=None):
    """{stage: organisations that had reached it on or before `on`}, every stage present, from
    one query: the pipeline (34 → 21 → 18) as the history says, never typed."""
    rows = db.session.execute(
        db.select(OrganisationStage.stage, func.count(OrganisationStage.organisation_id.distinct()))
        .where(OrganisationStage.programme_id == programme.id,
               OrganisationStage.reached_on <= (on or today()))
        .group_by(OrganisationStage.stage)).all()
    counted = dict(rows)
    return {stage: counted.get(stage, 0) for stage in ProgrammeStage}


def match_organisation(name):
    """The known organisation a typed name means, or None. Six digits are an ISTAT code; any
    other name matches by organisation_key ("COMUNE DI  BERGAMO" is Comune di Bergamo), among
    the organisations (a classified one before one still to classify, then the oldest: the
    typed copies of a name came later) and then among the names of merged duplicates."""
    name = " ".join((name or "").split())
    if ISTAT_CODE.fullmatch(name):
        found = db.session.scalar(db.select(Organisation).filter_by(istat_code=name))
        if found is not None:
            return found
    key = organisation_key(name)[:Organisation.match_key.type.length]
    if not key:
        return None
    unclassified_last = case((Organisation.kind == OrganisationKind.UNCLASSIFIED, 1), else_=0)
    return db.session.scalar(
        db.select(Organisation).where(Organisation.match_key == key)
        .order_by(unclassified_last, Organisation.id).limit(1)) or db.session.scalar(
        db.select(Organisation).join(OrganisationAlias).where(OrganisationAlias.match_key == key))


def known_organisations(leaving_out=None):
    """(value, label) of the forms' list of known organisations (a <datalist>): each name, with
    its ISTAT code as label, and each merged name as the label of the organisation it now is, so
    that typing either offers the organisation. Two queries."""
    organisations = db.select(Organisation.name, Organisation.istat_code).order_by(Organisation.name)
    aliases = (db.select(Organisation.name, OrganisationAlias.name).join(OrganisationAlias)
               .order_by(OrganisationAlias.name))
    if leaving_out is not None:
        organisations = organisations.where(Organisation.id != leaving_out.id)
        aliases = aliases.where(Organisation.id != leaving_out.id)
    return db.session.execute(organisations).all() + db.session.execute(aliases).all()


def find_or_create_organisation(name, kind=None, declared_kind=None):
    """The organisation a typed name means (match_organisation), created if none: of `kind`
    when the caller knows it (the demo data, an organiser's form), otherwise "da classificare", keeping the kind the
    person said (`declared_kind`) for the organiser who classifies it. Safe when two requests
    create the same name at once: the name is unique, and the second one's INSERT does nothing
    (after waiting for the first one's transaction) and it reads the first one's row."""
    name = " ".join((name or "").split())
    if not name:
        return None
    organisation = match_organisation(name)
    if organisation is None:
        organisation = insert_row_unless_exists(Organisation, dict(
            name=name, kind=kind or OrganisationKind.UNCLASSIFIED,
            declared_kind=None if kind else declared_kind, **organisation_keys(name)), ["name"])
    if organisation is None:  # the same name, created a moment ago by another request
        organisation = db.session.scalar(db.select(Organisation).filter_by(name=name))
    return organisation


# ---- duplicates -----------------------------------------------------------------------------

#: sent once two organisations became one, inside the merge's transaction (the totals' snapshots
#: answer it: every figure by kind of organisation may have changed)
organisations_merged = Namespace().signal("organisations-merged")


def likely_duplicates():
    """Groups of organisations that look like one: names with the same organisation_key (made
    before names were matched by key, or typed while a twin was being created), or a name that
    is another organisation's merged name (that one first). By key; three queries."""
    shared = (db.select(Organisation.match_key).group_by(Organisation.match_key)
              .having(func.count(Organisation.id) > 1))
    aliased = (db.select(OrganisationAlias.match_key).join(Organisation)
               .where(OrganisationAlias.match_key != Organisation.match_key))
    groups = {}
    for key, owner in db.session.execute(
            db.select(OrganisationAlias.match_key, Organisation).join(Organisation)
            .where(OrganisationAlias.match_key.in_(aliased))):
        groups[key] = [owner]
    for organisation in db.session.scalars(db.select(Organisation).where(
            Organisation.match_key != "",
            Organisation.match_key.in_(shared) | Organisation.match_key.in_(aliased))
            .order_by(Organisation.match_key, Organisation.id)):
        groups.setdefault(organisation.match_key, []).append(organisation)
    return [groups[key] for key in sorted(groups) if len(groups[key]) > 1]


def merge_organisations(survivor, merged, user=None):
    """`merged` becomes `survivor`: every row that names it (people, invitations, speakers,
    attendances, beneficiaries, stages, whichever domain owns them) moves, its names stay as
    aliases so typing them again finds the survivor, its ISTAT code moves if the survivor has
    none, and `merged` is deleted. Where a unique rule would be broken the survivor's row stays
    (one beneficiary per event), and of two dates of the same stage the earlier one."""
    if merged.id == survivor.id:
        raise DomainError(_("Scegli un ente diverso da questo."), field="merged_name")
    # a no-op write first: the row lock (PostgreSQL) or write lock (SQLite) until the commit, so
    # two organisers merging the same duplicate at once merge it once
    table = Organisation.__table__
    if not db.session.execute(table.update().where(table.c.id == merged.id)
                              .values(match_key=table.c.match_key)).rowcount:
        raise DomainError(_("«%(name)s» è appena stato unito a un altro ente.", name=merged.name),
                          field="merged_name")
    if merged.stages and not survivor.kind.is_municipality:
        raise DomainError(_("«%(name)s» ha tappe nel programma, che valgono solo per i Comuni: "
                            "fai restare un Comune, o classifica prima questo ente.",
                            name=merged.name), field="merged_name")
    _keep_earlier_stages(survivor, merged)
    names = [merged.name] + [alias.name for alias in merged.aliases]
    istat_code, merged.istat_code = merged.istat_code, None
    db.session.flush()
    moved = {table.name: _move_references(table, column, survivor.id, merged.id)
             for table, column in _references()}
    db.session.expire_all()
    taken = set(db.session.scalars(db.select(OrganisationAlias.match_key)))
    for name in names:
        key = organisation_key(name)[:OrganisationAlias.match_key.type.length]
        if key and key not in taken:
            taken.add(key)
            db.session.add(OrganisationAlias(organisation_id=survivor.id, name=name, match_key=key))
    if survivor.istat_code is None:
        survivor.istat_code = istat_code
    audit.record("organisation.merged", target=survivor, user=user, merged=merged.id,
                 count=moved.get("person", 0))
    db.session.delete(merged)
    db.session.flush()
    organisations_merged.send(survivor)
    return survivor


def _keep_earlier_stages(survivor, merged):
    """A stage both reached stays once, on the survivor, with the earlier date (the histories
    each run in order, so the earlier dates do too)."""
    for entry in list(merged.stages):
        twin = stage_history(survivor, entry.programme).get(entry.stage)
        if twin is not None:
            twin.reached_on = min(twin.reached_on, entry.reached_on)
            merged.stages.remove(entry)
            db.session.delete(entry)


def _references():
    """(table, column) of every foreign key to organisation.id, in every domain: a merge must
    move them all, including ones added later."""
    target = Organisation.__table__.c.id
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column is target:
                yield table, foreign_key.parent


def _move_references(table, column, survivor_id, merged_id):
    """Point `column` at the survivor; first drop the merged rows a unique rule of the table
    would refuse (the survivor already has that row). How many rows moved."""
    uniques = [c for c in table.constraints if isinstance(c, (PrimaryKeyConstraint, UniqueConstraint))]
    for constraint in uniques + [index for index in table.indexes if index.unique]:
        if constraint.columns.contains_column(column):
            others = [c for c in constraint.columns if c is not column]
            twin = table.alias()
            db.session.execute(table.delete().where(column == merged_id, exists().where(
                twin.c[column.name] == survivor_id, *(twin.c[c.name] == c for c in others))))
    return db.session.execute(table.update().where(column == merged_id)
                              .values({column.name: survivor_id})).rowcount
