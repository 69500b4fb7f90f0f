"""The authorisation matrix: every route of the app, asked by every kind of visitor.

ROUTES has one entry per endpoint and method of `app.url_map` (HEAD and OPTIONS aside: Flask
answers them for the GET). Each entry says how to build the URL, pointing at event A's objects,
and the answer each role must get. A route added without an entry fails
test_every_route_is_in_the_matrix, and so does an entry whose route is gone.

Roles: anonymous; link_holder (no account: the personal links of a registration at event A);
staff_a and staff_b (door staff assigned to event A only, to event B only); organiser; admin;
device_a (a phone paired for event A's door, no account).

Answers: OK, anything but a refusal (a POST carries a valid CSRF token and an empty or minimal
body, so 400/422 or a redirect back count); LOGIN, a redirect to the log-in page (HTML pages);
401 (JSON APIs, nobody logged in); 403 (logged in, wrong role or another event); 404 for the
personal links asked without their token (every role but the link holder only knows a made-up
one). OK never accepts 401, 403, 404, 405 or 5xx, so a URL built wrong shows up as a mismatch.

The data are built once for the module (each user costs a scrypt hash and a log-in), so the
module replaces the per-test emptying of tables with one at its end. Every request goes through
a new client carrying the role's cookies, so a log-out or a language switch stays there, and a
POST that changes something works on an object made for that request (a registration to cancel,
an agenda item to delete...), leaving the shared ones as they were.
"""
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable
from urllib.parse import urlsplit

import pytest
from support import PASSWORD, csrf_from, empty_tables

from fis_events.accounts.models import Role, User
from fis_events.accounts.services import create_user
from fis_events.certificates.services import issue_certificate
from fis_events.checkin import services as checkin
from fis_events.checkin.access import DEVICE_COOKIE
from fis_events.db_types import utcnow
from fis_events.events import copying
from fis_events.events import services as events
from fis_events.events.models import AgendaItem, AgendaItemKind, Event, EventKind, EventSeries
from fis_events.extensions import db
from fis_events.feedback.sending import invite
from fis_events.feedback.services import ensure_questionnaire
from fis_events.participation.models import Attendance, AttendanceSource
from fis_events.materials import services as materials
from fis_events.meetings import services as meetings
from fis_events.participation import overview
from fis_events.participation.services import record_attendance
from fis_events.programme.models import Organisation, OrganisationKind, Programme, ProgrammeStage
from fis_events.programme.services import record_stage
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode, Person, Registration
from fis_events.reports import services as reports

ROLES = ("anonymous", "link_holder", "staff_a", "staff_b", "organiser", "admin", "device_a")
STAFF_EMAILS = {"staff_a": "porta-a@example.org", "staff_b": "porta-b@example.org",
                "organiser": "organizzatore@example.org", "admin": "admin@example.org"}
ROLE_OF = {"staff_a": Role.DOOR_STAFF, "staff_b": Role.DOOR_STAFF, "organiser": Role.ORGANISER,
           "admin": Role.ADMIN}

OK, LOGIN = "ok", "login"


def answers(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES}


#: anyone: public pages, feeds, open data, and what a code or a pairing link opens by itself
PUBLIC = answers(OK)
#: any logged-in staff member, whatever the role
STAFF = answers(OK, anonymous=LOGIN, link_holder=LOGIN, device_a=LOGIN)
ORGANISERS = answers(403, anonymous=LOGIN, link_holder=LOGIN, device_a=LOGIN, organiser=OK, admin=OK)
ADMINS = answers(403, anonymous=LOGIN, link_holder=LOGIN, device_a=LOGIN, admin=OK)
#: event A's door: its staff, organisers, its paired phone; staff of B get 403
DOOR_PAGE = answers(OK, anonymous=LOGIN, link_holder=LOGIN, staff_b=403)
DOOR_API = answers(OK, anonymous=401, link_holder=401, staff_b=403)
#: organiser pages the page script also calls for JSON: 401 instead of a redirect to a page
ORGANISERS_JSON = {**ORGANISERS, "anonymous": 401, "link_holder": 401, "device_a": 401}
#: personal links: the token is the key; without it (everyone else) the page does not exist
LINK = answers(404, link_holder=OK)


@dataclass
class Route:
    expected: dict
    #: view arguments (and query string): (world, scene, role) -> dict; scene is event A's
    args: Callable = lambda w, s, r: {}
    form: dict = field(default_factory=dict)
    #: a JSON body instead of a form: (world, scene) -> dict
    json: Callable | None = None
    headers: dict = field(default_factory=dict)


def event_args(w, s, r):
    return {"event_id": s.event_id}


def meeting_args(w, s, r):
    return {"event_id": w.meeting_id}


def token_args(w, s, r):
    return {"token": w.token(r)}


JSON_ACCEPT = {"Accept": "application/json"}
#: routes that end the user's sessions on the server when they succeed
ENDS_SESSIONS = {("accounts.logout", "POST")}
UP = {"direction": "up"}

