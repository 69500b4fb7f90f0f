"""Organisations and their stages in a programme: every rule and every refusal."""
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from fis_events.errors import DomainError
from fis_events.extensions import db
from fis_events.programme import services
from fis_events.programme.models import (Organisation, OrganisationKind, OrganisationStage, Programme,
                                         ProgrammeStage)

from support import commit_test_work
from support import saved_organisation as comune

APPLIED, FEASIBILITY, EXPERIMENTATION = ProgrammeStage


def refused(call, field=None, match=None):
    """The call is refused, and the test (its own boundary) rolls back only that attempt."""
    commit_test_work()
    with pytest.raises(DomainError, match=match) as error:
        call()
    db.session.rollback()
    if field is not None:
        assert error.value.field == field
    return error.value


# ---- stages ---------------------------------------------------------------------------------

def test_stages_in_order_with_their_history(fis):
    bergamo = comune()
    services.record_stage(bergamo, fis, APPLIED, date(2022, 3, 1), note="Domanda n. 12")
    services.record_stage(bergamo, fis, FEASIBILITY, date(2022, 3, 1))  # the same day is fine
    services.record_stage(bergamo, fis, EXPERIMENTATION, date(2023, 5, 10))
    history = services.stage_history(bergamo, fis)
    assert [(s, e.reached_on) for s, e in history.items()] == [
        (APPLIED, date(2022, 3, 1)), (FEASIBILITY, date(2022, 3, 1)), (EXPERIMENTATION, date(2023, 5, 10))]
    assert history[APPLIED].note == "Domanda n. 12"
    assert services.current_stage(bergamo, fis) is EXPERIMENTATION
    assert services.current_stage(bergamo, fis, on=date(2023, 5, 9)) is FEASIBILITY
    assert services.current_stage(bergamo, fis, on=date(2022, 2, 28)) is None


def test_only_municipalities_have_stages(fis):
    for kind in (OrganisationKind.TERZO_SETTORE, OrganisationKind.FORMEZ, OrganisationKind.ALTRO):
        organisation = comune(f"Ente {kind.value}", kind)
        refused(lambda: services.record_stage(organisation, fis, APPLIED, date(2022, 3, 1)), "stage",
                "solo per i Comuni")
    metropolitana = comune("Città metropolitana di Genova", OrganisationKind.CITTA_METROPOLITANA)
    services.record_stage(metropolitana, fis, APPLIED, date(2022, 3, 1))


def test_a_stage_needs_the_previous_one_on_or_before_its_date(fis):
    bergamo = comune()
    error = refused(lambda: services.record_stage(bergamo, fis, FEASIBILITY, date(2022, 3, 1)), "stage")
    assert "Candidatura all'avviso" in error.message
    services.record_stage(bergamo, fis, APPLIED, date(2022, 3, 1))
    refused(lambda: services.record_stage(bergamo, fis, EXPERIMENTATION, date(2022, 4, 1)), "stage",
            "Studio di fattibilità")
    error = refused(lambda: services.record_stage(bergamo, fis, FEASIBILITY, date(2022, 2, 28)),
                    "reached_on")
    assert "non può precedere" in error.message and "1 marzo 2022" in error.message
    assert db.session.scalar(db.select(db.func.count(OrganisationStage.id))) == 1


def test_a_stage_others_rest_on_stays_and_keeps_its_place(fis):
    bergamo = comune()
    services.record_stage(bergamo, fis, APPLIED, date(2022, 3, 1))
    services.record_stage(bergamo, fis, FEASIBILITY, date(2022, 6, 1))
    error = refused(lambda: services.delete_stage(services.stage_history(bergamo, fis)[APPLIED]))
    assert "«Studio di fattibilità» viene dopo" in error.message
    assert len(services.stage_history(bergamo, fis)) == 2
    # A history that lost an earlier stage (data from elsewhere) still cannot get it back after
    # the later one.
    db.session.execute(db.delete(OrganisationStage).filter_by(stage=APPLIED))
    db.session.commit()
    db.session.expire_all()
    error = refused(lambda: services.record_stage(bergamo, fis, APPLIED, date(2022, 7, 1)), "reached_on")
    assert "non può seguire" in error.message


def test_no_date_in_the_future_and_a_date_is_needed(fis):
    bergamo = comune()
    refused(lambda: services.record_stage(bergamo, fis, APPLIED, services.today() + timedelta(days=1)),
            "reached_on", "futura")
    refused(lambda: services.record_stage(bergamo, fis, APPLIED, None), "reached_on")
    services.record_stage(bergamo, fis, APPLIED, services.today())


