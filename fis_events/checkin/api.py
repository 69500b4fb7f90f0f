"""Check-in JSON API under /api/v1/events/<id>/checkin/ (in the OpenAPI document)."""
from datetime import datetime, timezone

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _

from ..accounts.models import Role
from ..db_types import is_id
from ..errors import DomainError
from ..events.models import Event, EventStatus
from ..programme.services import find_or_create_organisation
from ..extensions import db
from ..i18n import long_date, short_time
from ..registration.models import AttendanceMode, Registration
from ..text import check_text
from . import results, services
from .access import checkin_actor
from .results import ScanResult

bp = Blueprint("checkin_api", __name__, url_prefix="/api/v1/events/<int:event_id>/checkin")


def message_values(outcome):
    """What the door's sentence names: the person let in, the earlier entry, the other event."""
    summary = outcome.summary
    if outcome.reason is ScanResult.OK:
        return {"name": summary["person"]["name"]}
    if "previous" in summary:
        previous = summary["previous"]
        where = ", ".join(x for x in (previous["door"], short_name(previous["by"])) if x)
        return {"time": short_time(previous["at"]), "where": where}
    if outcome.reason is ScanResult.OTHER_EVENT:
        other = summary["other_event"]
        return {"title": other["title"], "date": long_date(other["starts_at"])}
    return {}


def message_for(outcome):
    """The sentence the door shows, in the staff's language."""
    return results.message(outcome.reason, message_values(outcome))


def short_name(name):
    """"Maria R.": enough for colleagues at the door, no more."""
    parts = (name or "").split()
    return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else (name or None)


def outcome_data(outcome):
    """One door answer. Counts are not in it: they cost a count over the whole event, and the
    scanner asks /counts once for a burst of scans instead."""
    summary = outcome.summary
    data = {"result": outcome.reason, "message": message_for(outcome), "replayed": outcome.replayed,
            "scan_id": summary["scan_id"]}
    if "person" in summary:
        data["person"] = summary["person"]
    if "previous" in summary:
        data["previous"] = {"at": summary["previous"]["at"].isoformat(), "door": summary["previous"]["door"]}
    if "other_event" in summary:
        other = summary["other_event"]
        data["other_event"] = {**other, "starts_at": other["starts_at"].isoformat()}
    return data


def event_and_actor(event_id):
    """The published event (as services.door_event reads it) and who is at its door."""
    event = services.door_event(event_id)
    if event is None or event.status is not EventStatus.PUBLISHED:
        abort(404)
    user, device = checkin_actor(event)
    return event, user, device


def body():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data


def text(data, name, limit=None):
    """A text field of a request body, at most `limit` characters; missing or null is empty."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(_("«%(name)s» deve essere un testo.", name=name), field=name)
    if limit is not None and len(value) > limit:
        raise DomainError(_("«%(name)s» può avere al massimo %(max)d caratteri.", name=name, max=limit),
                          field=name)
    return check_text(value, field=name)


def parse_time(value):
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise DomainError(_("Orario senza fuso orario."), field="client_time")
        return moment.astimezone(timezone.utc)  # year 1 at +01:00 is not a time in UTC
    except (ValueError, OverflowError):
        raise DomainError(_("Orario non valido."), field="client_time") from None


@bp.errorhandler(DomainError)
def refused(error):
    return jsonify(error={"code": "invalid", "field": error.field, "message": error.message}), 422


@bp.route("/scan", methods=["POST"])
def scan(event_id):
    event, user, device = event_and_actor(event_id)
    data = body()
    outcome = decide(event, data, user, device)
    return jsonify(outcome_data(outcome))


def decide(event, scan, user, device, offline=False):
    """One scan of a request: whatever the payload is, it is only ever compared with ours."""
    return services.decide_scan(event, str(scan.get("payload", ""))[:500], text(scan, "nonce"),
                                client_time=parse_time(scan.get("client_time")), device=device,
                                user=user, door=text(scan, "door", 50), offline=offline)


@bp.route("/sync", methods=["POST"])
def sync(event_id):
    """Scans decided offline, in the order they were made; answered one by one."""
    event, user, device = event_and_actor(event_id)
    scans = body().get("scans")
    if not isinstance(scans, list) or len(scans) > 1000:
        abort(400)
    results = []
    for item in sorted((s for s in scans if isinstance(s, dict)), key=lambda s: str(s.get("client_time", ""))):
        outcome = decide(event, item, user, device, offline=True)
        results.append({"nonce": item.get("nonce"), **outcome_data(outcome)})
    return jsonify(results=results, counts=services.counts(event_id))


@bp.route("/search")
def search(event_id):
    event, _user, _device = event_and_actor(event_id)
    found = services.search(event, check_text(request.args.get("q", "")[:100], field="q"))
    present = services.attendances_by_registration(event, [r.id for r in found])
    return jsonify(results=[{
        "registration_id": r.id, "name": r.person.full_name,
        "organisation": r.person.organisation.name if r.person.organisation else None,
        "email": r.person.email, "mode": r.mode.value, "status": r.status.value,
        "checked_in_at": present[r.id].recorded_at.isoformat() if r.id in present else None,
    } for r in found])


@bp.route("/counts")
def counts(event_id):
    event, _user, _device = event_and_actor(event_id)
    return jsonify(services.counts(event_id))


def registration_of(event, data):
    registration = db.session.get(Registration, data["registration_id"]) if is_id(
        data.get("registration_id")) else None
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


@bp.route("/manual", methods=["POST"])
def manual(event_id):
    event, user, device = event_and_actor(event_id)
    data = body()
    outcome = services.manual_checkin(event, registration_of(event, data), text(data, "nonce"),
                                      user=user, device=device, door=text(data, "door", 50))
    return jsonify(outcome_data(outcome))


@bp.route("/undo", methods=["POST"])
def undo(event_id):
    event, user, device = event_and_actor(event_id)
    data = body()
    services.undo_checkin(event, registration_of(event, data), user=user, device=device,
                          door=text(data, "door", 50))
    return jsonify(result="undone", counts=services.counts(event_id))


@bp.route("/walk-in", methods=["POST"])
def walk_in(event_id):
    event, user, device = event_and_actor(event_id)
    data = body()
    try:
        mode = AttendanceMode(data.get("mode"))
    except ValueError:
        raise DomainError(_("Scegli la modalità."), field="mode") from None
    organisation_name = text(data, "organisation", 200)
    override = bool(data.get("override")) and user is not None and user.has_role(Role.ADMIN, Role.ORGANISER)
    registration, outcome = services.walk_in(
        db.session.get(Event, event.id),  # the whole event: registering checks its capacities
        email=text(data, "email", 254), first_name=text(data, "first_name", 100),
        last_name=text(data, "last_name", 100), mode=mode,
        organisation=lambda: find_or_create_organisation(organisation_name),
        role=text(data, "role", 200) or None, user=user, device=device,
        door=text(data, "door", 50), override=override)
    return jsonify(outcome_data(outcome))


@bp.route("/offline")
def offline(event_id):
    event, _user, _device = event_and_actor(event_id)
    response = jsonify(services.offline_data(event))
    response.headers["Cache-Control"] = "private, no-store"
    return response
