"""Public pages: the event list and the event page with its agenda."""
from flask import Blueprint, abort, render_template, request

from ..db_types import parse_id, parse_page, utcnow
from ..extensions import db
from ..programme.models import Phase, Programme
from .models import EventKind
from .services import SEARCH_LENGTH, get_event, public_events_query, registration_state
from .structured import event_json_ld

bp = Blueprint("public", __name__)

PER_PAGE = 20


def get_public_event(event_id, with_agenda=True):
    """A published or cancelled event; drafts are not public (organisers use the preview)."""
    event = get_event(event_id, public=True, with_agenda=with_agenda)
    if event is None:
        abort(404)
    return event


@bp.route("/")
@bp.route("/eventi/")
def index():
    """Upcoming public events, then the latest past ones; meetings by invitation only on request
    (`accesso=invito`), never mixed in; `q` searches them (events.services.search_words)."""
    when = request.args.get("quando", "home")
    if when not in ("home", "upcoming", "past"):
        when = "home"
    invitation_only = request.args.get("accesso") == "invito"
    search = request.args.get("q", "")
    kind = request.args.get("tipo") or None
    try:
        kind = EventKind(kind) if kind else None
    except ValueError:
        kind = None
    phase_id = parse_id(request.args.get("fase"))
    phase = db.session.get(Phase, phase_id) if phase_id else None
    phases = db.session.scalars(db.select(Phase).order_by(Phase.programme_id, Phase.position)).all()
    return render_template(
        "events/index.html",
        events=db.paginate(
            public_events_query(when, kind=kind, phase_ids=[phase.id] if phase else None,
                                search=search, invitation_only=invitation_only),
            page=parse_page(request.args.get("pagina")), per_page=PER_PAGE, max_per_page=PER_PAGE,
            error_out=False,
        ),
        when=when, kind=kind, phase=phase, phases=phases, kinds=list(EventKind), now=utcnow(),
        search=search[:SEARCH_LENGTH], invitation_only=invitation_only,
        programmes=db.session.scalars(db.select(Programme).order_by(Programme.name)).all(),
    )


@bp.route("/eventi/<int:event_id>")
def event(event_id):
    event = get_public_event(event_id)
    return render_template("events/event.html", event=event, preview=False,
                           registration_state=registration_state(event),
                           structured=event_json_ld(event))


@bp.route("/eventi/<int:event_id>/stampa")
def printable(event_id):
    return render_template("events/print.html", event=get_public_event(event_id))