ROUTES = {
    ("accounts.login", "GET"): Route(PUBLIC),
    ("accounts.login", "POST"): Route(PUBLIC),
    ("accounts.logout", "POST"): Route(STAFF),
    ("accounts.password", "GET"): Route(STAFF),
    ("accounts.password", "POST"): Route(STAFF),
    ("accounts_manage.users", "GET"): Route(ADMINS),
    ("accounts_manage.disable", "POST"): Route(ADMINS, lambda w, s, r: {"user_id": w.fresh_user()}),
    ("api.event", "GET"): Route(PUBLIC, event_args),
    ("api.events", "GET"): Route(PUBLIC),
    ("api.openapi", "GET"): Route(PUBLIC),
    ("audit.export", "GET"): Route(ADMINS),
    ("audit.log", "GET"): Route(ADMINS),
    ("badges.event_badges", "GET"): Route(ORGANISERS, event_args),
    ("badges.registration_badge", "GET"): Route(
        ORGANISERS, lambda w, s, r: {"registration_id": s.registration_id}),
    ("calendar.event_ics", "GET"): Route(PUBLIC, event_args),
    ("calendar.feed", "GET"): Route(PUBLIC),
    ("calendar.programme_feed", "GET"): Route(PUBLIC, lambda w, s, r: {"code": w.programme_code}),
    ("calendar.series_feed", "GET"): Route(PUBLIC, lambda w, s, r: {"series_id": w.series_id}),
    ("certificates.check", "GET"): Route(PUBLIC, lambda w, s, r: {"code": w.certificate_code}),
    ("certificates.download", "GET"): Route(LINK, token_args),
    ("certificates.verify", "GET"): Route(PUBLIC),
    ("certificates_manage.event_certificates", "GET"): Route(ORGANISERS, event_args),
    ("checkin.index", "GET"): Route(STAFF),
    ("checkin.pair", "GET"): Route(PUBLIC, lambda w, s, r: {"code": w.pairing_code}),
    ("checkin.pair", "POST"): Route(PUBLIC, lambda w, s, r: {"code": w.pairing_code}),
    ("checkin.scanner", "GET"): Route(DOOR_PAGE, event_args),
    ("checkin.service_worker", "GET"): Route(PUBLIC),
    ("checkin.decoder_worker", "GET"): Route(PUBLIC),
    ("checkin_api.counts", "GET"): Route(DOOR_API, event_args),
    ("checkin_api.manual", "POST"): Route(  # no nonce: refused (422) before any write
        DOOR_API, event_args, json=lambda w, s: {"registration_id": s.door_registration_id}),
    ("checkin_api.offline", "GET"): Route(DOOR_API, event_args),
    ("checkin_api.scan", "POST"): Route(DOOR_API, event_args, json=lambda w, s: {}),
    ("checkin_api.search", "GET"): Route(DOOR_API, lambda w, s, r: {"event_id": s.event_id, "q": "ro"}),
    ("checkin_api.sync", "POST"): Route(DOOR_API, event_args, json=lambda w, s: {"scans": []}),
    ("checkin_api.undo", "POST"): Route(  # nobody checked in: refused (422)
        DOOR_API, event_args, json=lambda w, s: {"registration_id": s.door_registration_id}),
    ("checkin_api.walk_in", "POST"): Route(DOOR_API, event_args, json=lambda w, s: {}),
    ("checkin_manage.door", "GET"): Route(ORGANISERS, event_args),
    ("checkin_manage.door", "POST"): Route(ORGANISERS, event_args),
    ("checkin_manage.new_pairing", "POST"): Route(ORGANISERS, event_args),
    ("checkin_manage.remove_staff", "POST"): Route(  # staff of B is not assigned to A: no change
        ORGANISERS, lambda w, s, r: {"event_id": s.event_id, "user_id": w.user_ids["staff_b"]}),
    ("checkin_manage.revoke", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"device_id": w.fresh_device(s)}),
    ("feedback.answer", "GET"): Route(LINK, lambda w, s, r: {"token": w.token(r, "feedback_token")}),
    ("feedback.answer", "POST"): Route(  # no answers: refused beside the required questions
        LINK, lambda w, s, r: {"token": w.token(r, "feedback_token")}),
    ("feedback.thanks", "GET"): Route(LINK, lambda w, s, r: {"token": w.token(r, "feedback_token")}),
    ("feedback_manage.kinds", "GET"): Route(ORGANISERS),
    ("feedback_manage.kind_questionnaire", "GET"): Route(ORGANISERS, lambda w, s, r: {"kind": "webinar"}),
    ("feedback_manage.kind_questionnaire", "POST"): Route(  # no operation: 400, nothing changes
        ORGANISERS, lambda w, s, r: {"kind": "webinar"}),
    ("feedback_manage.kind_question", "GET"): Route(
        ORGANISERS, lambda w, s, r: {"kind": "webinar", "number": 1}),
    ("feedback_manage.kind_question", "POST"): Route(  # empty: refused, nothing changes
        ORGANISERS, lambda w, s, r: {"kind": "webinar", "number": 1}),
    ("feedback_manage.event_questionnaire", "GET"): Route(ORGANISERS, event_args),
    ("feedback_manage.event_questionnaire", "POST"): Route(ORGANISERS, event_args),
    ("feedback_manage.event_question", "GET"): Route(
        ORGANISERS, lambda w, s, r: {"event_id": s.event_id, "number": 1}),
    ("feedback_manage.event_question", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"event_id": s.event_id, "number": 1}),
    ("manage.add_item", "POST"): Route(ORGANISERS, event_args),
    ("manage.add_speaker", "POST"): Route(ORGANISERS, lambda w, s, r: {"item_id": s.item_id}),
    ("manage.cancel_event", "GET"): Route(ORGANISERS, event_args),
    ("manage.cancel_event", "POST"): Route(  # an event of its own: A and B stay published
        ORGANISERS, lambda w, s, r: {"event_id": w.fresh_event()}),
    ("manage.change_status", "POST"): Route(  # already published: stays so
        ORGANISERS, lambda w, s, r: {"event_id": s.event_id, "action": "publish"}),
    ("manage.delete_item", "POST"): Route(ORGANISERS, lambda w, s, r: {"item_id": w.fresh_item(s)}),
    ("manage.copy_agenda_to_later_meetings", "POST"): Route(ORGANISERS, event_args),
    ("manage.paste_agenda", "GET"): Route(ORGANISERS, event_args),
    ("manage.paste_agenda", "POST"): Route(ORGANISERS, event_args, form={"text": "ore 10.00 Apertura"}),
    ("manage.confirm_agenda", "POST"): Route(ORGANISERS, event_args, form={"digest": "x", "items": "0"}),
    ("manage.agenda_model", "GET"): Route(ORGANISERS, lambda w, s, r: {"fmt": "csv"}),
    ("manage.save_as_template", "POST"): Route(ORGANISERS, event_args),
    ("manage.templates", "GET"): Route(ORGANISERS),
    ("manage.rename_template", "POST"): Route(ORGANISERS, lambda w, s, r: {"template_id": w.template_id},
                                              form={"name": "Incontro tipo"}),
    ("manage.delete_template", "POST"): Route(ORGANISERS, lambda w, s, r: {"template_id": w.fresh_template(s)}),
    ("manage.event_from_template", "GET"): Route(ORGANISERS, lambda w, s, r: {"template_id": w.template_id}),
    ("manage.event_from_template", "POST"): Route(ORGANISERS, lambda w, s, r: {"template_id": w.template_id}),
    ("manage.new_series", "GET"): Route(ORGANISERS, event_args),
    ("manage.new_series", "POST"): Route(ORGANISERS, event_args),
    ("manage.series_page", "GET"): Route(ORGANISERS, lambda w, s, r: {"series_id": w.series_id}),
    ("manage.copy_event", "GET"): Route(ORGANISERS, event_args),
    ("manage.copy_event", "POST"): Route(ORGANISERS, event_args),
    ("manage.edit_event", "GET"): Route(ORGANISERS, event_args),
    ("manage.edit_event", "POST"): Route(ORGANISERS, event_args),
    ("manage.edit_item", "GET"): Route(ORGANISERS, lambda w, s, r: {"item_id": s.item_id}),
    ("manage.edit_item", "POST"): Route(ORGANISERS, lambda w, s, r: {"item_id": s.item_id}),
    ("manage.event", "GET"): Route(ORGANISERS, event_args),
    ("manage.index", "GET"): Route(ORGANISERS),
    ("dashboard.index", "GET"): Route(ORGANISERS),
    ("manage.move_item", "POST"): Route(
        ORGANISERS_JSON, lambda w, s, r: {"item_id": s.item_id}, form=UP, headers=JSON_ACCEPT),
    ("manage.move_speaker", "POST"): Route(
        ORGANISERS_JSON, lambda w, s, r: {"link_id": s.speaker_link_id}, form=UP, headers=JSON_ACCEPT),
    ("manage.new_event", "GET"): Route(ORGANISERS),
    ("manage.new_event", "POST"): Route(ORGANISERS),
    ("manage.preview", "GET"): Route(ORGANISERS, event_args),
    ("manage.remove_speaker", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"link_id": w.fresh_speaker_link(s)}),
    ("manage.toggle_speaker_remote", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"link_id": s.speaker_link_id}),
    ("meetings.record", "GET"): Route(ORGANISERS, meeting_args),
    ("meetings.save_minutes", "POST"): Route(ORGANISERS, meeting_args),  # empty: refused (422)
    ("meetings.add_decision", "POST"): Route(ORGANISERS, meeting_args),
    ("meetings.edit_decision", "POST"): Route(ORGANISERS, lambda w, s, r: {"decision_id": w.decision_id}),
    ("meetings.delete_decision", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"decision_id": w.fresh_record_row("decision")}),
    ("meetings.add_step", "POST"): Route(ORGANISERS, meeting_args),
    ("meetings.edit_step", "POST"): Route(ORGANISERS, lambda w, s, r: {"step_id": w.step_id}),
    ("meetings.delete_step", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"step_id": w.fresh_record_row("step")}),
    ("meetings.step_done", "POST"): Route(  # not done: stays open
        ORGANISERS, lambda w, s, r: {"step_id": w.step_id}),
    ("meetings.save_outcomes", "POST"): Route(ORGANISERS, meeting_args),
    ("meetings.minutes_document", "GET"): Route(ORGANISERS, meeting_args),
    ("participation_manage.add_attendee", "POST"): Route(ORGANISERS, event_args),
    ("participation_manage.attendance", "GET"): Route(ORGANISERS, event_args),
    ("participation_manage.confirm_report", "POST"): Route(ORGANISERS, event_args),
    ("participation_manage.discard_report", "POST"): Route(ORGANISERS, event_args),
    ("participation_manage.held", "POST"): Route(  # not marked held: stays so
        ORGANISERS, lambda w, s, r: {"event_id": s.event_id, "action": "annulla"}),
    ("participation_manage.save_attendance", "POST"): Route(ORGANISERS, event_args),
    ("participation_manage.upload_report", "GET"): Route(ORGANISERS, event_args),
    ("participation_manage.upload_report", "POST"): Route(ORGANISERS, event_args),
    ("privacy.erase", "GET"): Route(ADMINS, lambda w, s, r: {"person_id": w.fresh_person()}),
    ("privacy.erase", "POST"): Route(ADMINS, lambda w, s, r: {"person_id": w.fresh_person()}),
    ("privacy.people", "GET"): Route(ADMINS, lambda w, s, r: {"q": "rossi"}),
    ("programme_manage.add_stage", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"organisation_id": w.organisation_id}),
    ("programme_manage.delete_stage", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"entry_id": w.fresh_stage()}),
    ("programme_manage.organisation", "GET"): Route(
        ORGANISERS, lambda w, s, r: {"organisation_id": w.organisation_id}),
    ("programme_manage.organisation", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"organisation_id": w.organisation_id}),
    ("programme_manage.organisations", "GET"): Route(ORGANISERS),
    ("programme_manage.duplicates", "GET"): Route(ORGANISERS),
    ("programme_manage.merge", "POST"): Route(  # no name to merge: refused, nothing changes
        ORGANISERS, lambda w, s, r: {"organisation_id": w.organisation_id}),
    ("public.event", "GET"): Route(PUBLIC, event_args),
    ("public.index", "GET"): Route(PUBLIC),
    ("public.printable", "GET"): Route(PUBLIC, event_args),
    ("registration.cancel", "POST"): Route(  # the holder's own registration, made to be cancelled
        LINK, lambda w, s, r: {"token": w.token(r, fresh=s)}),
    ("registration.cancel", "GET"): Route(LINK, token_args),  # the confirmation page
    ("registration.details", "GET"): Route(LINK, token_args),
    ("registration.details", "POST"): Route(LINK, token_args),  # empty: refused, nothing changes
    ("registration.ics", "GET"): Route(LINK, token_args),
    ("participation.join", "GET"): Route(LINK, lambda w, s, r: {"token": w.token(r, "join_token")}),
    ("materials_manage.materials", "GET"): Route(ORGANISERS, event_args),
    ("materials_manage.materials", "POST"): Route(ORGANISERS, event_args),
    ("materials_manage.remove", "POST"): Route(ORGANISERS, lambda w, s, r: {"material_id": w.fresh_material(s)}),
    ("materials.public_download", "GET"): Route(PUBLIC, lambda w, s, r: {
        "material_id": w.material_id, "filename": "slide.pdf"}),
    ("materials.registrant_download", "GET"): Route(LINK, lambda w, s, r: {
        "token": w.token(r), "material_id": w.material_id}),
    ("participation.request_my_registrations", "GET"): Route(PUBLIC),
    ("participation.request_my_registrations", "POST"): Route(PUBLIC, form={"email": "chiunque@example.org"}),
    ("participation.my_registrations", "GET"): Route(LINK, lambda w, s, r: {"token": w.overview_token(r, s)}),
    ("registration.manage", "GET"): Route(LINK, token_args),
    ("registration.qr", "GET"): Route(LINK, lambda w, s, r: {"token": w.token(r), "fmt": "svg"}),
    ("registration.register", "GET"): Route(PUBLIC, event_args),
    ("registration.register", "POST"): Route(PUBLIC, event_args),
    ("registration.switch_mode", "POST"): Route(LINK, token_args),  # no mode chosen: no change
    ("registration_manage.add", "POST"): Route(ORGANISERS, event_args),
    ("registration_manage.export", "GET"): Route(
        ORGANISERS, lambda w, s, r: {"event_id": s.event_id, "fmt": "csv"}),
    ("registration_manage.invite", "POST"): Route(ORGANISERS, event_args),
    ("registration_manage.message", "POST"): Route(ORGANISERS, event_args),
    ("registration_manage.registration_annulla", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"registration_id": w.fresh_registration(s)[0]}),
    ("registration_manage.registration_cambia_modalita", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"registration_id": w.fresh_registration(s)[0]}),
    ("registration_manage.registration_promuovi", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"registration_id": w.fresh_registration(s)[0]}),
    ("registration_manage.registration_reinvia", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"registration_id": w.fresh_registration(s)[0]}),
    ("registration_manage.registrations", "GET"): Route(ORGANISERS, event_args),
    ("registration_manage.person_details", "GET"): Route(
        ORGANISERS, lambda w, s, r: {"registration_id": w.fresh_registration(s)[0]}),
    ("registration_manage.person_details", "POST"): Route(
        ORGANISERS, lambda w, s, r: {"registration_id": w.fresh_registration(s)[0]}),
    ("reports.subscriptions", "GET"): Route(ORGANISERS),
    ("reports.subscribe", "POST"): Route(ORGANISERS, form={
        "report": "risultati", "tabella": "eventi", "frequenza": "weekly"}),
    ("reports.change", "POST"): Route(ORGANISERS, lambda w, s, r: {"subscription_id": w.fresh_subscription()},
                                      form={"frequenza": "monthly", "formato": "csv"}),
    ("reports.sospendi", "POST"): Route(ORGANISERS, lambda w, s, r: {"subscription_id": w.fresh_subscription()}),
    ("reports.riprendi", "POST"): Route(ORGANISERS, lambda w, s, r: {"subscription_id": w.fresh_subscription()}),
    ("reports.elimina", "POST"): Route(ORGANISERS, lambda w, s, r: {"subscription_id": w.fresh_subscription()}),
    ("results.dashboard", "GET"): Route(ORGANISERS),
    ("results.events", "GET"): Route(ORGANISERS),
    ("results.export", "GET"): Route(ORGANISERS, lambda w, s, r: {"table": "eventi", "fmt": "csv"}),
    ("results.feedback", "GET"): Route(ORGANISERS),
    ("results.publish_feedback", "POST"): Route(ORGANISERS),
    ("feedback_results.results", "GET"): Route(ORGANISERS, event_args),
    ("feedback_results.export", "GET"): Route(ORGANISERS, lambda w, s, r: {"event_id": s.event_id, "fmt": "xlsx"}),
    ("results.organisations", "GET"): Route(ORGANISERS),
    ("results.participant", "GET"): Route(ORGANISERS, lambda w, s, r: {"person_id": s.person_id}),
    ("results.participants", "GET"): Route(ORGANISERS),
    ("results.recount", "POST"): Route(ORGANISERS),
    ("results_api.programme_results", "GET"): Route(PUBLIC, lambda w, s, r: {"code": w.programme_code}),
    ("results_public.programme_results", "GET"): Route(
        PUBLIC, lambda w, s, r: {"code": w.programme_code}),
    ("site.accessibility", "GET"): Route(PUBLIC),
    ("site.healthz", "GET"): Route(PUBLIC),
    ("site.privacy", "GET"): Route(PUBLIC),
    ("site.readyz", "GET"): Route(PUBLIC),
    ("site.robots", "GET"): Route(PUBLIC),
    ("site.sitemap", "GET"): Route(PUBLIC),
    ("site.set_language", "GET"): Route(PUBLIC, lambda w, s, r: {"code": "it"}),
    ("site.vendor", "GET"): Route(
        PUBLIC, lambda w, s, r: {"package": "bootstrap-italia", "filename": "css/bootstrap-italia.min.css"}),
    ("static", "GET"): Route(PUBLIC, lambda w, s, r: {"filename": "favicon.svg"}),
}

