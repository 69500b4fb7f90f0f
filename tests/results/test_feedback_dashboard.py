"""The programme feedback dashboard, its exports, the organisers' panel, and the sentence on the
public results page when a programme opts in."""
import io

import pytest
from openpyxl import load_workbook
from support import csrf_from, validate_response

from fis_events.audit_record import AuditEntry
from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.programme.models import OrganisationKind, Programme
from fis_events.results.exports import TABLES

from feedback.answered import answer, held_event, programme, standard

FEEDBACK_TABLES = [name for name in TABLES if name.startswith("gradimento")]


def build(copies=1, start=0):
    fis = db.session.scalar(db.select(Programme).filter_by(code="FIS")) or programme()
    first, second = fis.phases
    for copy in range(start, start + copies):
        answer(held_event(f"Incontro {copy}", days_ago=200 + copy, programme=fis, phase=first),
               standard(4, 5, 4) + standard(2, 3, 3, kind=OrganisationKind.UNIVERSITA), invited=10)
        answer(held_event(f"Webinar {copy}", days_ago=20 + copy, programme=fis, phase=second,
                          kind=EventKind.WEBINAR), standard(3, 4, 4), invited=7)
    db.session.commit()
    return fis


def test_dashboard_shows_every_breakdown_and_hides_small_cells(app_ctx, client, auth):
    build()
    auth.login()
    response = client.get("/gestione/risultati/gradimento?programma=FIS")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for title in ("Gradimento per fase", "Gradimento per programma", "Gradimento per tipo di evento",
                  "Gradimento per tipo di ente dei partecipanti", "Andamento nel tempo", "Gradimento per evento"):
        assert title in html
    assert "52,9%" in html  # 9 answers of 17 invited
    assert "4,2" in html  # (4*5 + 2*3 + 3*4) / 9 = 4.22
    # the webinar's 3 answers and the università's 2: counts, and no average
    assert "non mostrata" in html
    assert html.count("<canvas") == 2 and "Gradimento degli incontri" in client.get(
        "/gestione/risultati/").get_data(as_text=True)


def test_dashboard_queries_do_not_grow_with_the_data(app_ctx, client, auth, count_queries):
    build()
    auth.login()

    def queries():
        with count_queries() as counter:
            assert client.get("/gestione/risultati/gradimento").status_code == 200
        return counter.count

    few = queries()
    build(copies=4, start=1)
    assert queries() == few


def test_a_bad_filter_answers_422_beside_the_field(app_ctx, client, auth):
    auth.login()
    response = client.get("/gestione/risultati/gradimento?fase=abc")
    assert response.status_code == 422 and "Fase sconosciuta" in response.get_data(as_text=True)


def test_every_feedback_table_exports_as_csv_and_xlsx(app_ctx, client, auth):
    build()
    auth.login()
    assert FEEDBACK_TABLES == ["gradimento", "gradimento_fasi", "gradimento_programmi",
                               "gradimento_tipi_evento", "gradimento_tipi_ente", "gradimento_mesi",
                               "gradimento_eventi"]
    for name in FEEDBACK_TABLES:
        csv = client.get(f"/gestione/risultati/{name}.csv?programma=FIS")
        assert csv.status_code == 200 and csv.mimetype == "text/csv", name
        xlsx = client.get(f"/gestione/risultati/{name}.xlsx?programma=FIS")
        rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
        assert "Risposte" in rows[0] and len(rows) > 1, name
    rows = list(load_workbook(io.BytesIO(client.get("/gestione/risultati/gradimento.xlsx").data))
                .active.iter_rows(values_only=True))
    assert rows[1] == ("Totale", "Tutti gli eventi", 17, 9, 52.9, 4.22, 3.78)
    assert ("Tipo di ente", "Università", 2, 2, 100.0, None, None) in rows


def test_the_organisers_dashboard_has_a_feedback_panel(app_ctx, client, auth):
    build()
    auth.login()
    html = client.get("/gestione/cruscotto").get_data(as_text=True)
    assert "9 risposte ai questionari su 17 invitati (52,9%)" in html
    assert "soddisfazione media 4,2 su 5" in html


def publish(client, code, value):
    page = client.get("/gestione/risultati/gradimento")
    return client.post("/gestione/risultati/gradimento/pubblicazione",
                       data={"csrf_token": csrf_from(page), "programma": code, "pubblica": value})


def test_opting_in_puts_one_sentence_on_the_public_page(app_ctx, client, auth):
    build()
    assert "Soddisfazione media" not in client.get("/programmi/FIS/risultati").get_data(as_text=True)
    auth.login()
    assert publish(client, "FIS", "1").status_code == 302
    assert db.session.scalar(db.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == \
        "programme.feedback_published"
    auth.logout()
    html = client.get("/programmi/FIS/risultati").get_data(as_text=True)
    assert "Soddisfazione media 4,2 su 5, 9 risposte" in html
    english = client.get("/programmi/FIS/risultati?lang=en").get_data(as_text=True)
    assert "Average satisfaction 4.2 out of 5, 9 answers" in english
    auth.login()
    publish(client, "FIS", "0")
    assert "Soddisfazione media" not in client.get("/programmi/FIS/risultati").get_data(as_text=True)
    refused = publish(client, "NOPE", "1")
    assert refused.status_code == 302
    assert "Programma sconosciuto." in client.get(refused.location).get_data(as_text=True)


def test_below_five_answers_the_public_page_says_nothing(app_ctx, client):
    fis = programme()
    fis.publishes_feedback = True
    answer(held_event(programme=fis, phase=fis.phases[0]), standard(4), invited=4)
    db.session.commit()
    assert "Soddisfazione media" not in client.get("/programmi/FIS/risultati").get_data(as_text=True)


def test_open_data_has_aggregates_only_suppressed_below_five(app_ctx, client):
    build()
    doc = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/api/v1/programmes/FIS/results")
    validate_response(doc, "/programmes/{code}/results", response)
    feedback = response.get_json()["feedback"]
    assert feedback["minimum_answers"] == 5
    assert (feedback["invited"], feedback["answers"]) == (17, 9)
    assert feedback["average_satisfaction"] == pytest.approx(38 / 9)
    first, second = feedback["phases"]
    assert first == {"code": "feasibility", "invited": 10, "answers": 6, "response_rate": 0.6,
                     "average_satisfaction": pytest.approx(26 / 6), "average_usefulness": pytest.approx(22 / 6)}
    assert second == {"code": "experimentation", "invited": 7, "answers": 3,
                      "response_rate": pytest.approx(3 / 7), "average_satisfaction": None,
                      "average_usefulness": None}
    assert "text" not in response.get_data(as_text=True).lower().replace("context", "")
    uni = client.get("/api/v1/programmes/FIS/results?organisation_kind=universita").get_json()["feedback"]
    assert (uni["answers"], uni["average_satisfaction"]) == (2, None)
