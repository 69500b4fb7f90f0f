"""Dashboard, drill-down, exports, public results page and the open-data API."""
import csv
import html
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from fis_events.events import services as events
from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.registration.models import AttendanceMode, Person
from support import validate_response


def text(response):
    return html.unescape(" ".join(response.get_data(as_text=True).split()))


@pytest.mark.parametrize("url", ["/gestione/risultati/", "/gestione/risultati/eventi",
                                 "/gestione/risultati/enti", "/gestione/risultati/partecipanti",
                                 "/gestione/risultati/fasi.csv", "/gestione/risultati/partecipanti.xlsx"])
def test_organisers_only(client, auth, url):
    assert client.get(url).status_code in (302, 401)
    auth.login("door_staff")
    assert client.get(url).status_code == 403


def test_dashboard_shows_every_figure(client, auth, small):
    auth.login("organiser")
    page = text(client.get("/gestione/risultati/?programma=FIS"))
    for expected in ("Incontri di supporto svolti</dt> <dd><a href=\"/gestione/risultati/eventi?programma=FIS&svolti=1\">2</a>",
                     "Partecipanti distinti</dt> <dd><a href=\"/gestione/risultati/partecipanti?programma=FIS\">3</a>",
                     "Somma dei partecipanti per fase</dt> <dd>5</dd>",
                     "Assenti (eventi conclusi)</dt> <dd>1</dd> <dd class=\"small\">20% dei 5 iscritti attesi</dd>",
                     "in presenza: 4 · da remoto: 2", "Come si contano le cifre",
                     "Incontro Bergamo", "Studio di fattibilità"):
        assert expected in page
    assert "data-chart=" in page and "chart.umd.min.js" in page


def test_a_bad_filter_is_refused_and_kept(client, auth, small):
    auth.login("organiser")
    response = client.get("/gestione/risultati/?programma=FIS&dal=2024-13-01&tipo_evento=webinar")
    assert response.status_code == 422
    page = text(response)
    assert "Data iniziale non valida (aaaa-mm-gg)." in page
    assert 'value="2024-13-01"' in page and '<option value="webinar" selected>' in page
    assert "Partecipanti distinti</dt>" not in page
    response = client.get("/gestione/risultati/?dal=2024-02-01&al=2024-01-01")
    assert response.status_code == 422 and "La data finale viene prima" in text(response)


def test_drill_down_from_a_figure_to_people_and_events(client, auth, small):
    auth.login("organiser")
    page = text(client.get("/gestione/risultati/partecipanti?programma=FIS&gruppo=comuni"))
    assert "Anna" in page and "Chiara" not in page and "Elena" not in page
    anna = small.people["anna"]
    page = text(client.get(f"/gestione/risultati/partecipanti/{anna.id}?programma=FIS"))
    assert page.count("Incontro Bergamo") == 1 and "Evento pubblico" in page
    assert "Report della piattaforma" in page and "Scansione QR" in page
    page = text(client.get("/gestione/risultati/eventi?programma=FIS&svolti=1"))
    assert "Incontro Bergamo" in page and "Incontro Genova" in page and "Incontro futuro" not in page
    page = text(client.get(f"/gestione/risultati/?evento={small.events['e1'].id}"))
    assert "Assenti (eventi conclusi)</dt> <dd>1</dd> <dd class=\"small\">33,3% dei 3 iscritti attesi</dd>" in page


def test_exports_csv_and_xlsx(client, auth, small):
    auth.login("organiser")
    response = client.get("/gestione/risultati/fasi.csv?programma=FIS")
    assert response.headers["Content-Disposition"] == 'attachment; filename="fis-fasi.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Fase", "Partecipazioni", "Partecipanti distinti"]
    assert rows[1] == ["Fase di studio di fattibilità", "2", "2", "1"]
    assert rows[2] == ["Fase di sperimentazione", "4", "3", "1"]
    assert rows[-2][2] == "5" and rows[-1][2] == "3"
    for table in ("eventi", "enti", "gruppi", "partecipanti"):
        response = client.get(f"/gestione/risultati/{table}.xlsx?programma=FIS")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data)).active
        assert sheet.max_row > 1
    sheet = load_workbook(io.BytesIO(client.get("/gestione/risultati/enti.xlsx?programma=FIS").data)).active
    assert [c.value for c in sheet[2]][:6] == ["Comune di Bergamo", "Comune capoluogo", None, 3, 1, 1]
    assert client.get("/gestione/risultati/eventi.csv?dal=ieri").status_code == 422


