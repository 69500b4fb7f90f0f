"""Capacity under parallel requests against a real threaded server, on SQLite and PostgreSQL."""
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

from fis_events.extensions import db
from fis_events.notify.models import OutboxMessage
from fis_events.registration.models import Registration, RegistrationStatus
from support import commit_test_work


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    """A client with its own cookies that reports redirects instead of following them."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)


def fetch(opener, url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, body, timeout=60) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def token_of(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def register_over_http(base, event_id, n):
    opener = browser()
    url = f"{base}/eventi/{event_id}/iscrizione"
    status, page, _ = fetch(opener, url)
    assert status == 200, status
    status, page, headers = fetch(opener, url, {
        "csrf_token": token_of(page), "first_name": "Partecipante", "last_name": f"Numero {n}",
        "email": f"p{n}@example.org", "organisation": "Comune di Bergamo",
        "organisation_kind": "comune_capoluogo", "mode": "in_person", "privacy_notice": "y"})
    return status, headers.get("Location")


def test_200_parallel_attempts_for_50_seats(app, live_server, open_event):
    event_id = open_event(capacity_in_person=50).id
    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(lambda n: register_over_http(live_server, event_id, n), range(200)))
    assert [status for status, _ in results] == [302] * 200  # no 5xx, no refusals
    db.session.expire_all()
    counts = dict(db.session.execute(
        db.select(Registration.status, db.func.count()).group_by(Registration.status)).all())
    assert counts == {RegistrationStatus.CONFIRMED: 50, RegistrationStatus.WAITING: 150}
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 200


def test_parallel_cancellations_promote_each_waiting_person_once(app, live_server, open_event):
    from fis_events.registration import services
    from fis_events.registration.models import AttendanceMode

    event = open_event(capacity_in_person=10)
    registrations = [services.register(event, email=f"c{n}@example.org", first_name="A",
                                       last_name=str(n), mode=AttendanceMode.IN_PERSON)[0]
                     for n in range(25)]
    links = [r.manage_token for r in registrations[:10]]  # the ten confirmed
    commit_test_work()

    def open_cancel_page(token):
        opener = browser()
        return opener, token, token_of(fetch(opener, f"{live_server}/iscrizione/{token}/annulla")[1])

    def cancel(prepared):
        opener, token, csrf = prepared
        return fetch(opener, f"{live_server}/iscrizione/{token}/annulla", {"csrf_token": csrf,
                                                                          "confirmed": "1"})[0]

    prepared = [open_cancel_page(token) for token in links + links]  # each cancelled twice at once
    with ThreadPoolExecutor(max_workers=20) as pool:
        assert list(pool.map(cancel, prepared)) == [302] * 20
    db.session.expire_all()
    counts = dict(db.session.execute(
        db.select(Registration.status, db.func.count()).group_by(Registration.status)).all())
    assert counts == {RegistrationStatus.CANCELLED: 10, RegistrationStatus.CONFIRMED: 10,
                      RegistrationStatus.WAITING: 5}
    promoted = db.session.scalars(db.select(OutboxMessage.registration_id).filter_by(kind="promoted")).all()
    assert len(promoted) == len(set(promoted)) == 10
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).filter_by(kind="cancelled")) == 10


def test_raised_capacity_goes_to_the_people_waiting_while_others_register(app, live_server,
                                                                         open_event):
    """The capacity change and the promotion are one transaction under the event's lock: while
    new registrations arrive in parallel, the new seats go to those already waiting."""
    from fis_events.events import services as events
    from fis_events.events.models import Event
    from fis_events.registration import services
    from fis_events.registration.models import AttendanceMode
    from fis_events.unit_of_work import unit_of_work

    event = open_event(capacity_in_person=2)
    people = [services.register(event, email=f"w{n}@example.org", first_name="A", last_name=str(n),
                                mode=AttendanceMode.IN_PERSON)[0] for n in range(6)]
    waiting = [r.id for r in people[2:]]
    commit_test_work()
    event_id = event.id

    def raise_capacity():
        with app.test_request_context(), unit_of_work():
            events.save_event(db.session.get(Event, event_id), capacity_in_person=4)

    with ThreadPoolExecutor(max_workers=12) as pool:
        arrivals = [pool.submit(register_over_http, live_server, event_id, 100 + n) for n in range(5)]
        pool.submit(raise_capacity).result()
        arrivals += [pool.submit(register_over_http, live_server, event_id, 200 + n) for n in range(5)]
        assert [a.result()[0] for a in arrivals] == [302] * 10
    db.session.expire_all()
    status = dict(db.session.execute(db.select(Registration.id, Registration.status)).all())
    assert [status[i] for i in waiting] == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITING] * 2
    assert list(status.values()).count(RegistrationStatus.CONFIRMED) == 4


def register_as(base, event_id, email, organisation):
    """The form, then its post, for one person typing a new organisation; the post's status."""
    opener = browser()
    url = f"{base}/eventi/{event_id}/iscrizione"
    status, page, _ = fetch(opener, url)
    assert status == 200, status
    return fetch(opener, url, {
        "csrf_token": token_of(page), "first_name": "Anna", "last_name": "Rossi", "email": email,
        "organisation": organisation, "organisation_kind": "altro", "mode": "in_person",
        "privacy_notice": "y"})[0]


def test_parallel_tabs_make_one_person_and_one_new_organisation(app, live_server, open_event):
    """The person and a new organisation are written before the event's lock: two tabs of one
    person, and people of one new organisation, sent at once, still make one of each."""
    from fis_events.programme.models import Organisation
    from fis_events.registration.models import Person

    event_id = open_event(capacity_in_person=3).id
    emails = ["anna@example.org"] * 6 + [f"collega{n}@example.org" for n in range(6)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda e: register_as(live_server, event_id, e, "Cooperativa Nuova"),
                                 emails))
    # each registration made is answered with its redirect; a twin tab hears "already registered"
    assert statuses.count(302) == 7 and statuses.count(200) == 5
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 7
    counts = dict(db.session.execute(
        db.select(Registration.status, db.func.count()).group_by(Registration.status)).all())
    assert counts == {RegistrationStatus.CONFIRMED: 3, RegistrationStatus.WAITING: 4}
