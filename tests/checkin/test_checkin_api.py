"""The check-in API: who may call it, its answers against the OpenAPI document, and parallel scans
through a real threaded server."""
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
from jsonschema import Draft202012Validator

from fis_events.accounts.models import User
from fis_events.checkin import services
from fis_events.extensions import db
from fis_events.participation.models import Attendance
from fis_events.programme.models import Organisation, OrganisationKind
from fis_events.registration.qr import qr_payload
from support import PASSWORD, csrf_from


def api(client, event, action, payload=None, token=None):
    url = f"/api/v1/events/{event.id}/checkin/{action}"
    if payload is None:
        return client.get(url)
    return client.post(url, json=payload, headers={"X-CSRFToken": token})


def token_for(client):
    return csrf_from(client.get("/"))


def validate(client, path, method, response):
    doc = client.get("/api/v1/openapi.json").json
    schema = doc["paths"][path][method]["responses"][str(response.status_code)]["content"][
        "application/json"]["schema"]
    resolver_doc = {**schema, "components": doc["components"]}
    Draft202012Validator(resolver_doc).validate(response.get_json())


def test_scan_as_organiser_matches_the_document(client, auth, today_event, registered):
    event = today_event()
    registration = registered(event)
    auth.login()
    token = token_for(client)
    response = api(client, event, "scan", {"payload": qr_payload(registration), "nonce": "a1",
                                           "door": "Porta 2"}, token)
    assert response.status_code == 200 and response.json["result"] == "ok"
    assert response.json["message"] == "OK: Niccolò D'Angelo 1"
    validate(client, "/events/{event_id}/checkin/scan", "post", response)
    again = api(client, event, "scan", {"payload": qr_payload(registration), "nonce": "a2"}, token)
    assert again.json["result"] == "already_checked_in"
    assert re.match(r"Già entrato alle \d\d\.\d\d \(Porta 2, Organiser\)", again.json["message"])
    other = registered(today_event(title="Assemblea di Genova"), 5)
    response = api(client, event, "scan", {"payload": qr_payload(other), "nonce": "a3"}, token)
    assert response.json["result"] == "other_event"
    assert "Assemblea di Genova" in response.json["message"]
    for action in ("counts", "offline", "search?q=nicco"):
        response = api(client, event, action)
        path = "/events/{event_id}/checkin/" + action.split("?")[0]
        validate(client, path, "get", response)


def test_a_scan_sends_eight_statements_and_a_repeat_six(client, auth, today_event, registered,
                                                        count_queries):
    """The door rush path: event, user, badge (registration, person, organisation, attendance in
    one SELECT), then, in a savepoint, attendance, its evidence and the scan row; a repeat
    writes only the scan."""
    event = today_event()
    url, payload = f"/api/v1/events/{event.id}/checkin/scan", qr_payload(registered(event))
    auth.login()
    headers = {"X-CSRFToken": token_for(client)}
    with count_queries() as first:
        assert client.post(url, json={"payload": payload, "nonce": "q1"},
                           headers=headers).json["result"] == "ok"
    with count_queries() as again:
        assert client.post(url, json={"payload": payload, "nonce": "q2"},
                           headers=headers).json["result"] == "already_checked_in"
    assert (first.count, again.count) == (8, 6), first.statements + again.statements


