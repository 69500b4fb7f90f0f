"""The door decision table (door_decisions.json) against the server: each case built from real
rows and decided by decide_scan. door_decisions.test.mjs runs the same table against the
scanner's offline decision."""
import json
import secrets
from datetime import datetime
from pathlib import Path

import pytest

from fis_events.checkin import api, services
from fis_events.checkin.results import MESSAGES, ScanResult
from fis_events.events import services as events
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode
from fis_events.registration.qr import qr_payload

TABLE = json.loads((Path(__file__).parent / "door_decisions.json").read_text(encoding="utf-8"))
FIRST_NAME, LAST_NAME = TABLE["person"].split(" ", 1)


def at(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def door_event(make_event):
    """A published event at the table's times, in person with one seat."""

    def make(title):
        event = make_event(title=title, starts_at=at(TABLE["event"]["starts_at"]),
                           ends_at=at(TABLE["event"]["ends_at"]), capacity_in_person=1)
        events.publish_event(event)
        return event

    return make


def register(event, email):
    return registrations.register(event, email=email, first_name=FIRST_NAME, last_name=LAST_NAME,
                                  mode=AttendanceMode.IN_PERSON, source="organiser")[0]


def badge_payload(case, event, door_event):
    """The code the case's badge carries, after making the rows it stands for."""
    if case["badge"] == "none":
        return ""
    if case["badge"] == "other_event":
        return qr_payload(register(door_event("Un altro evento"), "altrove@example.org"))
    if case["badge"] == "waiting":
        register(event, "primo@example.org")  # takes the only seat
    registration = register(event, "badge@example.org")
    if case["badge"] == "cancelled":
        registrations.cancel(registration)
    return qr_payload(registration)


def test_the_table_covers_every_answer_a_scan_can_get():
    expected = {case["expected"] for case in TABLE["decisions"]}
    assert expected == {r.value for r in MESSAGES} - {ScanResult.ENTERED_EARLIER}  # sync only: test_scan_log


@pytest.mark.parametrize("case", TABLE["decisions"], ids=[case["name"] for case in TABLE["decisions"]])
def test_the_server_decides_as_the_table_says(case, door_event):
    event = door_event("Incontro FIS")
    badge = badge_payload(case, event, door_event)
    if "checked_in_at" in case:
        earlier = services.decide_scan(event, badge, secrets.token_hex(8), door="Porta 1",
                                       now=at(case["checked_in_at"]))
        assert earlier.reason is ScanResult.OK
    payload = case.get("payload", "{badge}").replace("{badge}", badge)
    outcome = services.decide_scan(event, payload, secrets.token_hex(8), now=at(case["moment"]))
    assert outcome.reason == case["expected"]
    message = dict(case["message"])
    assert outcome.reason == message.pop("key")
    values = api.message_values(outcome)
    assert {name: values.get(name) for name in message} == message