def test_each_stage_once(fis):
    bergamo = comune()
    services.record_stage(bergamo, fis, APPLIED, date(2022, 3, 1))
    refused(lambda: services.record_stage(bergamo, fis, APPLIED, date(2022, 3, 2)), "stage",
            "già registrata")
    # The database says the same, whoever writes.
    db.session.add(OrganisationStage(organisation=bergamo, programme=fis, stage=APPLIED,
                                     reached_on=date(2022, 3, 2)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Another programme has its own stages.
    other = Programme(code="ALTRO", name="Altro programma")
    db.session.add(other)
    services.record_stage(bergamo, other, APPLIED, date(2022, 3, 2))


def test_delete_the_last_stage(fis):
    bergamo = comune()
    services.record_stage(bergamo, fis, APPLIED, date(2022, 3, 1))
    services.record_stage(bergamo, fis, FEASIBILITY, date(2022, 6, 1))
    services.delete_stage(services.stage_history(bergamo, fis)[FEASIBILITY])
    services.delete_stage(services.stage_history(bergamo, fis)[APPLIED])
    assert services.current_stage(bergamo, fis) is None


def test_pipeline_counts_in_one_query(fis, count_queries):
    """The programme's published pipeline: 34 applied, 21 in feasibility, 18 in experimentation."""
    other = Programme(code="ALTRO", name="Altro programma")
    db.session.add(other)
    for n in range(34):
        organisation = comune(f"Comune {n:02d}")
        services.record_stage(organisation, fis, APPLIED, date(2022, 3, 1))
        if n < 21:
            services.record_stage(organisation, fis, FEASIBILITY, date(2022, 9, 1))
        if n < 18:
            services.record_stage(organisation, fis, EXPERIMENTATION, date(2023, 5, 1) + timedelta(days=n))
        if n < 3:
            services.record_stage(organisation, other, APPLIED, date(2022, 3, 1))
    db.session.refresh(fis)  # loaded beforehand, as the results page has it
    with count_queries() as counter:
        counts = services.pipeline_counts(fis)
    assert counter.count == 1, counter.statements
    assert counts == {APPLIED: 34, FEASIBILITY: 21, EXPERIMENTATION: 18}
    assert services.pipeline_counts(fis, on=date(2023, 5, 5)) == {APPLIED: 34, FEASIBILITY: 21,
                                                                  EXPERIMENTATION: 5}
    assert services.pipeline_counts(fis, on=date(2022, 2, 1)) == dict.fromkeys(ProgrammeStage, 0)


def test_current_stages_of_many_in_one_query(fis, count_queries):
    bergamo, catanzaro, genova = comune(), comune("Comune di Catanzaro"), comune("Comune di Genova")
    services.record_stage(bergamo, fis, APPLIED, date(2022, 3, 1))
    services.record_stage(bergamo, fis, FEASIBILITY, date(2022, 9, 1))
    services.record_stage(catanzaro, fis, APPLIED, date(2022, 3, 1))
    ids = [bergamo.id, catanzaro.id, genova.id]
    with count_queries() as counter:
        stages = services.current_stages(ids)
    assert counter.count == 1
    assert stages == {(bergamo.id, fis.id): FEASIBILITY, (catanzaro.id, fis.id): APPLIED}
    assert services.current_stages([]) == {}


# ---- organisations --------------------------------------------------------------------------

def test_update_an_organisation(fis):
    bergamo = comune("comune di bergamo")
    services.update_organisation(bergamo, name="  Comune   di Bergamo ", kind=OrganisationKind.COMUNE_CAPOLUOGO,
                                 istat_code=" 016024 ")
    db.session.expire_all()
    assert (bergamo.name, bergamo.istat_code, bergamo.search_name) == ("Comune di Bergamo", "016024",
                                                                       "comune di bergamo")
    services.update_organisation(bergamo, name="Comune di Bergamo", kind=OrganisationKind.COMUNE_CAPOLUOGO,
                                 istat_code="")
    assert bergamo.istat_code is None


@pytest.mark.parametrize("fields, field, match", [
    (dict(name=" "), "name", "obbligatorio"),
    (dict(name="Comune di Catanzaro"), "name", "Esiste già"),
    (dict(istat_code="16024"), "istat_code", "6 cifre"),
    (dict(istat_code="01602A"), "istat_code", "6 cifre"),
    (dict(istat_code="079023"), "istat_code", "già di un altro ente"),
    (dict(kind=OrganisationKind.TERZO_SETTORE), "kind", "tappe registrate"),
])
def test_organisation_refusals_change_nothing(fis, fields, field, match):
    catanzaro = comune("Comune di Catanzaro")
    catanzaro.istat_code = "079023"
    bergamo = comune()
    services.record_stage(bergamo, fis, APPLIED, date(2022, 3, 1))
    values = dict(name="Comune di Bergamo", kind=OrganisationKind.COMUNE_CAPOLUOGO, istat_code="016024")
    values.update(fields)
    refused(lambda: services.update_organisation(bergamo, **values), field, match)
    db.session.expire_all()
    assert (bergamo.name, bergamo.kind, bergamo.istat_code) == ("Comune di Bergamo",
                                                                OrganisationKind.COMUNE_CAPOLUOGO, None)


def test_istat_codes_are_unique_in_the_database(app_ctx):
    comune().istat_code = "016024"
    db.session.commit()
    db.session.add(Organisation(name="Doppione", istat_code="016024"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_search_ignores_case_accents_and_apostrophes(app_ctx):
    for name, kind in (("Comune di Forlì", OrganisationKind.COMUNE_CAPOLUOGO),
                       ("Cooperativa L'Approdo", OrganisationKind.TERZO_SETTORE),
                       ("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)):
        comune(name, kind)

    def names(*args):
        return [o.name for o in db.session.scalars(services.organisations_query(*args))]

    assert names("FORLI") == ["Comune di Forlì"]
    assert names("lapprodo") == ["Cooperativa L'Approdo"]
    assert names(None, OrganisationKind.COMUNE_CAPOLUOGO) == ["Comune di Bergamo", "Comune di Forlì"]
    assert names("comune", OrganisationKind.TERZO_SETTORE) == []
