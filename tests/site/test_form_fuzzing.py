"""Hostile text in every text field of the forms people fill in: control and invisible
characters, 10,000 characters, nothing at all. Each is refused beside its field with an Italian
message, the typed value kept, and not one row added; names in any script, emoji, combining
accents and apostrophes are text like any other, and are stored exactly as typed."""
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from markupsafe import escape

from fis_events.events.models import AgendaItem, Event
from fis_events.extensions import db
from fis_events.programme.models import Organisation
from fis_events.registration.models import Person, Registration
from fis_events.text import MESSAGE
from support import PASSWORD, csrf_from

#: refused wherever they are typed
HOSTILE = {"nul": "Maria\x00Rossi", "bell": "Maria\x07", "escape": "\x1b[31mMaria",
           "rtl_override": "Maria\u202eissoR", "zero_width_space": "Ma\u200bria", "bom": "\ufeffMaria"}
#: accepted wherever a name or a title is typed, and kept as typed
UNUSUAL = {"apostrophe_accents": "Niccolò D'Angelo", "arabic": "محمد عبد الله", "hebrew": "דוד בן-גוריון",
           "emoji": "Festa 🎉 dei Comuni", "combining": "Nicolo\u0300 Ve\u0301ro", "cjk": "李小龙",
           "markup": "<b>Rossi</b> & \"figli\"",
           # NFKD makes "½" three characters and "ﷺ" eighteen: the search keys still fit
           "expanding": "½" * 50 + "ﷺ" * 50}
LONG = "x" * 10_000
CONTROL_MESSAGE = "Il testo contiene caratteri di controllo o invisibili"
LENGTH_MESSAGE = "Il valore non può essere più lungo di"
REQUIRED_MESSAGE = "Campo obbligatorio."


@dataclass
class Field:
    name: str
    column: object  # where what is typed ends up (the newest row of its table)
    required: bool = False
    limited: bool = True  # has a maximum length


@dataclass
class Form:
    url: str
    base: object  # a valid filling, given a fresh e-mail address
    fields: list
    page: str = "/"  # where a browser would have taken the CSRF token from


PERSON_FIELDS = [Field("first_name", Person.first_name, required=True),
                 Field("last_name", Person.last_name, required=True),
                 Field("organisation", Organisation.name, required=True), Field("role", Person.role)]
REGISTRATION_FIELDS = [*PERSON_FIELDS, Field("municipality", Person.municipality),
                       Field("accessibility_needs", Registration.accessibility_needs)]


def registration_data(email):
    return {"first_name": "Maria", "last_name": "Rossi", "email": email, "organisation": "Comune di Bergamo",
            "organisation_kind": "comune_capoluogo", "role": "", "municipality": "", "mode": "in_person",
            "accessibility_needs": "", "privacy_notice": "y"}


@pytest.fixture(params=["registration", "organiser_registration", "event", "agenda_item", "attendee"])
def form(request, client, auth, open_event, make_event, today_event):
    """A form, a valid filling of it, and its text fields, with an organiser logged in where
    the form is theirs."""
    name = request.param
    if name == "registration":
        event = open_event()
        url = f"/eventi/{event.id}/iscrizione"
        return Form(url, registration_data, REGISTRATION_FIELDS, page=url)
    auth.login()
    if name == "organiser_registration":
        event = make_event()
        return Form(f"/gestione/eventi/{event.id}/iscritti/nuovo", registration_data, PERSON_FIELDS)
    if name == "event":
        return Form("/gestione/eventi/nuovo", lambda _email: {
            "title": "Incontro con il Comune", "kind": "support_meeting", "description": "",
            "starts_at": "2030-03-05T10:00", "ends_at": "2030-03-05T12:30", "venue": "", "address": "",
            "city": "", "host_event": "None", "programme": "None", "phase": "None",
            "offers_in_person": "y", "remote_platform": "", "language": "it"},
            [Field("title", Event.title, required=True), Field("description", Event.description, limited=False),
             Field("venue", Event.venue), Field("address", Event.address), Field("city", Event.city)])
    if name == "agenda_item":
        event = make_event()
        return Form(f"/gestione/eventi/{event.id}/agenda", lambda _email: {
            "title": "Saluti", "kind": "talk", "day": "", "start_time": "", "end_time": "",
            "section": "", "description": ""},
            [Field("title", AgendaItem.title, required=True), Field("section", AgendaItem.section),
             Field("description", AgendaItem.description, limited=False)])
    event = today_event()
    return Form(f"/gestione/eventi/{event.id}/presenze/aggiungi", lambda email: {
        **registration_data(email), "privacy_notice": None}, PERSON_FIELDS)