def test_exports_neutralise_formulas(client, auth, small):
    small.people["anna"].last_name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    auth.login("organiser")
    body = client.get("/gestione/risultati/partecipanti.csv?programma=FIS").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_public_results_page_speaks_like_the_programme(client, small):
    page = text(client.get("/programmi/FIS/risultati"))
    assert "<strong>3</strong> Comuni sul territorio nazionale che hanno risposto all'avviso pubblico" in page
    assert "<strong>2</strong> Comuni selezionati in fase di studio di fattibilità" in page
    assert "<strong>1</strong> Comune oggi coinvolto in fase sperimentale" in page
    assert "<strong>2</strong> incontri di supporto ai comuni beneficiari e partner" in page
    assert ("<strong>5</strong> partecipanti complessivi, tra Comuni e partenariato: "
            "2 nella prima fase, 3 nella fase di sperimentazione") in page
    assert "Le persone distinte che hanno partecipato ad almeno un incontro o evento del programma sono 3" in page
    assert "Anna" not in page  # aggregates only
    assert client.get("/programmi/XYZ/risultati").status_code == 404


def test_results_api(client, small):
    doc = client.get("/api/v1/openapi.json").get_json()
    path = "/programmes/{code}/results"
    response = client.get("/api/v1/programmes/FIS/results")
    validate_response(doc, path, response)
    data = response.get_json()
    assert data["participants"] == {"distinct": 3, "phase_sum": 5, "by_group": {
        "comuni": {"participants": 1, "participations": 3},
        "partenariato": {"participants": 1, "participations": 2},
        "non_indicata": {"participants": 1, "participations": 1}}}
    assert data["pipeline"] == {"applied": 3, "feasibility": 2, "experimentation": 1}
    assert [(p["code"], p["participants"], p["support_meetings_held"]) for p in data["phases"]] == [
        ("feasibility", 2, 1), ("experimentation", 3, 1)]
    assert data["no_shows"] == {"count": 1, "expected": 5, "rate": 0.2}
    first = client.get("/api/v1/programmes/FIS/results?phase=feasibility")
    validate_response(doc, path, first)
    assert first.get_json()["participants"]["distinct"] == 2
    for query, field in (("phase=nope", "phase"), ("from=2024-99-01", "from"),
                         ("kind=party", "kind"), ("organisation_kind=x", "organisation_kind")):
        response = client.get(f"/api/v1/programmes/FIS/results?{query}")
        validate_response(doc, path, response)
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field
    missing = client.get("/api/v1/programmes/XYZ/results")
    validate_response(doc, path, missing)
    assert missing.status_code == 404


def add_meetings(programme, phase, count, people_each):
    """More held meetings with their attendances, to count queries at two sizes."""
    now = db.func.now()
    start = (events.utcnow() - timedelta(days=3)).replace(microsecond=0)
    for n in range(count):
        event = events.create_event(title=f"Incontro {n}", kind=EventKind.SUPPORT_MEETING,
                                    starts_at=start, ends_at=start + timedelta(hours=1),
                                    offers_in_person=True, programme=programme, phase=phase)
        events.publish_event(event)
        for m in range(people_each):
            person = Person(email=f"p{n}-{m}-{id(event)}@example.org", first_name="P", last_name=str(m))
            db.session.add(person)
            db.session.flush()
            record_attendance(event, person, AttendanceMode.IN_PERSON, AttendanceSource.MANUAL)
    db.session.commit()
    return now


@pytest.mark.parametrize("url", ["/gestione/risultati/?programma=FIS", "/gestione/risultati/enti?programma=FIS",
                                 "/gestione/risultati/partecipanti?programma=FIS",
                                 "/gestione/risultati/eventi?programma=FIS",
                                 "/programmi/FIS/risultati", "/api/v1/programmes/FIS/results"])
def test_query_count_does_not_grow(client, auth, small, count_queries, url):
    auth.login("organiser")

    def queries():
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    few = queries()
    add_meetings(small.programme, small.second, 6, 4)
    assert queries() == few
