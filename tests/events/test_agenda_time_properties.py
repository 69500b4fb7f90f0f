"""Properties of agenda times: an item is accepted exactly when its times keep the rules (an end
only with a start, after it, both within the event), an accepted one is stored as given, and a
refused one names its field and changes nothing; through the service and through the form."""
import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fis_events.errors import DomainError
from fis_events.events import services
from fis_events.events.models import AgendaItem, AgendaItemKind
from fis_events.extensions import db
from fis_events.unit_of_work import unit_of_work
from fis_events.i18n import ROME
from support import csrf_from

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FIRST_DAY = (datetime.now(ROME) + timedelta(days=3)).date()


def at(day_offset, minutes):
    return datetime.combine(FIRST_DAY + timedelta(days=day_offset), time(), ROME) + timedelta(minutes=minutes)


#: one morning (10:00-13:00), or two days (9:00 on the first to 18:00 on the second)
SPANS = {"one_day": (at(0, 600), at(0, 780)), "two_days": (at(0, 540), at(1, 1080))}
#: times on a five-minute grid from the day before to the day after, so the edges come up often
MOMENTS = st.one_of(st.none(), st.builds(lambda k: at(-1, 5 * k), st.integers(0, 4 * 288)))


@pytest.fixture(params=sorted(SPANS))
def event(request, make_event):
    starts_at, ends_at = SPANS[request.param]
    return make_event(starts_at=starts_at, ends_at=ends_at)


def broken_rules(event, starts_at, ends_at):
    """The fields whose rule these times break, as the organiser reads them."""
    broken = set()
    if ends_at is not None and starts_at is None:
        broken.add("start_time")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        broken.add("end_time")
    for moment, field in ((starts_at, "start_time"), (ends_at, "end_time")):
        if moment is not None and not event.starts_at <= moment <= event.ends_at:
            broken.add(field)
    return broken


def items():
    return db.session.scalars(db.select(AgendaItem).order_by(AgendaItem.position)).all()


@SETTINGS
@given(starts_at=MOMENTS, ends_at=MOMENTS)
def test_the_service_accepts_exactly_the_times_that_keep_the_rules(event, starts_at, ends_at):
    before = [(i.id, i.starts_at, i.ends_at) for i in items()]
    broken = broken_rules(event, starts_at, ends_at)
    try:
        with unit_of_work():
            item = services.add_agenda_item(event, "Punto", AgendaItemKind.TALK, starts_at, ends_at)
    except DomainError as error:
        assert broken and error.field in broken and error.message
        assert [(i.id, i.starts_at, i.ends_at) for i in items()] == before
        return
    assert not broken
    db.session.expire_all()
    assert (item.starts_at, item.ends_at, item.position) == (starts_at, ends_at, len(before))


@SETTINGS
@given(starts_at=MOMENTS, ends_at=MOMENTS)
def test_editing_keeps_the_rules_too(event, starts_at, ends_at):
    with unit_of_work():
        item = items()[0] if items() else services.add_agenda_item(event, "Punto", AgendaItemKind.TALK)
    kept = (item.starts_at, item.ends_at)
    try:
        with unit_of_work():
            services.update_agenda_item(item, "Punto", AgendaItemKind.TALK, starts_at, ends_at)
    except DomainError as error:
        assert error.field in broken_rules(event, starts_at, ends_at)
        db.session.expire_all()
        assert (item.starts_at, item.ends_at) == kept
        return
    assert not broken_rules(event, starts_at, ends_at)


def test_items_without_a_time_follow_the_previous_one(event):
    """Untimed items sit anywhere in the order, between timed ones, and keep their place."""
    start = event.starts_at
    for title, starts_at in (("Apertura", start), ("Saluti", None), ("Relazione", start + timedelta(minutes=30)),
                             ("Domande", None)):
        services.add_agenda_item(event, title, AgendaItemKind.TALK, starts_at)
    assert [(i.title, i.position, i.starts_at) for i in items()] == [
        ("Apertura", 0, start), ("Saluti", 1, None), ("Relazione", 2, start + timedelta(minutes=30)),
        ("Domande", 3, None)]


# ---- through the organiser's form ---------------------------------------------------------------

CLOCK = st.one_of(st.just(""), st.builds("{:02}:{:02}".format, st.integers(0, 23), st.sampled_from([0, 5, 30, 59])),
                  st.sampled_from(["24:00", "9.30", "10:00:00", "-1:00", "\x00", "１０:００", "10:60"]))
DAYS = st.one_of(st.sampled_from([FIRST_DAY.isoformat(), (FIRST_DAY + timedelta(days=1)).isoformat(), ""]),
                 st.sampled_from(["2000-01-01", "9999-12-31", "oggi", "\x00", "2023-02-30"]), st.text(max_size=12))


REFUSALS = ("Ora non valida: scrivila come hh:mm|L'orario deve essere compreso|L'ora di fine deve essere "
            "successiva|Indica l'ora di inizio|Scegli uno dei giorni dell'evento")


def typed(day, clock):
    """The moment a form value means, None when it is not a day and a time."""
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), ROME) \
            if len(clock) == 5 and clock[2] == ":" and clock.isascii() else None
    except ValueError:
        return None


@pytest.fixture
def organiser(client, auth):
    auth.login()
    return csrf_from(client.get("/"))


@SETTINGS
@given(day=DAYS, start=CLOCK, end=CLOCK)
def test_the_form_answers_every_day_and_time_with_an_item_or_a_clear_refusal(
        client, organiser, event, day, start, end):
    before = len(items())
    response = client.post(f"/gestione/eventi/{event.id}/agenda", data={
        "csrf_token": organiser, "title": "Punto provato", "kind": "talk", "day": day,
        "start_time": start, "end_time": end, "section": "", "description": ""})
    db.session.expire_all()
    if response.status_code == 302:
        item = items()[-1]
        assert len(items()) == before + 1
        assert (item.starts_at, item.ends_at) == (typed(day or FIRST_DAY.isoformat(), start) if start else None,
                                                   typed(day or FIRST_DAY.isoformat(), end) if end else None)
        assert not broken_rules(event, item.starts_at, item.ends_at)
        return
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert 'value="Punto provato"' in page
    assert 'class="alert alert-danger"' in page and re.search(REFUSALS, page), page
    assert len(items()) == before
