"""The admins' page to find a person and anonymise them."""
import pytest

from fis_events.extensions import db
from fis_events.privacy import services as privacy
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode, Registration
from support import csrf_from


@pytest.fixture
def person(open_event):
    event = open_event()
    registration, _ = services.register(event, email="niccolo.dangelo@example.org", first_name="Niccolò",
                                        last_name="D'Angelo", mode=AttendanceMode.IN_PERSON)
    return registration.person


def test_only_admins_get_in(client, auth, person):
    pages = ("/gestione/persone", f"/gestione/persone/{person.id}/anonimizza")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302 and "/accesso" in response.headers["Location"]
    for role in ("organiser", "door_staff"):
        auth.login(role)
        for path in pages:
            assert client.get(path).status_code == 403
        assert client.post(pages[1], data={}).status_code in (400, 403)
        auth.logout()
    db.session.expire_all()
    assert person.erased_at is None


def test_search_confirm_and_erase(client, auth, person):
    auth.login("admin")
    for query in ("nicco", "dang", "NICCOLÒ", "niccolo.dangelo@"):
        page = client.get("/gestione/persone", query_string={"q": query}).get_data(as_text=True)
        assert "Niccolò D&#39;Angelo" in page and "Anonimizza" in page, query
    assert "Nessuna persona corrisponde" in client.get("/gestione/persone?q=zzz").get_data(as_text=True)

    confirm = client.get(f"/gestione/persone/{person.id}/anonimizza")
    assert confirm.status_code == 200 and "non si può annullare" in confirm.get_data(as_text=True)
    assert client.post(f"/gestione/persone/{person.id}/anonimizza", data={}).status_code == 400
    db.session.expire_all()
    assert person.erased_at is None

    response = client.post(f"/gestione/persone/{person.id}/anonimizza", data={"csrf_token": csrf_from(confirm)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/gestione/persone")
    db.session.expire_all()
    assert person.erased_at is not None and person.email is None
    assert "Dati personali cancellati" in client.get("/gestione/persone").get_data(as_text=True)
    assert "Nessuna persona corrisponde" in client.get("/gestione/persone?q=nicco").get_data(as_text=True)
    again = client.get(f"/gestione/persone/{person.id}/anonimizza").get_data(as_text=True)
    assert "già anonimizzata" in again and "csrf_token" not in again.split("<main", 1)[1]
    assert client.get("/gestione/persone/999999/anonimizza").status_code == 404


def test_pages_show_an_erased_person_as_a_placeholder(client, auth, person):
    event_id = db.session.scalar(db.select(Registration.event_id).filter_by(person_id=person.id))
    privacy.erase(person)
    auth.login("admin")
    registrations = client.get(f"/gestione/eventi/{event_id}/iscritti")
    assert registrations.status_code == 200
    assert "Partecipante anonimizzato" in registrations.get_data(as_text=True)
    assert client.get(f"/gestione/risultati/partecipanti/{person.id}").status_code == 200


def test_name_matches_come_before_organisation_matches(client, auth, app_ctx):
    from fis_events.programme.models import Organisation, OrganisationKind
    from fis_events.registration.models import Person

    rossi = Organisation(name="Cooperativa Rossi", kind=OrganisationKind.TERZO_SETTORE)
    db.session.add_all([
        Person(email="anna@example.org", first_name="Anna", last_name="Bianchi", organisation=rossi),
        Person(email="bruno@example.org", first_name="Bruno", last_name="Abate", organisation=rossi),
        Person(email="mrossi@example.org", first_name="Maria", last_name="Verdi"),
        Person(email="mario@example.org", first_name="Mario", last_name="Rossi")])
    db.session.commit()
    auth.login("admin")
    page = client.get("/gestione/persone", query_string={"q": "rossi"}).get_data(as_text=True)
    order = [page.index(name) for name in ("Mario Rossi", "Maria Verdi", "Bruno Abate", "Anna Bianchi")]
    assert order == sorted(order)
