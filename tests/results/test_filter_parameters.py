"""The results' filters answer to the dashboard's names (dal, al, tipo_evento, tipo_ente) and the
API's (from, to, kind, organisation_kind) alike; a parameter that filters nothing is refused with
422, never ignored; programme codes are case-insensitive. The OpenAPI document lists exactly
the parameters the API takes."""
from datetime import date, timedelta

from fis_events.results.api import ACCEPTED
from support import validate_response

PATH = "/programmes/{code}/results"


def days_ago(n):
    return (date.today() - timedelta(days=n)).isoformat()


def test_the_api_takes_both_names_and_any_case_of_the_code(client, small):
    since = days_ago(100)
    english = client.get(f"/api/v1/programmes/FIS/results?from={since}&to={days_ago(0)}&kind=support_meeting")
    italian = client.get(f"/api/v1/programmes/fis/results?dal={since}&al={days_ago(0)}&tipo_evento=support_meeting")
    assert english.status_code == italian.status_code == 200
    everything = client.get("/api/v1/programmes/FIS/results").get_json()
    for answer in (english, italian):
        data = answer.get_json()
        assert data["scope"]["from"] == since and data["scope"]["kind"] == "support_meeting"
        assert data["programme"]["code"] == "FIS"
    assert english.get_json()["attendances"] == italian.get_json()["attendances"]
    assert english.get_json()["events"] < everything["events"]


def test_the_api_refuses_a_parameter_it_does_not_know(client, small):
    doc = client.get("/api/v1/openapi.json").get_json()
    response = client.get(f"/api/v1/programmes/FIS/results?form={days_ago(10)}")
    validate_response(doc, PATH, response)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("unknown_parameter", "form")
    assert "«form»" in error["message"] and "from" in error["message"]
    wrong_value = client.get("/api/v1/programmes/FIS/results?dal=ieri")
    assert wrong_value.status_code == 400 and wrong_value.get_json()["error"]["field"] == "dal"


def test_the_openapi_document_lists_the_accepted_parameters(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][PATH]["get"]
    query = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    assert query == set(ACCEPTED) == {"phase", "from", "to", "kind", "organisation_kind", "dal",
                                      "al", "tipo_evento", "tipo_ente"}
    assert "422" in operation["responses"]


def test_the_dashboard_and_exports_take_both_names(client, auth, small):
    auth.login("organiser")
    since = days_ago(100)
    italian = client.get(f"/gestione/risultati/eventi.csv?programma=FIS&dal={since}")
    english = client.get(f"/gestione/risultati/eventi.csv?programma=fis&from={since}")
    everything = client.get("/gestione/risultati/eventi.csv?programma=FIS")
    assert italian.status_code == english.status_code == 200
    assert italian.data == english.data != everything.data
    page = client.get(f"/gestione/risultati/?programma=fis&to={since}&pagina=1")
    assert page.status_code == 200
    assert client.get("/programmi/fis/risultati").status_code == 200


def test_the_dashboard_refuses_a_parameter_it_does_not_know(client, auth, small):
    auth.login("organiser")
    page = client.get(f"/gestione/risultati/?programma=FIS&dall={days_ago(10)}")
    assert page.status_code == 422
    assert "Parametro sconosciuto: «dall»" in page.get_data(as_text=True)
    assert client.get("/gestione/risultati/enti.xlsx?tipo=comune").status_code == 422
    # the page's own parameters and the language switch are known
    assert client.get("/gestione/risultati/eventi?svolti=1&pagina=2&lang=en").status_code == 200