def test_api_without_csrf_is_refused(client, auth, today_event, registered):
    event = today_event()
    auth.login()
    response = client.post(f"/api/v1/events/{event.id}/checkin/scan", json={"payload": "x", "nonce": "n"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


@pytest.mark.parametrize("who,status", [(None, 401), ("door_staff", 403), ("door_staff_assigned", 200),
                                        ("organiser", 200), ("admin", 200)])
def test_who_may_scan(client, auth, today_event, who, status):
    event = today_event()
    if who == "door_staff_assigned":
        email = auth.user("door_staff")
        services.assign_staff(event, db.session.scalar(db.select(User).filter_by(email=email)))
        auth.login("door_staff")
    elif who:
        auth.login(who)
    response = api(client, event, "counts")
    assert response.status_code == status
    if status != 200:
        assert "error" in response.json


def test_door_staff_of_event_a_cannot_work_event_b(client, auth, today_event, registered):
    event_a, event_b = today_event(title="A"), today_event(title="B")
    email = auth.user("door_staff")
    services.assign_staff(event_a, db.session.scalar(db.select(User).filter_by(email=email)))
    auth.login("door_staff")
    assert api(client, event_a, "search?q=nicco").status_code == 200
    assert api(client, event_b, "search?q=nicco").status_code == 403
    assert api(client, event_b, "offline").status_code == 403


def test_paired_device_works_for_its_event_only(client, auth, today_event, registered, app):
    event, other = today_event(), today_event(title="Altro")
    registration = registered(event)
    code = services.create_pairing(event)
    page = client.get(f"/ingresso/abbina/{code}")
    assert page.status_code == 200
    response = client.post(f"/ingresso/abbina/{code}", data={"csrf_token": csrf_from(page), "name": "Porta 3"})
    assert response.status_code == 302 and response.location.endswith(f"/ingresso/eventi/{event.id}")
    scanner = client.get(response.location).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', scanner).group(1)
    response = api(client, event, "scan", {"payload": qr_payload(registration), "nonce": "d1"}, token)
    assert response.json.get("result") == "ok", response.json
    assert api(client, other, "counts").status_code == 401
    device, count = services.devices_of(event)[0]
    assert device.name == "Porta 3" and count == 1 and device.last_used_at is not None
    services.revoke_device(device)
    assert api(client, event, "counts").status_code == 401


def test_walk_in_undo_and_manual_through_the_api(client, auth, today_event, registered):
    event = today_event(capacity_in_person=1)
    registered(event, 1)
    auth.login("organiser")
    token = token_for(client)
    walk = {"first_name": "Ada", "last_name": "Bianchi", "email": "ada@example.org", "mode": "in_person",
            "organisation": "Comune di Bergamo"}
    response = api(client, event, "walk-in", walk, token)
    assert response.status_code == 422 and "Posti esauriti" in response.json["error"]["message"]
    response = api(client, event, "walk-in", {**walk, "override": True}, token)
    assert response.json["result"] == "ok"
    # the door does not say what a new organisation is: an organiser will
    assert db.session.scalar(db.select(Organisation.kind)) is OrganisationKind.UNCLASSIFIED
    registration_id = response.json["person"]["registration_id"]
    assert api(client, event, "undo", {"registration_id": registration_id}, token).status_code == 200
    response = api(client, event, "manual", {"registration_id": registration_id, "nonce": "m1"}, token)
    assert response.json["result"] == "ok"
    assert api(client, event, "counts").json["in_person"] == {"checked_in": 1, "expected": 2}


def test_sync_decides_offline_scans_in_order(client, auth, today_event, registered):
    event = today_event()
    people = [registered(event, n) for n in range(3)]
    auth.login()
    token = token_for(client)
    scans = [{"payload": qr_payload(p), "nonce": f"s{n}", "client_time": f"2000-01-01T00:00:0{n}Z"}
             for n, p in enumerate(people)]
    response = api(client, event, "sync", {"scans": scans}, token)
    assert [r["result"] for r in response.json["results"]] == ["not_today"] * 3
    from fis_events.db_types import utcnow
    now = utcnow().isoformat()
    scans = [{**s, "nonce": s["nonce"] + "x", "client_time": now} for s in scans]
    response = api(client, event, "sync", {"scans": scans + scans}, token)  # sent twice: replays
    results = response.json["results"]
    assert [r["result"] for r in results] == ["ok"] * 6
    assert sorted(r["replayed"] for r in results) == [False] * 3 + [True] * 3
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 3


# ---- parallel scans through a real server --------------------------------------------------

def logged_in_opener(base):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/accesso").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    opener.open(f"{base}/accesso", urllib.parse.urlencode(
        {"email": "organiser@example.org", "password": PASSWORD, "csrf_token": token}).encode())
    page = opener.open(f"{base}/").read().decode()
    return opener, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def post_scan(opener, token, url, payload, nonce):
    request = urllib.request.Request(url, json.dumps({"payload": payload, "nonce": nonce}).encode(),
                                     {"Content-Type": "application/json", "X-CSRFToken": token})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, json.loads(response.read())["result"]
    except urllib.error.HTTPError as error:
        return error.code, None


def test_the_same_badge_from_20_threads_and_20_badges_from_20_threads(auth, live_server, today_event,
                                                                      registered):
    event = today_event()
    auth.user("organiser")
    badge = registered(event, 0)
    others = [registered(event, n) for n in range(1, 21)]
    badge_payload, other_payloads = qr_payload(badge), [qr_payload(r) for r in others]
    opener, token = logged_in_opener(live_server)
    url = f"{live_server}/api/v1/events/{event.id}/checkin/scan"
    with ThreadPoolExecutor(max_workers=20) as pool:
        same = list(pool.map(lambda n: post_scan(opener, token, url, badge_payload, f"same-{n}"), range(20)))
        different = list(pool.map(lambda p: post_scan(opener, token, url, p, f"diff-{p[-8:]}"), other_payloads))
    assert sorted(same) == sorted([(200, "ok")] + [(200, "already_checked_in")] * 19)
    assert different == [(200, "ok")] * 20
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 21


def test_a_walk_in_may_come_without_an_email_as_at_the_register(client, auth, today_event):
    """Issue 12: the door asked for an address that organisers never need at the register."""
    from fis_events.notify.models import OutboxMessage
    from fis_events.registration.models import Person, Registration

    event = today_event()
    auth.login("door_staff")
    services.assign_staff(event, db.session.scalar(db.select(User).filter_by(email=auth.user("door_staff"))))
    page = client.get(f"/ingresso/eventi/{event.id}").get_data(as_text=True)
    email_input = re.search(r'<input[^>]*id="walkin-email"[^>]*>', page).group(0)
    assert "required" not in email_input and "E-mail (facoltativa)" in page
    token = token_for(client)
    walk = {"first_name": "Ada", "last_name": "Bianchi", "mode": "in_person",
            "organisation": "Comune di Bergamo"}
    response = api(client, event, "walk-in", walk, token)
    assert response.status_code == 200 and response.json["result"] == "ok"
    person = db.session.scalars(db.select(Person)).one()
    assert person.email is None and person.organisation.name == "Comune di Bergamo"
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.kind != "door_staff_assigned")) == 0  # nobody to write to
    again = api(client, event, "walk-in", {**walk, "email": ""}, token)  # the same person, once
    assert again.json["result"] == "already_checked_in"
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1