#: the door of an event: asked again at event B, where staff of A must get what staff of B got
DOOR_ENDPOINTS = sorted(key for key, route in ROUTES.items() if route.expected in (DOOR_PAGE, DOOR_API))


# ---- the data and the visitors ----------------------------------------------------------------

@dataclass
class Scene:
    """One event's objects."""

    event_id: int
    #: the confirmed registration whose personal links the link holder has (remote, so its
    #: join link opens the meeting)
    registration_id: int
    person_id: int
    #: an in-person registration nobody checks in (undo and manual check-in are refused)
    door_registration_id: int
    item_id: int
    speaker_link_id: int


class World:
    """Events A and B (published, happening now, in person and remote) with their registrations
    and agendas, the staff (door staff of A, of B), a paired phone at A, the objects the other
    routes point at, and each role's cookies and CSRF token."""

    def __init__(self, app):
        self.app = app
        self.numbers = iter(range(1, 100_000))
        self.cookies, self.csrf = {}, {}

    def build(self):
        db.session.add(Programme(code="FIS", name="FIS - Fondo Innovazione Sociale"))
        organisation = Organisation(name="Comune di Bergamo", kind=OrganisationKind.COMUNE_CAPOLUOGO)
        db.session.add(organisation)
        db.session.commit()
        self.programme_code, self.organisation_id = "FIS", organisation.id
        self.scenes = {key: self._scene(key) for key in ("A", "B")}
        self.user_ids = {role: create_user(email, role.title(), PASSWORD, ROLE_OF[role]).id
                         for role, email in STAFF_EMAILS.items()}
        for role, key in (("staff_a", "A"), ("staff_b", "B")):
            checkin.assign_staff(self.event(key), db.session.get(User, self.user_ids[role]))
        registration = db.session.get(Registration, self.scenes["A"].registration_id)
        attendance, _created = record_attendance(
            registration.event, registration.person, registration.mode, AttendanceSource.MANUAL,
            registration=registration)
        self.certificate_code = issue_certificate(attendance).code
        feedback = invite(ensure_questionnaire(registration.event), attendance)
        self.tokens = {"manage_token": registration.manage_token, "qr_token": registration.qr_token,
                       "join_token": registration.join_token, "feedback_token": feedback.token}
        self.unknown_token = registrations.new_token()
        self.series_id = self._series(self.event("B"))
        self.template_id = copying.save_as_template(self.event("A")).id
        self.material_id = materials.add_file(self.event("A"), filename="slide.pdf",
                                              data=b"%PDF-1.7 slide").id
        self._meeting(organisation)
        self.pairing_code = checkin.create_pairing(self.event("A"))
        device, secret = checkin.pair_device(checkin.create_pairing(self.event("A")), "Porta 1")
        self.device_cookie = (DEVICE_COOKIE.format(event_id=device.event_id), f"{device.id}.{secret}")

    def event(self, key):
        return events.get_event(self.scenes[key].event_id)

    def _scene(self, key):
        start = utcnow() - timedelta(hours=1)
        event = events.create_event(
            title=f"Evento {key}", kind=EventKind.PUBLIC_EVENT, starts_at=start,
            ends_at=start + timedelta(hours=4), registration_closes_at=start - timedelta(minutes=1),
            offers_in_person=True, offers_remote=True, remote_url="https://meet.jit.si/fis-prova")
        events.publish_event(event)
        remote = self._register(event, AttendanceMode.REMOTE)
        door = self._register(event, AttendanceMode.IN_PERSON)
        item = events.add_agenda_item(event, "Apertura dei lavori", AgendaItemKind.TALK)
        link = events.add_speaker(item, f"Relatrice {key}")
        return Scene(event.id, remote.id, remote.person_id, door.id, item.id, link.id)

    def _meeting(self, organisation):
        """A support meeting happening now, with a decision and a next step in its record."""
        start = utcnow() - timedelta(hours=1)
        meeting = events.create_event(
            title="Incontro di supporto", kind=EventKind.SUPPORT_MEETING, starts_at=start,
            ends_at=start + timedelta(hours=2), offers_in_person=True, invitation_only=True)
        self.meeting_id, self.meeting_organisation = meeting.id, organisation
        self.decision_id = self.fresh_record_row("decision")
        self.step_id = self.fresh_record_row("step")

    def fresh_record_row(self, kind):
        """A decision or a next step of the meeting's record."""
        with self.app.test_request_context():
            meeting = db.session.get(Event, self.meeting_id)
            if kind == "decision":
                row = meetings.add_decision(meeting, "Avviare la co-progettazione")
            else:
                row = meetings.add_next_step(
                    meeting, text="Inviare la delibera", due_on=utcnow().date() + timedelta(days=7),
                    organisation=db.session.merge(self.meeting_organisation))
            db.session.flush()
            return row.id

    def _series(self, event):
        found = EventSeries(title="Incontri", title_pattern="Incontro n. {n}", frequency="monthly",
                            weekdays="1", week_of_month=2, count=2)
        event.series, event.series_number = found, 1
        db.session.add(found)
        db.session.flush()
        return found.id

    def _register(self, event, mode):
        n = next(self.numbers)
        registration, _outcome = registrations.register(
            event, email=f"persona{n}@example.org", first_name="Anna", last_name=f"Rossi {n}",
            mode=mode, source="organiser")
        return registration

    def sign_in(self):
        """Each role's session: logged in, having opened its personal link, or holding the
        paired phone's cookie; and a CSRF token of that session."""
        for role in ROLES:
            client = self.app.test_client()
            if role in STAFF_EMAILS:
                form = {"email": STAFF_EMAILS[role], "password": PASSWORD,
                        "csrf_token": csrf_from(client.get("/accesso"))}
                assert client.post("/accesso", data=form).status_code == 302, role
            elif role == "link_holder":
                assert client.get(f"/iscrizione/{self.tokens['manage_token']}").status_code == 200
            elif role == "device_a":
                client.set_cookie(*self.device_cookie)
            self.csrf[role] = csrf_from(client.get("/accesso"))
            names = (self.app.config["SESSION_COOKIE_NAME"], self.device_cookie[0])
            self.cookies[role] = [(name, client.get_cookie(name).value) for name in names
                                  if client.get_cookie(name) is not None]

    def client(self, role):
        """A new client with the role's cookies: what one request changes stays with it."""
        client = self.app.test_client()
        for name, value in self.cookies[role]:
            client.set_cookie(name, value)
        return client

    def ask(self, endpoint, method, role, scene_key="A"):
        """{url: answer} for every rule of the endpoint, asked as this role."""
        route, scene = ROUTES[(endpoint, method)], self.scenes[scene_key]
        found = {}
        for rule in self.app.url_map.iter_rules(endpoint):
            if method not in rule.methods:
                continue
            url = rule.build(route.args(self, scene, role))[1]
            options = {"headers": dict(route.headers)}
            if method != "GET" and route.json is not None:
                options["json"] = route.json(self, scene)
                options["headers"]["X-CSRFToken"] = self.csrf[role]
            elif method != "GET":
                options["data"] = {"csrf_token": self.csrf[role], **route.form}
            response = self.client(role).open(url, method=method, **options)
            response.close()
            found[url] = answer(response)
        if (endpoint, method) in ENDS_SESSIONS and found[url] == OK:
            self.sign_in()  # the session it ended is refused from now on, copies of it too
        return found

    # objects made for one request, so that what it changes touches nothing shared

    def fresh_registration(self, scene):
        with self.app.test_request_context():
            registration = self._register(db.session.get(Event, scene.event_id),
                                          AttendanceMode.IN_PERSON)
            return registration.id, registration.manage_token

    def fresh_event(self):
        with self.app.test_request_context():
            start = utcnow() + timedelta(days=1)
            return events.create_event(title="Da annullare", kind=EventKind.PUBLIC_EVENT,
                                       starts_at=start, ends_at=start + timedelta(hours=1),
                                       offers_in_person=True).id

    def fresh_user(self):
        with self.app.test_request_context():
            return create_user(f"collega{next(self.numbers)}@example.org", "Collega", PASSWORD,
                               Role.ORGANISER).id

    def fresh_item(self, scene):
        with self.app.test_request_context():
            return events.add_agenda_item(db.session.get(Event, scene.event_id), "Da togliere",
                                          AgendaItemKind.OTHER).id

    def fresh_speaker_link(self, scene):
        with self.app.test_request_context():
            item = db.session.get(AgendaItem, scene.item_id)
            return events.add_speaker(item, f"Relatore {next(self.numbers)}").id

    def fresh_material(self, scene):
        with self.app.test_request_context():
            event = db.session.get(Event, scene.event_id)
            return materials.add_link(event, url="https://example.org/da-togliere").id

    def fresh_template(self, scene):
        with self.app.test_request_context():
            return copying.save_as_template(db.session.get(Event, scene.event_id), "Da togliere").id

    def fresh_device(self, scene):
        with self.app.test_request_context():
            code = checkin.create_pairing(db.session.get(Event, scene.event_id))
            return checkin.pair_device(code, "Da revocare")[0].id

    def fresh_subscription(self):
        """A report subscription of the organiser (an admin may change it too)."""
        with self.app.test_request_context():
            organiser = db.session.get(User, self.user_ids["organiser"])
            subscription = reports.subscribe(organiser, {"report": "risultati", "tabella": "fasi",
                                                         "frequenza": "weekly"}, "it")
            db.session.commit()
            return subscription.id

    def fresh_person(self):
        with self.app.test_request_context():
            person = Person(email=f"altro{next(self.numbers)}@example.org", first_name="Bruno",
                            last_name="Rossi")
            db.session.add(person)
            db.session.commit()
            return person.id

    def fresh_stage(self):
        with self.app.test_request_context():
            organisation = Organisation(name=f"Comune numero {next(self.numbers)}",
                                        kind=OrganisationKind.COMUNE_CAPOLUOGO)
            programme = db.session.scalar(db.select(Programme).filter_by(code=self.programme_code))
            return record_stage(organisation, programme, ProgrammeStage.APPLIED,
                                utcnow().date() - timedelta(days=10)).id

    def overview_token(self, role, scene):
        """The signed "Le mie iscrizioni" link of the link holder's address; others have a
        made-up one."""
        if role != "link_holder":
            return self.unknown_token
        with self.app.test_request_context():
            return overview.link_token(db.session.get(Registration, scene.registration_id).person.email)

    def token(self, role, column="manage_token", fresh=None):
        """A personal link's token as this role knows it: the link holder has the real one (of a
        registration made for the request when `fresh` names a scene), the others a made-up one."""
        if role != "link_holder":
            return self.unknown_token
        if fresh is not None:
            return self.fresh_registration(fresh)[1]
        return self.tokens[column]