def row_counts():
    """Rows per table, in one statement (the audit log aside: it may note a refusal)."""
    tables = [t for t in db.metadata.sorted_tables if not t.name.startswith("audit")]
    return db.session.execute(sa.select(*[
        sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables])).one()


def newest(column):
    return db.session.scalar(sa.select(column).order_by(column.class_.id.desc()).limit(1))


class Poster:
    """Posts a form with one field changed, as a browser would (CSRF token included)."""

    def __init__(self, client, form):
        self.client, self.form, self.sent = client, form, 0
        self.token = csrf_from(client.get(form.page))

    def post(self, field, value):
        self.sent += 1
        data = {**self.form.base(f"persona{self.sent}@example.org"), field.name: value,
                "csrf_token": self.token}
        response = self.client.post(self.form.url, data={k: v for k, v in data.items() if v is not None})
        db.session.expire_all()
        return response

    def refused(self, field, value, message):
        before = row_counts()
        response = self.post(field, value)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, (field.name, value[:20])
        error = page.split(f'id="{field.name}-error">', 1)[-1].split("</div>", 1)[0]
        assert message in error, (field.name, value[:20], error)
        if value.strip():
            assert str(escape(value)) in page  # kept for the person to correct
        assert row_counts() == before, field.name

    def accepted(self, field, value):
        response = self.post(field, value)
        assert response.status_code == 302, (field.name, value[:20], response.get_data(as_text=True)[:3000])
        assert newest(field.column) == value, field.name


def test_control_and_invisible_characters_are_refused_in_every_field(client, form):
    poster = Poster(client, form)
    for field in form.fields:
        for value in HOSTILE.values():
            poster.refused(field, value, CONTROL_MESSAGE)


def test_ten_thousand_characters_are_refused_where_there_is_a_limit(client, form):
    poster = Poster(client, form)
    for field in form.fields:
        if field.limited:
            poster.refused(field, LONG, LENGTH_MESSAGE)
        else:
            poster.accepted(field, LONG)


def test_required_fields_left_empty_are_refused(client, form):
    poster = Poster(client, form)
    for field in form.fields:
        if field.required:
            poster.refused(field, "", REQUIRED_MESSAGE)
            poster.refused(field, " \t\r\n ", REQUIRED_MESSAGE)


def test_names_in_any_script_are_stored_exactly(client, form):
    poster = Poster(client, form)
    for field in form.fields:
        for value in UNUSUAL.values():
            poster.accepted(field, value)


def test_the_message_is_the_shared_one():
    assert str(MESSAGE).startswith(CONTROL_MESSAGE)


# ---- the e-mail fields --------------------------------------------------------------------

def test_the_registration_email_takes_only_an_address(client, open_event):
    url = f"/eventi/{open_event().id}/iscrizione"
    token = csrf_from(client.get(url))
    before = row_counts()
    for value in [*HOSTILE.values(), *UNUSUAL.values(), LONG, "", "mario@", "@example.org",
                  "mario rossi@example.org", "mario@example.org\nBcc: x@example.org"]:
        response = client.post(url, data={**registration_data(value), "csrf_token": token})
        assert response.status_code == 422
        error = response.get_data(as_text=True).split('id="email-error">', 1)[-1].split("</div>", 1)[0]
        assert any(message in error for message in ("Indirizzo e-mail non valido.", REQUIRED_MESSAGE,
                                                    CONTROL_MESSAGE, LENGTH_MESSAGE)), (value[:20], error)
    assert row_counts() == before


def test_the_login_form_refuses_without_crashing(client, auth, app_ctx):
    """Whatever is typed, a refusal beside a field and nobody logged in (the audit log may
    note the attempt; nothing else changes)."""
    email = auth.user("organiser")
    token = csrf_from(client.get("/accesso"))
    attempts = [(value, PASSWORD) for value in [*HOSTILE.values(), *UNUSUAL.values(), LONG, ""]] + \
        [(email, value) for value in ["", "x\x00y", LONG, "\u202e" + PASSWORD, PASSWORD + "\x07"]]
    before = row_counts()
    for typed_email, password in attempts:
        response = client.post("/accesso", data={"email": typed_email, "password": password,
                                                  "csrf_token": token})
        assert response.status_code == 422, (typed_email[:20], password[:20])
        assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert row_counts() == before
    assert "/uscita" not in client.get("/").get_data(as_text=True)  # nobody logged in


# ---- the door's walk-in (JSON) ------------------------------------------------------------

WALK_IN_FIELDS = {"first_name": Person.first_name, "last_name": Person.last_name,
                  "organisation": Organisation.name, "role": Person.role}


