"""The organisers' organisation pages: list, details, stages."""
import html
from datetime import date

import pytest

from fis_events.extensions import db
from fis_events.programme import services
from fis_events.programme.models import OrganisationKind, OrganisationStage, ProgrammeStage
from support import csrf_from, saved_organisation as organisation

LIST = "/gestione/organizzazioni"


def text(response):
    return html.unescape(response.get_data(as_text=True))


def stages():
    db.session.expire_all()
    return db.session.scalars(db.select(OrganisationStage).order_by(OrganisationStage.id)).all()


@pytest.mark.parametrize("method, path", [("get", LIST), ("get", "/{id}"), ("post", "/{id}"),
                                          ("post", "/{id}/tappe")])
def test_only_organisers(client, auth, fis, method, path):
    bergamo = organisation("Comune di Bergamo")
    target = LIST + path.format(id=bergamo.id) if path != LIST else LIST
    response = getattr(client, method)(target, data={"csrf_token": csrf_from(client.get("/accesso"))})
    assert response.status_code == 302 and "/accesso" in response.headers["Location"]
    auth.login("door_staff")
    assert getattr(client, method)(target, data={"csrf_token": csrf_from(client.get("/"))}).status_code == 403


def test_the_list_searches_filters_and_shows_current_stages(client, auth, fis):
    bergamo = organisation("Comune di Forlì")
    organisation("Cooperativa L'Approdo", OrganisationKind.TERZO_SETTORE)
    services.record_stage(bergamo, fis, ProgrammeStage.APPLIED, date(2022, 3, 1))
    services.record_stage(bergamo, fis, ProgrammeStage.FEASIBILITY, date(2022, 9, 1))
    auth.login()
    body = text(client.get(LIST))
    assert "Comune di Forlì" in body and "Studio di fattibilità" in body and "Tappa in FIS" in body
    assert "2 enti trovati" in body
    body = text(client.get(LIST, query_string={"q": "forli"}))
    assert "Comune di Forlì" in body and "Cooperativa" not in body
    body = text(client.get(LIST, query_string={"tipo": "terzo_settore"}))
    assert "Cooperativa L'Approdo" in body and "Comune di Forlì" not in body
    assert "2 enti trovati" in text(client.get(LIST, query_string={"tipo": "sconosciuto"}))
    assert "Organizzazioni e tappe del programma" in text(client.get("/gestione/"))


def test_the_list_pages_by_50(client, auth, app_ctx):
    for n in range(51):
        organisation(f"Ente {n:02d}", OrganisationKind.ALTRO)
    auth.login()
    first = text(client.get(LIST))
    assert "Ente 49" in first and "Ente 50" not in first and "pagina=2" in first
    second = text(client.get(LIST, query_string={"pagina": 2}))
    assert "Ente 50" in second and "Ente 49" not in second


def test_list_queries_do_not_grow_with_rows(client, auth, fis, count_queries):
    auth.login()

    def queries():
        with count_queries() as counter:
            assert client.get(LIST).status_code == 200
        return counter.count

    for n in range(3):
        services.record_stage(organisation(f"Comune {n}"), fis, ProgrammeStage.APPLIED, date(2022, 3, 1))
    few = queries()
    for n in range(3, 45):
        services.record_stage(organisation(f"Comune {n}"), fis, ProgrammeStage.APPLIED, date(2022, 3, 1))
    assert queries() == few