def answer(response):
    """OK, LOGIN, or the refusing status."""
    status = response.status_code
    if 300 <= status < 400 and urlsplit(response.location).path == "/accesso":
        return LOGIN
    if status in (401, 403, 404, 405) or status >= 500:
        return status
    return OK


@pytest.fixture
def _clean_tables():
    """Replaces the emptying after every test (tests/conftest.py): the data here are built once
    for the module and emptied after its last test, by `world`."""


@pytest.fixture(scope="module")
def world(app):
    with app.test_request_context():
        world = World(app)
        world.build()
    world.sign_in()
    yield world
    with app.app_context():
        empty_tables()


# ---- the tests --------------------------------------------------------------------------------

def test_every_route_is_in_the_matrix(app):
    served = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    missing = sorted(served - ROUTES.keys())
    gone = sorted(ROUTES.keys() - served)
    assert not missing, ("routes without an entry in ROUTES (say who may call them): "
                         + ", ".join(f"{endpoint} {method}" for endpoint, method in missing))
    assert not gone, ("entries in ROUTES for routes that no longer exist: "
                      + ", ".join(f"{endpoint} {method}" for endpoint, method in gone))


@pytest.mark.parametrize("endpoint, method, role", [
    pytest.param(endpoint, method, role, id=f"{endpoint}-{method}-{role}")
    for endpoint, method in sorted(ROUTES) for role in ROLES])