def test_the_walk_in_refuses_and_accepts_as_the_forms_do(client, auth, today_event):
    event = today_event()
    auth.login()
    headers = {"X-CSRFToken": csrf_from(client.get("/"))}
    sent = iter(range(1000))

    def walk_in(name, value):
        body = {"first_name": "Maria", "last_name": "Rossi", "email": f"porta{next(sent)}@example.org",
                "mode": "in_person", name: value}
        response = client.post(f"/api/v1/events/{event.id}/checkin/walk-in", json=body, headers=headers)
        db.session.expire_all()
        return response

    for name, column in WALK_IN_FIELDS.items():
        for value in [*HOSTILE.values(), LONG, "Maria\ud800"]:  # JSON can carry a lone surrogate
            before = row_counts()
            response = walk_in(name, value)
            assert response.status_code == 422 and response.json["error"]["field"] == name, (name, value[:9])
            assert response.json["error"]["message"] and row_counts() == before
        for value in UNUSUAL.values():
            response = walk_in(name, value)
            assert response.status_code == 200 and response.json["result"] == "ok", response.json
            assert newest(column) == value


# ---- hostile addresses --------------------------------------------------------------------

HUGE = "9" * 25
ENORMOUS = "9" * 5000  # past the 4300 digits Python's int() reads


@pytest.mark.parametrize("url, status", [
    (f"/eventi/{HUGE}", 404), ("/eventi/2147483648", 404), (f"/api/v1/events/{HUGE}", 404),
    ("/iscrizione/%00", 400), ("/j/abc%00def", 400), ("/api/v1/programmes/%00/results", 400),
    ("/attestati/%00", 400), ("/eventi/?tipo=%00", 400), ("/api/v1/events?phase=x%00", 400),
    (f"/eventi/?fase={HUGE}", 200), ("/eventi/?fase=%C2%B2", 200), (f"/eventi/?pagina={HUGE}", 200),
    ("/eventi/?pagina=-3", 200), (f"/eventi/{ENORMOUS}", 404), (f"/eventi/?fase={ENORMOUS}&pagina={ENORMOUS}", 200),
    (f"/iscrizione/{'a' * 65}", 404), ("/iscrizione/%E2%80%AEabc", 404),
])
def test_hostile_addresses_get_an_answer_not_an_error(client, url, status):
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", [
    f"/gestione/?pagina={HUGE}", f"/gestione/enti?pagina={HUGE}", "/risultati/?fase=%C2%B2",
    f"/risultati/?fase={HUGE}&evento={HUGE}", "/risultati/?dal=0001-01-01&al=9999-12-31",
    f"/risultati/partecipanti?pagina={HUGE}", f"/gestione/eventi/{HUGE}",
])
def test_hostile_addresses_of_the_organisers_pages(client, auth, url):
    auth.login()
    assert client.get(url).status_code in (200, 404, 422)


@pytest.mark.parametrize("cookie", ["\u00b2.secret", f"{HUGE}.secret", "1.", ".x", "1." + "x" * 3000])
def test_a_forged_device_cookie_is_nobody(client, today_event, cookie):
    event = today_event()
    client.set_cookie(f"fis_device_{event.id}", cookie)
    assert client.get(f"/api/v1/events/{event.id}/checkin/counts").status_code == 401


def test_chosen_ids_that_cannot_exist_are_refused(client, auth, make_event, today_event):
    """Selects post ids: one past the database's range, or no number at all, is an invalid
    choice (422), never a query that overflows."""
    auth.login()
    token = csrf_from(client.get("/"))
    before = row_counts()
    for name in ("host_event", "programme", "phase", "beneficiaries"):
        for value in (HUGE, "\u00b2", "-1", "1e3"):
            response = client.post("/gestione/eventi/nuovo", data={
                "csrf_token": token, "title": "Incontro", "kind": "support_meeting",
                "starts_at": "2030-03-05T10:00", "ends_at": "2030-03-05T12:30", "host_event": "None",
                "programme": "None", "phase": "None", "offers_in_person": "y", "language": "it",
                "remote_platform": "",
                name: value})
            assert response.status_code == 422, (name, value)
            assert f'id="{name}-error">' in response.get_data(as_text=True), (name, value)
    assert row_counts() == before
    event = today_event()
    before = row_counts()
    for data in ({"present": HUGE, "shown_present": HUGE}, {"present": "\u00b2"}, {"mode-\u00b2": "in_person"},
                 {f"mode-{HUGE}": "remote", "present": "1"}):
        response = client.post(f"/gestione/eventi/{event.id}/presenze", data={"csrf_token": token, **data})
        assert response.status_code == 302, data
    assert row_counts() == before
