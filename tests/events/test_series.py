"""Series: the dates a rule gives (holidays skipped), the preview, the meetings made from the
first one, the series' page and calendar feed."""
from datetime import date, datetime

import icalendar
import pytest
import vobject

from support import commit_test_work, csrf_from
from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind, Event, EventKind, EventSeries, EventStatus
from fis_events.events.recurrence import Frequency, Rule, meeting_days
from fis_events.extensions import db
from fis_events.i18n import ROME


def rome(*parts):
    return datetime(*parts, tzinfo=ROME)


# ---- the rule's dates ---------------------------------------------------------------------

def test_six_on_the_second_tuesday_skip_the_immacolata_and_go_on():
    days, skipped = meeting_days(date(2026, 10, 13), Rule(Frequency.MONTHLY, (1,), week_of_month=2,
                                                          count=6))
    assert days == [date(2026, 10, 13), date(2026, 11, 10), date(2027, 1, 12), date(2027, 2, 9),
                    date(2027, 3, 9), date(2027, 4, 13)]
    assert [(s.day, s.holiday) for s in skipped] == [(date(2026, 12, 8), "Immacolata Concezione")]


def test_the_last_friday_until_a_date_and_holidays_in_english():
    days, skipped = meeting_days(date(2026, 11, 27), Rule(Frequency.MONTHLY, (4,), week_of_month=-1,
                                                          until=date(2027, 3, 26)), language="en")
    assert days == [date(2026, 11, 27), date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26)]
    assert [(s.day, s.holiday) for s in skipped] == [(date(2026, 12, 25), "Christmas Day")]


def test_every_two_weeks_on_mondays_and_thursdays_without_skipping_holidays():
    rule = Rule(Frequency.WEEKLY, (0, 3), interval=2, count=5, skip_holidays=False)
    days, skipped = meeting_days(date(2026, 12, 21), rule)
    assert days == [date(2026, 12, 21), date(2026, 12, 24), date(2027, 1, 4), date(2027, 1, 7),
                    date(2027, 1, 18)]
    assert skipped == []


# ---- through the organiser's pages ----------------------------------------------------------

@pytest.fixture
def meeting(make_event):
    """A published support meeting on the second Tuesday of October 2026, 15.30 summer time,
    with an agenda."""
    event = make_event(title="Incontro di supporto", kind=EventKind.SUPPORT_MEETING,
                       starts_at=rome(2026, 10, 13, 15, 30), ends_at=rome(2026, 10, 13, 17, 0),
                       registration_opens_at=rome(2026, 10, 1, 9, 0))
    item = events.add_agenda_item(event, "Il percorso", AgendaItemKind.TALK,
                                  rome(2026, 10, 13, 15, 30), rome(2026, 10, 13, 16, 30))
    events.add_speaker(item, "Giusy Pino", "Dirigente", "Comune di Palermo", remote=True)
    events.publish_event(event)
    commit_test_work()
    return event


def series_form(client, event_id, **changes):
    page = client.get(f"/gestione/eventi/{event_id}/serie")
    assert page.status_code == 200
    form = dict(csrf_token=csrf_from(page), title="Incontri di supporto",
                title_pattern="Incontro di supporto n. {n}", frequency="monthly", interval="1",
                week_of_month="2", weekday="1", ends="count", count="6", skip_holidays="y")
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def event_count():
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(Event.id)))


def test_the_form_proposes_the_events_own_weekday_and_week(client, auth, meeting):
    auth.login()
    page = client.get(f"/gestione/eventi/{meeting.id}/serie").get_data(as_text=True)
    assert '<option selected value="2">il secondo</option>' in page
    assert '<option selected value="1">martedì</option>' in page
    assert 'value="Incontro di supporto n. {n}"' in page
    assert "Crea la serie" not in page  # only once the dates were shown


