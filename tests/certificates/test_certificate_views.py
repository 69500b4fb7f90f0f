"""Routes: the participant's download, the public check page and its form, the organisers'
bulk download, who may open what, and the rate limit against guessing codes."""
import re
import urllib.request
from html import unescape
from concurrent.futures import ThreadPoolExecutor

import pytest

from fis_events.certificates import services
from fis_events.certificates.models import Certificate
from fis_events.db_types import utcnow
from fis_events.extensions import db, limiter


def pdf_url(registration):
    return f"/iscrizione/{registration.manage_token}/attestato.pdf"


def check_url(certificate):
    return f"/attestati/{services.format_code(certificate.code)}"


def page_of(response):
    return unescape(response.get_data(as_text=True))


def certificates_in_db():
    return db.session.scalar(db.select(db.func.count(Certificate.id)))


# -- participants ------------------------------------------------------------------------------

def test_participant_downloads_their_certificate(client, held_event, attended, pdf_reader):
    registration = attended(held_event, "Niccolò", "D'Angelo")
    response = client.get(pdf_url(registration))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="attestato-niccolo-dangelo-evento-{held_event.id}.pdf"'
    certificate = db.session.scalar(db.select(Certificate))
    url = f"http://localhost{check_url(certificate)}"
    assert "Niccolò D'Angelo" in pdf_reader.text(response.data)
    assert [qr.text for qr in pdf_reader.codes(response.data)[0]] == [url]
    # downloading again gives the same certificate
    assert client.get(pdf_url(registration)).status_code == 200
    assert certificates_in_db() == 1


def test_no_attendance_no_certificate(client, held_event, enrol):
    registration = enrol(held_event, "Paola", "Garofalo")
    response = client.get(pdf_url(registration))
    assert response.status_code == 404
    page = page_of(response)
    assert "Attestato non ancora disponibile" in page
    assert "la tua presenza all'evento è registrata" in page
    assert f"/iscrizione/{registration.manage_token}" in page
    assert certificates_in_db() == 0


def test_wrong_link_gets_the_invalid_link_page(client):
    response = client.get("/iscrizione/non-esiste/attestato.pdf")
    assert response.status_code == 404
    assert "Collegamento non valido" in page_of(response)


def test_manage_page_links_the_certificate_only_once_attendance_exists(
        client, held_event, enrol, attended):
    absent = enrol(held_event, "Paola", "Garofalo")
    present = attended(held_event, "Niccolò", "D'Angelo")
    page = page_of(client.get(f"/iscrizione/{absent.manage_token}"))
    assert "attestato.pdf" not in page and "Attestato di partecipazione" not in page
    page = page_of(client.get(f"/iscrizione/{present.manage_token}"))
    assert f'href="{pdf_url(present)}"' in page
    assert "Scarica l'attestato di partecipazione (PDF)" in page
    assert certificates_in_db() == 0  # showing the link issues nothing


def test_parallel_downloads_issue_one_certificate(app, live_server, held_event, attended,
                                                  pdf_reader):
    url = live_server + pdf_url(attended(held_event, "Niccolò", "D'Angelo"))

    def download(_n):
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(download, range(8)))
    assert [status for status, _body in results] == [200] * 8
    db.session.expire_all()
    (code,) = db.session.scalars(db.select(Certificate.code)).all()
    assert all(services.format_code(code) in pdf_reader.text(body) for _status, body in results)


# -- the public check page ---------------------------------------------------------------------

def test_check_page_confirms_a_valid_certificate(client, held_event, attended):
    certificate = services.certificate_for_registration(attended(held_event, "Niccolò", "D'Angelo"))
    response = client.get(check_url(certificate))
    assert response.status_code == 200
    page = page_of(response)
    for expected in ("Attestato valido", "Niccolò D'Angelo",
                     "Il Programma FIS e l'accompagnamento ai Comuni",
                     "martedì 24 ottobre 2023, ore 15.00–18.00", "3 ore", "in presenza",
                     "Magazzini del Cotone, Genova", "FIS - Fondo Innovazione Sociale · Formez",
                     services.format_code(certificate.code), services.long_date(utcnow()),
                     '<meta name="robots" content="noindex">'):
        assert expected in page
    assert certificate.attendance.person.email not in page


def test_check_page_accepts_the_code_as_typed(client, held_event, attended):
    certificate = services.certificate_for_registration(attended(held_event, "Anna", "Rossi"))
    response = client.get(f"/attestati/{certificate.code.lower()}")
    assert response.status_code == 200 and "Attestato valido" in page_of(response)


