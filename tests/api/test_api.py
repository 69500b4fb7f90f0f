"""The read API: shapes, filters, JSON errors, every answer checked against the OpenAPI doc."""
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from fis_events.events import services
from fis_events.events.models import Event, EventKind
from fis_events.extensions import db
from support import openapi_validator as validator_for
from support import validate_response as validate

DATA = json.loads((Path(__file__).resolve().parents[2] / "fis_events" / "demo" / "data"
                   / "genova-2023.json").read_text(encoding="utf-8"))
GENOVA_TITLE = DATA["event"]["title"]


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "load", "--no-users"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return {title: id_ for id_, title in db.session.execute(db.select(Event.id, Event.title))}


@pytest.fixture
def genova_id(demo):
    return demo[GENOVA_TITLE]


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.data
    assert response.headers["Content-Type"] == "application/json"
    return response.get_json()


def by_title(events):
    return {event["title"]: event for event in events}


def test_list_shape(client, genova_id, demo):
    events = get_json(client, "/api/v1/events")["events"]
    assert len(events) == len(demo) == 4
    assert [e["starts_at"] for e in events] == sorted(e["starts_at"] for e in events)
    genova = by_title(events)[GENOVA_TITLE]
    assert genova == {
        "id": genova_id,
        "title": GENOVA_TITLE,
        "kind": "public_event",
        "status": "published",
        "starts_at": "2023-10-24T15:00:00+02:00",
        "ends_at": "2023-10-24T17:00:00+02:00",
        "venue": None,
        "address": None,
        "city": "Genova",
        "host_event": {"title": "40ª Assemblea ANCI", "city": "Genova",
                       "starts_on": "2023-10-24", "ends_on": "2023-10-26"},
        "programme": "FIS",
        "phase": "experimentation",
        "offers_in_person": True,
        "offers_remote": False,
        "invitation_only": False,
        "registration_opens_at": None,
        "registration_closes_at": None,
        "url": f"http://localhost/eventi/{genova_id}",
        "ics_url": f"http://localhost/eventi/{genova_id}/calendario.ics",
    }


def test_meeting_links_are_never_published(client, demo):
    for event_id in demo.values():
        assert b"meet.jit.si" not in client.get(f"/api/v1/events/{event_id}").data
    assert b"meet.jit.si" not in client.get("/api/v1/events").data
    assert "remote_url" not in client.get("/api/v1/events").get_data(as_text=True)


def test_filters(client, demo):
    upcoming = get_json(client, "/api/v1/events?when=upcoming")["events"]
    assert [e["title"] for e in upcoming] == [
        "Innovazione sociale nei Comuni: risultati e prospettive del Programma FIS"]
    past = get_json(client, "/api/v1/events?when=past")["events"]
    assert len(past) == 3
    assert [e["starts_at"] for e in past] == sorted((e["starts_at"] for e in past), reverse=True)
    meetings = get_json(client, "/api/v1/events?kind=support_meeting")["events"]
    assert {e["kind"] for e in meetings} == {"support_meeting"} and len(meetings) == 2
    assert meetings[0]["invitation_only"] is True
    assert len(get_json(client, "/api/v1/events?phase=experimentation")["events"]) == 4
    assert get_json(client, "/api/v1/events?phase=feasibility&when=all")["events"] == []


def test_cancelled_events_are_listed_drafts_are_not(client, make_event):
    cancelled = make_event(title="Annullato")
    services.publish_event(cancelled)
    services.cancel_event(cancelled)
    make_event(title="Bozza")
    (event,) = get_json(client, "/api/v1/events")["events"]
    assert (event["title"], event["status"]) == ("Annullato", "cancelled")


def test_list_searched_like_the_site(client, demo):
    found = get_json(client, "/api/v1/events?q=GENOVA&when=past")["events"]
    assert [event["title"] for event in found] == [GENOVA_TITLE]
    assert get_json(client, "/api/v1/events?q=%25%27_%20%20")["events"] == []
    home = get_json(client, "/api/v1/events?when=home")["events"]
    upcoming = get_json(client, "/api/v1/events?when=upcoming")["events"]
    assert home[:len(upcoming)] == upcoming and len(home) == len(demo)


@pytest.mark.parametrize("query, name", [
    ("when=domani", "when"), ("kind=concerto", "kind"), ("phase=nessuna", "nessuna"),
])
def test_bad_parameters_are_400(client, demo, query, name):
    body = get_json(client, f"/api/v1/events?{query}", status=400)
    assert body["error"]["code"] == "invalid_parameter"
    assert name in body["error"]["message"]
    assert re.search(r"Valore non valido|Fase sconosciuta", body["error"]["message"])


