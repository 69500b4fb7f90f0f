"""Certificate PDFs: the text reads in Italian as typed, the QR code opens the check page,
long text stays on the page, one page per certificate."""
from flask_babel import force_locale
from reportlab.lib.pagesizes import A4

from fis_events.certificates import services
from fis_events.certificates.pdf import certificates_pdf
from fis_events.participation.models import AttendanceSource
from fis_events.registration.models import AttendanceMode

LONG_TITLE = ("Seminario nazionale sulle politiche di innovazione sociale, sul partenariato "
              "pubblico-privato e sulla valutazione d'impatto dei progetti finanziati dal Fondo "
              "Innovazione Sociale nei Comuni capoluogo e nelle Città metropolitane")


def render(certificates):
    """As the views do: always in Italian."""
    with force_locale("it"):
        facts = [services.certificate_facts(c) for c in certificates]
        return certificates_pdf(facts, "Attestato"), facts


def one_line(text):
    return " ".join(text.split())


def test_certificate_reads_in_italian_and_its_qr_opens_the_check_page(
        app_ctx, held_event, attended, pdf_reader):
    certificate = services.certificate_for_registration(attended(held_event, "Niccolò", "D'Angelo"))
    data, (facts,) = render([certificate])
    code = services.format_code(certificate.code)
    url = f"http://localhost/attestati/{code}"
    text = one_line(pdf_reader.text(data))
    for expected in ("Attestato di partecipazione", "Si attesta che", "Niccolò D'Angelo",
                     "ha partecipato in presenza all'evento",
                     "«Il Programma FIS e l'accompagnamento ai Comuni»",
                     "martedì 24 ottobre 2023, ore 15.00–18.00", "Durata: 3 ore (secondo il programma dell'evento)",
                     "Sede: Magazzini del Cotone, Genova",
                     "FIS - Fondo Innovazione Sociale · Formez",
                     f"Rilasciato {facts.issued_on}", f"Codice di verifica: {code}", url):
        assert expected in text
    assert [[qr.text for qr in page] for page in pdf_reader.codes(data)] == [[url]]
    assert certificate.attendance.person.email not in text


def test_remote_attendance_says_so_and_names_no_venue(app_ctx, held_event, attended, pdf_reader):
    registration = attended(held_event, "Paola", "Garofalo", mode=AttendanceMode.REMOTE,
                            source=AttendanceSource.PLATFORM_REPORT)
    data, _facts = render([services.certificate_for_registration(registration)])
    text = one_line(pdf_reader.text(data))
    assert "ha partecipato da remoto all'evento" in text
    assert "Sede" not in text and "Magazzini" not in text


def test_one_page_per_certificate_in_the_given_order(app_ctx, held_event, attended, pdf_reader):
    for first, last in (("Anna", "Zeta"), ("Bruno", "Alfa"), ("Carla", "Medi")):
        attended(held_event, first, last)
    certificates = services.issue_event_certificates(held_event)
    data, facts = render(certificates)
    assert [[qr.text for qr in page] for page in pdf_reader.codes(data)] == [[f.url] for f in facts]
    assert [pdf_reader.text(data, page=n).count("Attestato di partecipazione") for n in (1, 2, 3)] \
        == [1, 1, 1]
    assert ["Alfa" in pdf_reader.text(data, page=1), "Medi" in pdf_reader.text(data, page=2),
            "Zeta" in pdf_reader.text(data, page=3)] == [True, True, True]


def test_long_text_stays_on_the_page(app_ctx, open_event, attended, pdf_reader):
    event = open_event(title=LONG_TITLE, venue="Centro congressi " * 6, city="Reggio nell'Emilia")
    registration = attended(event, "Maria Giovanna Elisabetta Caterina",
                            "Buonarroti-Sforza di Valdichiana Pierfrancesco")
    data, (facts,) = render([services.certificate_for_registration(registration)])
    (words,) = pdf_reader.words(data)
    width, height = A4
    assert all(0 < w.x0 and w.x1 < width and 0 < w.y0 and w.y1 < height for w in words)
    text = one_line(pdf_reader.text(data))
    assert "Valdichiana" in text and "metropolitane" in text
    (codes,) = pdf_reader.codes(data)
    assert [qr.text for qr in codes] == [facts.url]
    # the last line of the body (the venue's city) ends above the verification block
    top_of_footer = min(w.y0 for w in words if w.text == "Rilasciato")
    assert [w.y1 < top_of_footer for w in words if w.text == "nell'Emilia"] == [True]