def test_unknown_code_gets_a_clear_404_and_a_form(client, held_event, attended):
    services.certificate_for_registration(attended(held_event, "Anna", "Rossi"))
    response = client.get("/attestati/ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 404
    page = page_of(response)
    assert "Attestato non trovato" in page and "Attestato valido" not in page
    assert "Nessun attestato corrisponde al codice «ZZZZ-ZZZZ-ZZZZ»" in page
    assert 'action="/attestati/verifica"' in page and 'method="get"' in page
    assert re.search(r'<input[^>]*name="codice"[^>]*value="ZZZZ-ZZZZ-ZZZZ"', page)
    assert "csrf_token" not in page
    assert "Anna Rossi" not in page


def test_erased_person_is_not_named(client, held_event, attended):
    registration = attended(held_event, "Niccolò", "D'Angelo")
    certificate = services.certificate_for_registration(registration)
    registration.person.erased_at = utcnow()
    db.session.commit()
    page = page_of(client.get(check_url(certificate)))
    assert "Attestato valido" in page and "Partecipante anonimizzato" in page
    assert "D'Angelo" not in page


def test_removing_the_attendance_withdraws_the_certificate(client, held_event, attended):
    certificate = services.certificate_for_registration(attended(held_event, "Anna", "Rossi"))
    url = check_url(certificate)
    db.session.delete(certificate.attendance)
    db.session.commit()
    assert certificates_in_db() == 0
    assert client.get(url).status_code == 404


def test_verify_form_goes_to_the_code_page(client, held_event, attended):
    certificate = services.certificate_for_registration(attended(held_event, "Anna", "Rossi"))
    grouped = services.format_code(certificate.code)
    typed = " " + grouped.lower().replace("-", " ") + " "
    response = client.get("/attestati/verifica", query_string={"codice": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/attestati/{grouped}"


def test_verify_form_page(client):
    response = client.get("/attestati/verifica")
    assert response.status_code == 200
    page = page_of(response)
    assert "Verifica un attestato" in page and 'name="codice"' in page


@pytest.mark.parametrize("typed, message", [
    ("", "Scrivi il codice riportato sull'attestato."),
    ("ABC-123", "Questo non è un codice di verifica"),
    ("X" * 41, "Il codice ha 12 caratteri."),
])
def test_verify_form_refuses_what_cannot_be_a_code(client, typed, message):
    response = client.get("/attestati/verifica", query_string={"codice": typed})
    assert response.status_code == 422
    page = page_of(response)
    assert message in page
    assert f'value="{typed}"' in page or not typed
    assert 'aria-invalid="true"' in page


def test_guessing_codes_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LINK", "5 per minute")
    limiter.reset()
    try:
        statuses = [client.get(f"/attestati/ZZZZ-ZZZZ-ZZZ{c}").status_code for c in "ABCDEF"]
        assert statuses == [404] * 5 + [429]
        assert client.get("/attestati/verifica?codice=ZZZZ-ZZZZ-ZZZA").status_code == 429
    finally:
        limiter.reset()


# -- organisers --------------------------------------------------------------------------------

def bulk_url(event):
    return f"/gestione/eventi/{event.id}/attestati.pdf"


def test_organiser_downloads_all_certificates_of_an_event(client, auth, held_event, attended,
                                                          enrol, pdf_reader):
    for first, last in (("Anna", "Zeta"), ("Niccolò", "D'Angelo"), ("Bruno", "Alfa")):
        attended(held_event, first, last)
    enrol(held_event, "Carla", "Assente")
    auth.login()
    page = page_of(client.get(f"/gestione/eventi/{held_event.id}"))
    assert f'href="{bulk_url(held_event)}"' in page
    assert "Attestati di partecipazione (3, PDF)" in page

    response = client.get(bulk_url(held_event))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="attestati-evento-{held_event.id}.pdf"'
    pages = [pdf_reader.text(response.data, page=n) for n in (1, 2, 3)]
    assert ["Bruno Alfa" in pages[0], "Niccolò D'Angelo" in pages[1], "Anna Zeta" in pages[2]] \
        == [True] * 3
    assert len(pdf_reader.codes(response.data)) == 3
    assert certificates_in_db() == 3


def test_event_without_attendance_has_no_certificates(client, auth, held_event, enrol):
    enrol(held_event, "Carla", "Assente")
    auth.login()
    assert "attestati.pdf" not in page_of(client.get(f"/gestione/eventi/{held_event.id}"))
    response = client.get(bulk_url(held_event))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/gestione/eventi/{held_event.id}"
    assert "Nessuna presenza registrata" in page_of(client.get(response.headers["Location"]))


def test_bulk_download_is_for_organisers_only(client, auth, held_event, attended):
    attended(held_event, "Anna", "Rossi")
    response = client.get(bulk_url(held_event))
    assert response.status_code == 302 and "/accesso" in response.headers["Location"]
    auth.login("door_staff")
    assert client.get(bulk_url(held_event)).status_code == 403
    assert certificates_in_db() == 0
    auth.logout()
    auth.login("admin")
    assert client.get(bulk_url(held_event)).status_code == 200
    assert client.get("/gestione/eventi/999999/attestati.pdf").status_code == 404


def test_bulk_download_queries_do_not_grow_with_the_attendees(client, auth, open_event, attended,
                                                              count_queries):
    few, many = open_event(title="Pochi"), open_event(title="Molti")
    for n in range(2):
        attended(few, "Persona", f"Pochi{n}")
    for n in range(9):
        attended(many, "Persona", f"Molti{n}")
    auth.login()

    def queries(event):
        with count_queries() as counter:
            assert client.get(bulk_url(event)).status_code == 200
        return counter.count

    assert queries(few) == queries(many)  # issuing the certificates
    assert queries(few) == queries(many)  # already issued
