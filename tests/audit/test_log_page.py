"""The admins' page: who may see it, what a row says, filters (422 when one is wrong), pages,
the CSV export, erasure, and a fixed number of queries."""
import contextvars
import csv
import io
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from fis_events import audit_record as audit
from fis_events.audit_record import AuditEntry
from fis_events.checkin import services as checkin
from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind
from fis_events.extensions import db
from fis_events.registration import services as registrations
from support import csrf_from

from .conftest import user_named

URL = "/gestione/registro-attivita"


def text(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", [URL, URL + ".csv"])
def test_admins_only(client, auth, app_ctx, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accesso" in response.location
    for role in ("organiser", "door_staff"):
        auth.login(role)
        assert client.get(url).status_code == 403
        auth.logout()
    auth.login("admin")
    assert client.get(url).status_code == 200


def test_only_admins_see_the_link_on_the_organisers_home(client, auth, app_ctx):
    auth.login("organiser")
    assert URL not in text(client.get("/gestione/"))
    auth.logout()
    auth.login("admin")
    assert f'href="{URL}"' in text(client.get("/gestione/"))


@pytest.fixture
def cancelled(client, auth, today_event, enrol):
    """An organiser cancelled Anna Rossi's registration at 15.02 Rome time on 24 October 2023."""
    event = today_event(title="Laboratorio di co-progettazione")
    anna = enrol(event, "Anna", "Rossi", email="anna.rossi@example.org")
    auth.login("organiser")
    client.post(f"/gestione/iscrizioni/{anna.id}/annulla", data={"csrf_token": csrf_from(client.get("/"))})
    auth.logout()
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.action == "registration.cancelled")
                       .values(at=datetime(2023, 10, 24, 13, 2, tzinfo=timezone.utc)))
    db.session.commit()
    auth.login("admin")
    return event, anna


def test_a_row_says_when_who_what_and_links_the_event(client, cancelled):
    event, _anna = cancelled
    page = text(client.get(URL, query_string={"azione": "registration.cancelled"}))
    assert "<caption>1 attività, dalla più recente</caption>" in page
    assert '<th scope="col">Quando</th>' in page
    assert "martedì 24 ottobre 2023, ore 15.02" in page
    assert "Organiser (Organizzatore)" in page
    assert "Ha annullato l&#39;iscrizione di Anna Rossi a «Laboratorio di co-progettazione»" in page
    assert f'href="/gestione/eventi/{event.id}"' in page


def test_newest_first_and_filters(client, runner, cancelled, log):
    event, _anna = cancelled
    # a context of its own: outside this test's request, as from a shell
    assert contextvars.Context().run(runner.invoke, args=["results", "refresh"]).exit_code == 0
    checkin.pair_device(checkin.create_pairing(event), "Porta 2")
    organiser = user_named("organiser@example.org")
    page = text(client.get(URL))
    rows = page.split("<tbody>")[1].split("<tr>")[1:]
    assert "Ha abbinato il dispositivo «Porta 2»" in rows[0] and "Dispositivo «Porta 2»" in rows[0]
    assert "Ha ricalcolato le cifre" in rows[2] and "Riga di comando" in rows[2]
    assert "Ha annullato l&#39;iscrizione" in rows[-1]  # back in 2023

    def count(**filters):
        return text(client.get(URL, query_string=filters)).split("<caption>")[1].split(" ")[0]

    everything = len(log())
    assert count() == str(everything)
    assert count(chi=str(organiser.id)) == "3"  # logged in, cancelled, logged out
    assert count(chi=str(organiser.id), azione="registration.cancelled") == "1"
    assert count(evento=str(event.id), chi="partecipanti") == "4"  # created, published, enrolled,
    # and the pairing code made by this test
    assert count(chi="riga-di-comando") == "1"
    assert count(chi="dispositivi") == "1"  # the phone paired itself
    assert count(dal="2023-10-24", al="2023-10-24") == "1"
    assert "Nessuna attività corrisponde ai filtri." in text(client.get(URL, query_string={
        "dal": "2023-10-25", "al": "2023-10-25"}))


@pytest.mark.parametrize("filters, field, message", [
    ({"evento": "dodici"}, "evento", "Il numero dell&#39;evento è un numero intero"),
    ({"azione": "event.deleted"}, "azione", "Tipo di azione sconosciuto."),
    ({"chi": "999999"}, "chi", "Autore sconosciuto."),
    ({"chi": "²"}, "chi", "Autore sconosciuto."),
    ({"evento": "99999999999999999999"}, "evento", "Il numero dell&#39;evento è un numero intero"),
    ({"dal": "2023-13-01"}, "dal", "Data iniziale non valida"),
    ({"dal": "0001-01-01"}, "dal", "Data iniziale non valida"),  # its midnight in UTC overflows
    ({"al": "9999-12-31"}, "al", "Data finale non valida"),
    ({"dal": "2023-10-25", "al": "2023-10-24"}, "al", "La data finale viene prima di quella iniziale."),
])
def test_a_bad_filter_is_answered_422_with_what_was_typed(client, cancelled, filters, field, message):
    response = client.get(URL, query_string=filters)
    page = text(response)
    assert response.status_code == 422
    assert message in page and 'id="filters-error"' in page
    assert re.search(rf'id="f-{field}"[^>]*class="form-\w+ is-invalid" aria-invalid="true"', page)
    for value in filters.values():
        assert f'value="{value}"' in page
    assert "<table" not in page
    assert client.get(URL + ".csv", query_string=filters).status_code == 422