def test_record_and_delete_stages_on_the_page(client, auth, fis):
    bergamo = organisation("Comune di Bergamo")
    auth.login()
    page_url = f"{LIST}/{bergamo.id}"
    page = client.get(page_url)
    token = csrf_from(page)
    assert page.status_code == 200 and token and "Tappa attuale: <strong>nessuna</strong>" in text(page)
    data = {"csrf_token": token, "programme": str(fis.id), "stage": "applied", "reached_on": "2022-03-01",
            "note": "Domanda n. 12"}
    response = client.post(f"{page_url}/tappe", data=data)
    assert response.status_code == 302
    body = text(client.get(page_url))
    assert "Tappa registrata." in body and "martedì 1 marzo 2022" in body and "Domanda n. 12" in body
    assert "Tappa attuale: <strong>Candidatura all'avviso</strong>" in body
    # Experimentation before feasibility: refused beside the field, input kept, nothing written.
    response = client.post(f"{page_url}/tappe", data=dict(data, stage="experimentation",
                                                          reached_on="2023-05-10", note="Delibera"))
    body = text(response)
    assert response.status_code == 422 and "Registra prima la tappa precedente" in body
    assert 'value="2023-05-10"' in body and 'value="Delibera"' in body
    assert len(stages()) == 1
    response = client.post(f"{page_url}/tappe", data=dict(data, reached_on=""))
    assert response.status_code == 422 and "Indica la data" in text(response)
    client.post(f"{page_url}/tappe", data=dict(data, stage="feasibility", reached_on="2022-09-01"))
    applied, feasibility = stages()
    response = client.post(f"/gestione/tappe/{applied.id}/elimina", data={"csrf_token": token},
                           follow_redirects=True)
    assert "viene dopo" in text(response) and len(stages()) == 2
    client.post(f"/gestione/tappe/{feasibility.id}/elimina", data={"csrf_token": token})
    assert [s.stage for s in stages()] == [ProgrammeStage.APPLIED]


def test_a_non_municipality_has_no_stage_form(client, auth, fis):
    cooperative = organisation("Cooperativa L'Approdo", OrganisationKind.TERZO_SETTORE)
    auth.login()
    body = text(client.get(f"{LIST}/{cooperative.id}"))
    assert "solo per i Comuni" in body and "Registra la tappa" not in body
    response = client.post(f"{LIST}/{cooperative.id}/tappe", data={
        "csrf_token": csrf_from(client.get("/")), "programme": str(fis.id), "stage": "applied",
        "reached_on": "2022-03-01"})
    assert response.status_code == 422 and stages() == []


def test_edit_an_organisation(client, auth, fis):
    bergamo = organisation("Comune di Bergamo")
    organisation("Comune di Catanzaro").istat_code = "079023"
    db.session.commit()
    auth.login()
    page_url = f"{LIST}/{bergamo.id}"
    token = csrf_from(client.get(page_url))
    data = {"csrf_token": token, "name": "Comune di Bergamo", "kind": "comune_capoluogo", "istat_code": "16024"}
    response = client.post(page_url, data=data)
    body = text(response)
    assert response.status_code == 422 and "6 cifre" in body and 'value="16024"' in body
    response = client.post(page_url, data=dict(data, istat_code="079023", name="Comune di Bergamo (BG)"))
    body = text(response)
    assert response.status_code == 422 and "già di un altro ente" in body
    assert 'value="Comune di Bergamo (BG)"' in body
    db.session.expire_all()
    assert (bergamo.name, bergamo.istat_code) == ("Comune di Bergamo", None)
    response = client.post(page_url, data=dict(data, istat_code="016024", name="Comune di Bèrgamo"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (bergamo.name, bergamo.istat_code) == ("Comune di Bèrgamo", "016024")
    assert "codice ISTAT 016024" in text(client.get(page_url))
    assert client.get(f"{LIST}/999999").status_code == 404


def test_organisation_page_queries_stay_few(client, auth, fis, count_queries):
    bergamo = organisation("Comune di Bergamo")
    auth.login()
    with count_queries() as counter:
        client.get(f"{LIST}/{bergamo.id}")
    few = counter.count
    for stage, day in zip(ProgrammeStage, (date(2022, 3, 1), date(2022, 9, 1), date(2023, 5, 1))):
        services.record_stage(bergamo, fis, stage, day)
    with count_queries() as counter:
        client.get(f"{LIST}/{bergamo.id}")
    assert counter.count == few