def test_the_preview_shows_the_dates_and_the_skipped_holiday_and_creates_nothing(client, auth,
                                                                                  meeting):
    auth.login()
    response = client.post(f"/gestione/eventi/{meeting.id}/serie",
                           data=series_form(client, meeting.id, preview="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "6 incontri" in page
    assert "martedì 10 novembre 2026, ore 15.30" in page  # winter time, same clock
    assert "martedì 8 dicembre 2026 — Immacolata Concezione" in page
    assert "Incontro di supporto n. 6" in page and "Crea la serie" in page
    assert event_count() == 1


def test_creating_the_series_makes_each_meeting_a_copy_at_its_date(client, auth, meeting):
    auth.login()
    response = client.post(f"/gestione/eventi/{meeting.id}/serie",
                           data=series_form(client, meeting.id, create="1"))
    assert response.status_code == 302
    series = db.session.scalars(db.select(EventSeries)).one()
    assert response.location.endswith(f"/gestione/serie/{series.id}")
    meetings = series.events
    assert [e.series_number for e in meetings] == [1, 2, 3, 4, 5, 6]
    assert meetings[0].id == meeting.id and meetings[0].title == "Incontro di supporto"
    assert [e.title for e in meetings[1:3]] == ["Incontro di supporto n. 2", "Incontro di supporto n. 3"]
    assert [e.starts_at.astimezone(ROME).strftime("%d/%m/%Y %H.%M") for e in meetings] == [
        "13/10/2026 15.30", "10/11/2026 15.30", "12/01/2027 15.30", "09/02/2027 15.30",
        "09/03/2027 15.30", "13/04/2027 15.30"]
    assert all(e.status is EventStatus.PUBLISHED for e in meetings)
    second = meetings[1]
    assert second.ends_at == rome(2026, 11, 10, 17, 0)
    assert second.registration_opens_at == rome(2026, 10, 29, 9, 0)
    assert [(i.title, i.starts_at, [(l.speaker.name, l.remote) for l in i.speaker_links])
            for i in second.agenda_items] == [
        ("Il percorso", rome(2026, 11, 10, 15, 30), [("Giusy Pino", True)])]
    page = client.get(response.location).get_data(as_text=True)
    assert "ogni mese, il secondo martedì del mese, 6 incontri, festività nazionali escluse" in page
    assert page.count("/gestione/eventi/") >= 6


def test_the_same_form_sent_twice_makes_one_series(client, auth, meeting):
    auth.login()
    form = series_form(client, meeting.id, create="1")
    assert client.post(f"/gestione/eventi/{meeting.id}/serie", data=form).status_code == 302
    again = client.post(f"/gestione/eventi/{meeting.id}/serie", data=form)
    assert again.status_code == 422
    assert "Questo evento fa già parte di una serie." in again.get_data(as_text=True)
    assert event_count() == 6


@pytest.mark.parametrize("changes, message", [
    ({"title_pattern": "Incontro {numero}"}, "Nel titolo puoi usare solo {n}"),
    ({"title_pattern": "Incontro {n:>999999999}"}, "Nel titolo puoi usare solo {n}"),
    ({"title_pattern": "Incontro {n.__class__}"}, "Nel titolo puoi usare solo {n}"),
    ({"title_pattern": "Incontro {n"}, "Nel titolo puoi usare solo {n}"),
    ({"frequency": "weekly", "weekdays": None}, "Scegli almeno un giorno della settimana."),
    ({"ends": "until", "until": "2026-10-01"}, "La data di fine deve seguire il primo incontro."),
    ({"count": "1"}, "Una serie ha da 2 a 60 incontri."),
    ({"count": "500"}, "Una serie ha da 2 a 60 incontri."),
])
def test_a_bad_rule_is_refused_with_the_form_kept(client, auth, meeting, changes, message):
    auth.login()
    response = client.post(f"/gestione/eventi/{meeting.id}/serie",
                           data=series_form(client, meeting.id, create="1", **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="Incontri di supporto"' in page
    assert event_count() == 1


def test_the_series_feed_has_one_event_per_public_meeting_and_a_cancelled_one(client, auth, meeting):
    auth.login()
    client.post(f"/gestione/eventi/{meeting.id}/serie",
                data=series_form(client, meeting.id, create="1", count="3"))
    series = db.session.scalars(db.select(EventSeries)).one()
    second, third = series.events[1], series.events[2]
    events.cancel_event(second)
    events.unpublish_event(third)
    commit_test_work()
    response = client.get(f"/serie/{series.id}/calendario.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    found = {str(e["SUMMARY"]): str(e.get("STATUS", "")) for e in calendar.walk("VEVENT")}
    assert found == {"Incontro di supporto": "CONFIRMED", "Incontro di supporto n. 2": "CANCELLED"}
    parsed = vobject.readOne(response.get_data(as_text=True))
    assert sorted(v.summary.value for v in parsed.vevent_list) == [
        "Incontro di supporto", "Incontro di supporto n. 2"]
    assert client.get("/serie/999/calendario.ics").status_code == 404


# ---- changing one meeting, or it and the following ones ----------------------------------------

@pytest.fixture
def four_meetings(client, auth, meeting):
    auth.login()
    client.post(f"/gestione/eventi/{meeting.id}/serie",
                data=series_form(client, meeting.id, create="1", count="4"))
    return db.session.scalars(db.select(EventSeries)).one()


def edit_form(client, event, **changes):
    from events.test_manage import event_form_data

    url = f"/gestione/eventi/{event.id}/modifica"
    start, end = (m.astimezone(ROME).strftime("%Y-%m-%dT%H:%M") for m in (event.starts_at, event.ends_at))
    fields = dict(title=event.title, starts_at=start, ends_at=end, venue=None, city=None,
                  capacity_in_person="", description="", move_agenda="y")
    data = event_form_data(csrf_from(client.get(url)), **{**fields, **changes})
    return client.post(url, data=data)


def meeting_facts(series_id):
    db.session.expire_all()
    series = db.session.get(EventSeries, series_id)
    return [(e.series_number, e.venue, e.starts_at.astimezone(ROME).strftime("%d/%m %H.%M"),
             [i.starts_at.astimezone(ROME).strftime("%H.%M") for i in e.agenda_items])
            for e in series.events]


def test_this_and_the_following_moves_the_later_meetings_each_on_its_day(client, auth, four_meetings,
                                                                         enrol):
    from fis_events.notify.models import OutboxMessage

    second, third = four_meetings.events[1], four_meetings.events[2]
    anna = enrol(third, "Anna", "Rossi")
    page = client.get(f"/gestione/eventi/{second.id}/modifica").get_data(as_text=True)
    assert "Questo incontro e i successivi della serie" in page
    response = edit_form(client, second, venue="Sala Consiliare", starts_at="2026-11-10T16:00",
                         ends_at="2026-11-10T17:30", apply_to="following")
    assert response.status_code == 302
    assert meeting_facts(four_meetings.id) == [
        (1, None, "13/10 15.30", ["15.30"]),
        (2, "Sala Consiliare", "10/11 16.00", ["16.00"]),
        (3, "Sala Consiliare", "12/01 16.00", ["16.00"]),
        (4, "Sala Consiliare", "09/02 16.00", ["16.00"])]
    told = db.session.scalars(db.select(OutboxMessage).filter_by(registration_id=anna.id,
                                                                  kind="event_changed")).all()
    assert len(told) == 1  # the third meeting's registrant hears of her meeting's change


def test_only_this_one_changes_exactly_it(client, auth, four_meetings):
    second = four_meetings.events[1]
    response = edit_form(client, second, venue="Sala Consiliare", apply_to="only")
    assert response.status_code == 302
    assert [venue for _n, venue, _start, _agenda in meeting_facts(four_meetings.id)] == [
        None, "Sala Consiliare", None, None]


def test_the_agenda_of_one_meeting_copied_to_the_later_ones(client, auth, four_meetings):
    second = four_meetings.events[1]
    events.add_agenda_item(second, "Domande", AgendaItemKind.TALK, rome(2026, 11, 10, 16, 30))
    commit_test_work()
    token = csrf_from(client.get(f"/gestione/eventi/{second.id}"))
    response = client.post(f"/gestione/eventi/{second.id}/programma/successivi",
                           data={"csrf_token": token})
    assert response.status_code == 302
    assert [agenda for _n, _venue, _start, agenda in meeting_facts(four_meetings.id)] == [
        ["15.30"], ["15.30", "16.30"], ["15.30", "16.30"], ["15.30", "16.30"]]