def test_pages_of_fifty(client, auth, app_ctx):
    auth.login("admin")
    for _n in range(55):
        audit.record("results.recounted")
    db.session.commit()
    first = text(client.get(URL, query_string={"azione": "results.recounted"}))
    assert first.count("Ha ricalcolato le cifre della partecipazione") == 50
    assert "azione=results.recounted&amp;pagina=2" in first
    second = text(client.get(URL, query_string={"azione": "results.recounted", "pagina": "2"}))
    assert second.count("Ha ricalcolato le cifre della partecipazione") == 5


def test_csv_export_of_the_filtered_log(client, cancelled, log):
    event, _anna = cancelled
    response = client.get(URL + ".csv", query_string={"evento": str(event.id), "chi": "partecipanti"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    assert 'filename="registro-attivita.csv"' in response.headers["Content-Disposition"]
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert header == ["Quando", "Chi", "Tipo di azione", "Che cosa", "Evento (n.)", "Evento"]
    assert [row[3] for row in rows] == [
        "Ha iscritto Anna Rossi a «Laboratorio di co-progettazione»",
        "Ha pubblicato l'evento «Laboratorio di co-progettazione»",
        "Ha creato l'evento «Laboratorio di co-progettazione»"]
    assert {row[1] for row in rows} == {"Partecipante (con il proprio collegamento)"}
    assert {(row[4], row[5]) for row in rows} == {(str(event.id), "Laboratorio di co-progettazione")}
    exported = log()[-1]
    assert (exported.action, exported.details) == ("audit.exported", {"count": 3})
    cancelled_row = list(csv.reader(io.StringIO(client.get(URL + ".csv", query_string={
        "azione": "registration.cancelled"}).data.decode("utf-8")[1:]), delimiter=";"))[1]
    assert cancelled_row[:3] == ["24/10/2023 15:02:00", "Organiser (Organizzatore)", "Iscrizione annullata"]


def test_an_erased_person_is_anonymous_in_the_log_too(client, cancelled):
    _event, anna = cancelled
    client.post(f"/gestione/persone/{anna.person_id}/anonimizza",
                data={"csrf_token": csrf_from(client.get("/"))})
    page = text(client.get(URL))
    csv_body = client.get(URL + ".csv").data.decode("utf-8")
    for shown in (page, csv_body):
        assert "Rossi" not in shown and "anna.rossi" not in shown
        assert "l'iscrizione di Partecipante anonimizzato a «Laboratorio di co-progettazione»" \
            in shown.replace("&#39;", "'")
        assert f"Ha anonimizzato i dati personali della persona n. {anna.person_id}" in shown
    stored = db.session.execute(sa.select(AuditEntry.target_type, AuditEntry.details,
                                          AuditEntry.action)).all()
    assert "Rossi" not in repr(stored) and "anna" not in repr(stored).lower()


def test_names_of_deleted_things(client, auth, make_event):
    event = make_event(title="Evento da eliminare")
    item = events.add_agenda_item(event, "Apertura", AgendaItemKind.TALK)
    events.delete_agenda_item(item)
    db.session.delete(db.session.get(type(event), event.id))
    db.session.commit()
    auth.login("admin")
    page = text(client.get(URL, query_string={"evento": str(event.id)}))
    assert "Ha eliminato un punto dal programma di «evento n. %d, eliminato»" % event.id in page
    assert "Ha aggiunto il punto «(eliminato)» al programma" in page
    assert f"n. {event.id}, eliminato</td>" in page.replace("\n", "").replace("  ", "")


def test_the_page_sends_the_same_queries_whatever_its_size(client, auth, today_event, enrol,
                                                           count_queries):
    auth.login("admin")
    staff = user_named(auth.user("door_staff"))

    def entries_of_every_kind(n):
        event = today_event(title=f"Evento {n}")
        device, _secret = checkin.pair_device(checkin.create_pairing(event), "Porta 1")
        for i in range(n):
            registration = enrol(event, "Persona", f"Numero {i}", organisation=f"Ente {i}")
            audit.record("registration.cancelled", event=event, target=registration, device=device)
            audit.record("attendance.marked", event=event, target=registration.person, user=staff)
            item = events.add_agenda_item(event, f"Punto {i}", AgendaItemKind.TALK)
            link = events.add_speaker(item, f"Relatore {i}")
            audit.record("agenda.speaker_removed", event=event, target=link.speaker, item=item.id)
            audit.record("organisation.updated", target=registration.person.organisation)
            audit.record("checkin.staff_assigned", event=event, target=staff)
            audit.record("checkin.device_revoked", event=event, target=device)
        db.session.commit()
        return event

    def queries():
        with count_queries() as counter:
            assert client.get(URL).status_code == 200
        return counter.count

    entries_of_every_kind(1)
    few = queries()
    many = entries_of_every_kind(7)
    assert len(registrations.registrations_of(many)) == 7
    assert few == queries()
