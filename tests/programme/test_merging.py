"""Duplicate organisations: found by their key, merged by organisers through the pages; what
named the merged one follows it, the totals too."""
import html
import re
from datetime import date, timedelta

import pytest

from fis_events.audit_record import AuditEntry
from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.errors import DomainError
from fis_events.events.models import EventKind, Speaker, event_beneficiary
from fis_events.extensions import db
from fis_events.participation.models import Attendance, AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.programme import services
from fis_events.programme.models import (Organisation, OrganisationAlias, OrganisationKind,
                                         OrganisationStage, ProgrammeStage)
from fis_events.registration.models import AttendanceMode, Invitation, Person
from fis_events.search import organisation_key
from support import csrf_from

DUPLICATES = "/gestione/organizzazioni/doppioni"


def text(response):
    return html.unescape(response.get_data(as_text=True))


def typed(name, kind):
    """An organisation as the old exact-name lookup made them: a new row for every spelling."""
    organisation = Organisation(name=name, kind=kind)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def merge(client, survivor, merged_name, page=None):
    page = page or client.get(f"/gestione/organizzazioni/{survivor.id}")
    return client.post(f"/gestione/organizzazioni/{survivor.id}/unisci",
                       data={"csrf_token": csrf_from(page), "merged_name": merged_name})


@pytest.mark.parametrize("name", ["Comune di Bergamo", "comune di  bergamo ", "COMUNE DI BERGAMO",
                                  "Comune Bergamo", "Comune di Bérgamo", "Comune, di Bergamo.",
                                  "Bergamo"])
def test_one_key_for_the_ways_people_type_a_name(name):
    assert organisation_key(name) == "bergamo"


def test_keys_keep_different_organisations_apart():
    keys = {organisation_key(name) for name in (
        "Comune di Genova", "Città metropolitana di Genova", "Università di Genova",
        "Provincia di Genova", "Fondazione Carige S.p.A.")}
    assert len(keys) == 5
    assert organisation_key("Fondazione Carige SpA") == organisation_key("Fondazione Carige S.p.A.")
    assert organisation_key("Comune de L'Aquila") == organisation_key("Comune dell'Aquila")