def test_detail_follows_the_published_agenda(client, genova_id):
    event = get_json(client, f"/api/v1/events/{genova_id}")
    assert event["description"] == DATA["event"]["description"]
    assert event["starts_at"] == "2023-10-24T15:00:00+02:00"
    agenda = event["agenda"]
    assert [item["title"] for item in agenda] == [entry["title"] for entry in DATA["agenda"]]
    assert [item["position"] for item in agenda] == list(range(len(DATA["agenda"])))
    assert [item["starts_at"] for item in agenda] == [
        f"2023-10-24T{entry['start']}:00+02:00" if entry["start"] else None
        for entry in DATA["agenda"]]
    assert [item["kind"] for item in agenda] == [entry["kind"] for entry in DATA["agenda"]]
    for item, entry in zip(agenda, DATA["agenda"]):
        assert item["speakers"] == [
            {"name": s["name"], "role": s["role"], "organisation": s["organisation"],
             "remote": s["remote"]} for s in entry["speakers"]]
    panel = next(item for item in agenda if item["kind"] == "panel")
    assert {s["name"]: s["remote"] for s in panel["speakers"]}["Giusy Pino"] is True
    assert sum(s["remote"] for item in agenda for s in item["speakers"]) == 1


def test_detail_of_drafts_and_unknown_events_is_json_404(client, make_event):
    draft = make_event()
    for event_id in (draft.id, draft.id + 1000):
        body = get_json(client, f"/api/v1/events/{event_id}", status=404)
        assert body == {"error": {"code": "not_found", "message": "Evento non trovato."}}


def test_times_are_rome_time_with_offset(client, make_event):
    winter = make_event(kind=EventKind.WEBINAR,
                        starts_at=datetime.fromisoformat("2030-01-15T09:30:00+01:00"),
                        ends_at=datetime.fromisoformat("2030-01-15T11:00:00+01:00"))
    services.publish_event(winter)
    event = get_json(client, f"/api/v1/events/{winter.id}")
    assert (event["starts_at"], event["ends_at"]) == ("2030-01-15T09:30:00+01:00",
                                                      "2030-01-15T11:00:00+01:00")
    assert event["agenda"] == [] and event["host_event"] is None and event["programme"] is None


# ---- the OpenAPI document -----------------------------------------------------------------

def openapi(client):
    return get_json(client, "/api/v1/openapi.json")


def test_every_answer_matches_the_document(client, demo, genova_id, make_event):
    draft = make_event()
    doc = openapi(client)
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    checked = set()
    cases = [
        ("/events", "/api/v1/events"),
        ("/events", "/api/v1/events?when=upcoming"),
        ("/events", "/api/v1/events?when=past&kind=support_meeting&phase=experimentation"),
        ("/events", "/api/v1/events?when=ieri"),
        ("/events/{event_id}", f"/api/v1/events/{genova_id}"),
        ("/events/{event_id}", f"/api/v1/events/{draft.id}"),
        ("/openapi.json", "/api/v1/openapi.json"),
        *(("/events/{event_id}", f"/api/v1/events/{event_id}") for event_id in demo.values()),
    ]
    for path, url in cases:
        response = client.get(url)
        validate(doc, path, response)
        checked.add((path, str(response.status_code)))
    declared = {(path, status) for path, item in doc["paths"].items()
                if "/checkin/" not in path and not path.endswith("/results")
                for status in item["get"]["responses"]}  # check-in: tests/checkin; results: tests/results
    assert checked == declared


def test_document_rejects_what_the_api_must_not_say(client, genova_id):
    """The schemas are closed: a leaked field such as remote_url would fail validation."""
    doc = openapi(client)
    response = client.get(f"/api/v1/events/{genova_id}")
    leaked = {**response.get_json(), "remote_url": "https://meet.jit.si/x"}
    validator = validator_for(doc, "/components/schemas/EventDetail")
    validator.validate(response.get_json())
    assert not validator.is_valid(leaked)


def test_every_api_route_is_documented(app, client):
    doc = openapi(client)
    prefix = doc["servers"][0]["url"]
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix + "/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(prefix):])
            routes.add(path)
            methods = {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
            assert set(doc["paths"][path]) == methods
    assert routes == set(doc["paths"])


def test_unknown_api_paths_and_methods_answer_in_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    response = client.post("/api/v1/events")
    assert response.status_code in (400, 405)
    assert "error" in response.json