def test_matrix(world, endpoint, method, role):
    expected = ROUTES[(endpoint, method)].expected[role]
    found = world.ask(endpoint, method, role)
    assert found and all(got == expected for got in found.values()), \
        f"{role} on {method} {endpoint}: expected {expected}, got {found}"


def at_event_b(expected):
    """Event B's door: staff of A get what staff of B get at A, and A's phone is nobody there."""
    return {**expected, "staff_a": expected["staff_b"], "staff_b": expected["staff_a"],
            "device_a": expected["anonymous"]}


@pytest.mark.parametrize("endpoint, method, role", [
    pytest.param(endpoint, method, role, id=f"{endpoint}-{method}-{role}")
    for endpoint, method in DOOR_ENDPOINTS for role in ROLES])
def test_door_of_event_b(world, endpoint, method, role):
    expected = at_event_b(ROUTES[(endpoint, method)].expected)[role]
    found = world.ask(endpoint, method, role, scene_key="B")
    assert found and all(got == expected for got in found.values()), \
        f"{role} on {method} {endpoint} at event B: expected {expected}, got {found}"


def test_door_staff_reach_only_their_own_event_participants(world):
    """Staff of A at A's door: B's participants are neither found, nor checked in, nor taken
    back, nor in the offline list, and B is not among their events."""
    a, b = world.scenes["A"], world.scenes["B"]
    client, headers = world.client("staff_a"), {"X-CSRFToken": world.csrf["staff_a"]}
    door = f"/api/v1/events/{a.event_id}/checkin"
    found = [row["registration_id"] for row in client.get(f"{door}/search?q=rossi").json["results"]]
    offline = [entry["id"] for entry in client.get(f"{door}/offline").json["entries"]]
    for action in ("manual", "undo"):
        response = client.post(f"{door}/{action}", headers=headers,
                               json={"registration_id": b.door_registration_id, "nonce": f"b-{action}"})
        assert response.status_code == 404, action
    page = client.get("/ingresso/").get_data(as_text=True)
    with world.app.app_context():
        event_of = dict(db.session.execute(db.select(Registration.id, Registration.event_id)).all())
        assert db.session.scalar(db.select(Attendance.id).filter_by(event_id=b.event_id)) is None
    assert a.registration_id in found and {event_of[r] for r in found} == {a.event_id}
    assert a.door_registration_id in offline and {event_of[r] for r in offline} == {a.event_id}
    assert "Evento A" in page and "Evento B" not in page