def test_matching_by_key_istat_code_and_alias(fis):
    bergamo = typed("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    bergamo.istat_code = "016024"
    db.session.add(OrganisationAlias(organisation=bergamo, name="Municipio di Bergamo",
                                     match_key=organisation_key("Municipio di Bergamo")))
    db.session.commit()
    for name in ("COMUNE DI BERGAMO", "bergamo", "016024", "municipio  bergamo"):
        assert services.match_organisation(name) == bergamo
    assert services.match_organisation("Comune di Brescia") is None
    new = services.find_or_create_organisation("Comune di Brescia", declared_kind=OrganisationKind.COMUNE_CAPOLUOGO)
    assert (new.kind, new.declared_kind) == (OrganisationKind.UNCLASSIFIED, OrganisationKind.COMUNE_CAPOLUOGO)
    assert services.find_or_create_organisation("COMUNE DI BRESCIA") == new


def test_a_classified_organisation_wins_over_one_to_classify(fis):
    unclassified = typed("comune bergamo", OrganisationKind.UNCLASSIFIED)
    bergamo = typed("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    assert services.match_organisation("Comune di Bergamo ") == bergamo != unclassified


def test_likely_duplicates_are_listed(client, auth, fis):
    bergamo = typed("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    typed("COMUNE DI BERGAMO", OrganisationKind.ALTRO)
    typed("Comune Bergamo", OrganisationKind.UNCLASSIFIED)
    typed("Comune di Brescia", OrganisationKind.COMUNE_CAPOLUOGO)
    db.session.add(OrganisationAlias(organisation=bergamo, name="Municipio di Bergamo",
                                     match_key=organisation_key("Municipio di Bergamo")))
    typed("Municipio  di Bergamo", OrganisationKind.UNCLASSIFIED)
    groups = services.likely_duplicates()
    assert [[o.name for o in group] for group in groups] == [
        ["Comune di Bergamo", "COMUNE DI BERGAMO", "Comune Bergamo"],
        ["Comune di Bergamo", "Municipio  di Bergamo"]]
    auth.login()
    page = text(client.get(DUPLICATES))
    assert "2 gruppi di possibili doppioni" in page and "Comune di Brescia" not in page
    assert "Tieni questo, unisci «COMUNE DI BERGAMO»" in page
    assert "Possibili doppioni" in text(client.get("/gestione/organizzazioni"))


def test_a_merge_moves_everything_that_named_the_duplicate(client, auth, fis, make_event):
    bergamo = typed("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    copy = typed("COMUNE DI BERGAMO", OrganisationKind.COMUNE_CAPOLUOGO)
    copy.istat_code = "016024"
    today = date.today()
    for organisation, days in ((bergamo, (300,)), (copy, (400, 200))):
        for stage, ago in zip(ProgrammeStage, days):
            db.session.add(OrganisationStage(organisation=organisation, programme=fis, stage=stage,
                                             reached_on=today - timedelta(days=ago)))
    event = make_event(beneficiaries=[bergamo, copy], invitation_only=True)
    other = make_event(title="Altro evento", beneficiaries=[copy])
    anna = Person(email="anna@example.org", first_name="Anna", last_name="Rossi", organisation=copy)
    db.session.add_all([anna, Speaker(name="Bruno Verdi", organisation=copy),
                        Invitation(event=event, email="x@example.org", organisation=copy, token="t1")])
    db.session.commit()
    attendance, _created = record_attendance(event, anna, AttendanceMode.IN_PERSON, AttendanceSource.MANUAL)
    db.session.commit()
    copy_id = copy.id
    auth.login()

    response = merge(client, bergamo, "COMUNE DI BERGAMO")
    assert response.status_code == 302
    assert "«COMUNE DI BERGAMO» è stato unito a questo ente." in text(client.get(response.location))
    db.session.expire_all()
    assert db.session.get(Organisation, copy_id) is None
    assert db.session.get(Person, anna.id).organisation_id == bergamo.id
    assert db.session.get(Attendance, attendance.id).organisation_id == bergamo.id
    assert db.session.scalar(db.select(Speaker.organisation_id)) == bergamo.id
    assert db.session.scalar(db.select(Invitation.organisation_id)) == bergamo.id
    assert sorted(db.session.execute(db.select(event_beneficiary)).all()) == sorted(
        [(event.id, bergamo.id), (other.id, bergamo.id)])
    stages = {s.stage: s.reached_on for s in db.session.scalars(db.select(OrganisationStage))}
    assert stages == {ProgrammeStage.APPLIED: today - timedelta(days=400),
                      ProgrammeStage.FEASIBILITY: today - timedelta(days=200)}
    bergamo = db.session.get(Organisation, bergamo.id)
    assert bergamo.istat_code == "016024" and [a.name for a in bergamo.aliases] == ["COMUNE DI BERGAMO"]
    [entry] = db.session.scalars(db.select(AuditEntry).filter_by(action="organisation.merged")).all()
    assert (entry.target_id, entry.details) == (bergamo.id, {"merged": copy_id, "count": 1})
    assert "Altri nomi: «COMUNE DI BERGAMO»" in text(client.get(f"/gestione/organizzazioni/{bergamo.id}"))
    auth.login("admin")
    assert (f"Ha unito all'ente Comune di Bergamo il suo doppione n. {copy_id} (persone spostate: 1)"
            in text(client.get("/gestione/registro-attivita")))
    assert services.likely_duplicates() == []


def test_a_merged_name_typed_again_finds_the_survivor(client, auth, open_event):
    cooperative = typed("Cooperativa Sociale L'Approdo", OrganisationKind.TERZO_SETTORE)
    typed("Approdo Cooperativa", OrganisationKind.UNCLASSIFIED)
    auth.login()
    assert merge(client, cooperative, "Approdo Cooperativa").status_code == 302
    auth.logout()
    event = open_event()
    url = f"/eventi/{event.id}/iscrizione"
    response = client.post(url, data={
        "csrf_token": csrf_from(client.get(url)), "first_name": "Carla", "last_name": "Neri",
        "email": "carla@example.org", "organisation": "approdo, cooperativa", "mode": "in_person",
        "privacy_notice": "y"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Person).filter_by(email="carla@example.org")).organisation == cooperative
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1


@pytest.mark.parametrize("merged_name, message", [
    ("Comune di Bergamo", "Scegli un ente diverso da questo."),
    ("Comune di Nessuno", "Nessun ente si chiama «Comune di Nessuno»: scegli il nome dall'elenco."),
    ("", "Campo obbligatorio."),
    ("Comune Bergamo", "ha tappe nel programma, che valgono solo per i Comuni"),
])
def test_a_refused_merge_changes_nothing(client, auth, fis, merged_name, message):
    bergamo = typed("Comune di Bergamo", OrganisationKind.UNCLASSIFIED)
    copy = typed("Comune Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    services.record_stage(copy, fis, ProgrammeStage.APPLIED, date.today())
    db.session.commit()
    auth.login()
    response = merge(client, bergamo, merged_name)
    assert response.status_code == 422
    page = text(response)
    assert message in page and f'value="{merged_name}"' in page
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 2
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="organisation.merged")) is None


def test_a_duplicate_merged_meanwhile_is_refused(fis):
    bergamo = typed("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    copy = typed("COMUNE DI BERGAMO", OrganisationKind.ALTRO)
    with db.engine.begin() as conn:  # another organiser's merge, committed meanwhile
        conn.execute(db.delete(Organisation).where(Organisation.id == copy.id))
    with pytest.raises(DomainError, match="è appena stato unito a un altro ente"):
        services.merge_organisations(bergamo, copy)


def test_renaming_onto_another_organisations_name_is_refused(client, auth, fis):
    typed("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    brescia = typed("Comune di Brescia", OrganisationKind.COMUNE_CAPOLUOGO)
    auth.login()
    url = f"/gestione/organizzazioni/{brescia.id}"
    response = client.post(url, data={"csrf_token": csrf_from(client.get(url)), "name": "BERGAMO",
                                      "kind": "comune_capoluogo", "istat_code": ""})
    assert response.status_code == 422
    assert "«Comune di Bergamo» è già tra gli enti: se sono lo stesso ente, uniscili." in text(response)


GROUP = re.compile(r"Partecipanti: (Comuni|Partenariato|Organizzazione non indicata)</dt>\s*"
                   r"<dd><a [^>]*>(\d+)</a></dd>")


def dashboard_groups(client):
    return {group: int(n) for group, n in GROUP.findall(text(client.get("/gestione/risultati/?programma=FIS")))}


def by_hand():
    """Each attendance's group, from its organisation's kind, counted in Python."""
    counts = {"Comuni": 0, "Partenariato": 0, "Organizzazione non indicata": 0}
    for attendance in db.session.scalars(db.select(Attendance)):
        kind = attendance.organisation.kind if attendance.organisation else None
        group = ("Organizzazione non indicata" if kind in (None, OrganisationKind.UNCLASSIFIED)
                 else "Comuni" if kind.is_municipality else "Partenariato")
        counts[group] += 1
    return counts


def test_the_dashboard_follows_a_merge(client, auth, fis):
    bergamo = typed("Comune di Bergamo", OrganisationKind.COMUNE_CAPOLUOGO)
    upper = typed("COMUNE DI BERGAMO", OrganisationKind.ALTRO)
    loose = typed("comune bergamo", OrganisationKind.UNCLASSIFIED)
    coop = typed("Cooperativa Alfa", OrganisationKind.TERZO_SETTORE)
    start = utcnow() - timedelta(days=10)
    event = events.create_event(title="Incontro Bergamo", kind=EventKind.SUPPORT_MEETING,
                                starts_at=start, ends_at=start + timedelta(hours=2),
                                offers_in_person=True, programme=fis)
    events.publish_event(event)
    for n, organisation in enumerate((bergamo, upper, upper, loose, coop)):
        person = Person(email=f"p{n}@example.org", first_name=f"P{n}", last_name="Rossi",
                        organisation=organisation)
        db.session.add(person)
        db.session.flush()
        record_attendance(event, person, AttendanceMode.IN_PERSON, AttendanceSource.MANUAL)
    db.session.commit()
    auth.login()
    before = dashboard_groups(client)
    assert before == {"Comuni": 1, "Partenariato": 3, "Organizzazione non indicata": 1} == by_hand()

    page = client.get(DUPLICATES)
    assert merge(client, bergamo, "COMUNE DI BERGAMO", page).status_code == 302
    assert merge(client, bergamo, "comune bergamo", page).status_code == 302
    db.session.expire_all()
    after = dashboard_groups(client)
    assert after == {"Comuni": 4, "Partenariato": 1} and by_hand() == dict(after, **{"Organizzazione non indicata": 0})