def test_a_paired_phone_opens_only_its_own_event(world):
    """A's device secret presented under B's cookie name is nobody at B."""
    b = world.scenes["B"]
    client = world.app.test_client()
    client.set_cookie(DEVICE_COOKIE.format(event_id=b.event_id), world.device_cookie[1])
    assert client.get(f"/api/v1/events/{b.event_id}/checkin/counts").status_code == 401
    scanner = client.get(f"/ingresso/eventi/{b.event_id}")
    assert answer(scanner) == LOGIN


def test_a_personal_link_opens_only_its_own_registration(world):
    """The holder's other codes (the QR's, the join link's) or a token one character off open
    no registration page, and the manage token is no join link."""
    client, tokens = world.client("link_holder"), world.tokens
    manage, qr, join = tokens["manage_token"], tokens["qr_token"], tokens["join_token"]
    altered = manage[:-1] + ("A" if manage[-1] != "A" else "B")
    assert client.get(f"/iscrizione/{manage}").status_code == 200
    for path in (f"/iscrizione/{qr}", f"/iscrizione/{join}", f"/iscrizione/{altered}",
                 f"/iscrizione/{qr}/attestato.pdf", f"/iscrizione/{join}/qr.svg", f"/j/{manage}",
                 f"/j/{qr}"):
        response = client.get(path)
        response.close()
        assert response.status_code == 404, path
