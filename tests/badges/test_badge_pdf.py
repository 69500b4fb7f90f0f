"""Badge PDFs: the QR code scans, the text reads as typed, long text stays inside the badge."""
from types import SimpleNamespace

import pytest
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm

from fis_events import pdf
from fis_events.badges.pdf import badges_pdf, event_date
from fis_events.registration.models import AttendanceMode
from support import rome

FOOTER = "Programma FIS - Fondo Innovazione Sociale"
LONG_TITLE = ("Seminario nazionale sulle politiche di innovazione sociale, sul partenariato "
              "pubblico-privato e sulla valutazione d'impatto dei progetti finanziati dal Fondo "
              "Innovazione Sociale nei Comuni capoluogo e nelle Città metropolitane")
LONG_ORGANISATION = ("Comune di Reggio nell'Emilia - Servizio Politiche Sociali, Abitative e per "
                     "l'Inclusione delle persone in condizione di fragilità")
LONG_ROLE = "Assessora alle politiche sociali, all'innovazione e alla partecipazione dei cittadini"
LONG_FIRST, LONG_LAST = "Maria Giovanna Elisabetta Caterina", "Buonarroti-Sforza di Valdichiana Pierfrancesco"


def tokens(registrations):
    return ["FISEV1:" + registration.qr_token for registration in registrations]


def one_line(text):
    return " ".join(text.split())


def test_a6_badge_scans_and_reads_in_italian(app_ctx, badge_event, enrol, pdf_reader):
    registration = enrol(badge_event, "Niccolò", "D'Angelo", organisation="Comune di Bergamo",
                         role="Responsabile del progetto")
    data = badges_pdf([registration])
    assert [[code.text for code in page] for page in pdf_reader.codes(data)] == [tokens([registration])]
    text = pdf_reader.text(data)
    for expected in ("Niccolò D'Angelo", "Comune di Bergamo", "Responsabile del progetto",
                     "Il Programma FIS e l'accompagnamento ai Comuni",
                     "martedì 24 ottobre 2023, ore 15.00",
                     FOOTER):
        assert expected in one_line(text)
    assert "remoto" not in text
    # nothing personal in the code: only the random token
    assert registration.person.email not in text


def test_remote_participants_badge_says_so(app_ctx, badge_event, enrol, pdf_reader):
    registration = enrol(badge_event, "Paola", "Garofalo", mode=AttendanceMode.REMOTE)
    data = badges_pdf([registration], "a4")
    assert "Partecipazione da remoto" in pdf_reader.text(data)
    assert [code.text for code in pdf_reader.codes(data)[0]] == tokens([registration])


def test_a4_sheets_hold_eight_badges_each(app_ctx, badge_event, enrol, pdf_reader):
    registrations = [enrol(badge_event, f"Persona{n}", f"Cognome{n}") for n in range(9)]
    data = badges_pdf(registrations, "a4")
    pages = pdf_reader.codes(data)
    assert len(pages) == 2
    assert sorted(code.text for code in pages[0]) == sorted(tokens(registrations[:8]))
    assert [code.text for code in pages[1]] == tokens(registrations[8:])
    # in the given order: left to right, top to bottom
    first_page = sorted(pages[0], key=lambda code: (int(code.y0 // (74 * mm)), code.x0))
    assert [code.text for code in first_page] == tokens(registrations[:8])


def test_one_a6_page_per_badge_in_the_given_order(app_ctx, badge_event, enrol, pdf_reader):
    registrations = [enrol(badge_event, "Anna", "Zeta"), enrol(badge_event, "Bruno", "Alfa")]
    pages = pdf_reader.codes(badges_pdf(registrations, "a6"))
    assert [[code.text for code in page] for page in pages] == [[t] for t in tokens(registrations)]


@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_long_text_shrinks_and_wraps_inside_the_badge(app_ctx, open_event, enrol, pdf_reader, layout):
    event = open_event(title=LONG_TITLE)
    registrations = [
        enrol(event, LONG_FIRST, LONG_LAST, organisation=LONG_ORGANISATION, role=LONG_ROLE),
        enrol(event, "Ugo", "Unparolalunghissimasenzaspaziperprovarecheilnomevadaacapo",
              mode=AttendanceMode.REMOTE, organisation=LONG_ORGANISATION, role=LONG_ROLE),
    ]
    data = badges_pdf(registrations, layout)
    pages_words, pages_codes = pdf_reader.words(data), pdf_reader.codes(data)
    assert sorted(code.text for page in pages_codes for code in page) == sorted(tokens(registrations))

    if layout == "a6":
        boxes = [[(0, 0, A6[0], A6[1])] for _page in pages_words]
    else:
        cell_w, cell_h = 105 * mm, 74 * mm
        top = (A4[1] - 4 * cell_h) / 2
        boxes = [[(col * cell_w, top + row * cell_h, (col + 1) * cell_w, top + (row + 1) * cell_h)
                  for row in range(4) for col in range(2)]]
    margin = 5 * mm  # badges keep their text at least this far from their edges
    for words, codes, page_boxes in zip(pages_words, pages_codes, boxes):
        assert words
        for word in words:
            assert any(inside(word, (x0 + margin, y0 + margin, x1 - margin, y1 - margin))
                       for x0, y0, x1, y1 in page_boxes), word
            assert not any(overlaps(word, code) for code in codes), word

    text = one_line(pdf_reader.text(data))
    assert "Partecipazione da remoto" in text and FOOTER in text
    assert all(word in text for word in LONG_FIRST.split() + LONG_LAST.split())


def inside(word, box):
    x0, y0, x1, y1 = box
    return word.x0 >= x0 and word.x1 <= x1 and word.y0 >= y0 and word.y1 <= y1


def overlaps(word, code):
    return not (word.x1 <= code.x0 or word.x0 >= code.x1 or word.y1 <= code.y0 or word.y0 >= code.y1)


def test_without_node_modules_helvetica_still_prints_accents(app_ctx, badge_event, enrol, pdf_reader,
                                                              monkeypatch, tmp_path):
    assert pdf.load_fonts(tmp_path / "no-fonts-here") == pdf.HELVETICA
    monkeypatch.setattr(pdf, "_fonts", pdf.HELVETICA)
    registration = enrol(badge_event, "Niccolò", "D’Angelo Ślęzak")
    data = badges_pdf([registration])
    assert "Niccolò D’Angelo Slezak" in pdf_reader.text(data)
    assert [code.text for code in pdf_reader.codes(data)[0]] == tokens([registration])


def test_titillium_is_embedded_when_node_modules_is_there():
    if not pdf.FONT_DIR.is_dir():
        pytest.skip("node_modules/bootstrap-italia missing (run npm ci): badges use Helvetica")
    assert pdf.load_fonts() == pdf.Fonts("TitilliumWeb-regular", "TitilliumWeb-600", "TitilliumWeb-700")


def test_fitting_never_goes_past_the_width_or_the_lines():
    font = pdf.fonts()
    width = 40 * mm
    for text in (LONG_TITLE, LONG_FIRST + " " + LONG_LAST, "x" * 300, "Niccolò D'Angelo"):
        laid = pdf.fit(pdf.Block(text, font.bold, 20, 8, 2), width)
        assert 1 <= len(laid.lines) <= 2 and 8 <= laid.size <= 20
        assert all(pdf.width_of(line, font.bold, laid.size) <= width for line in laid.lines)
    short = pdf.fit(pdf.Block("Niccolò D'Angelo", font.bold, 20, 8, 2, one_line_down_to=12), width)
    assert short.lines == ["Niccolò D'Angelo"] and short.size < 20
    cut = pdf.fit(pdf.Block("x" * 300, font.bold, 20, 8, 2), width)
    assert cut.lines[-1].endswith("…")


def test_column_shrinks_to_fit_its_height():
    font = pdf.fonts()
    blocks = [pdf.Block(LONG_TITLE, font.semibold, 12, 7, 3),
              pdf.Block(LONG_FIRST + " " + LONG_LAST, font.bold, 26, 11, 3, space_before=8 * mm),
              pdf.Block(LONG_ORGANISATION, font.semibold, 12, 7, 2)]
    roomy = pdf.layout_column(blocks, 80 * mm, 200 * mm)
    tight = pdf.layout_column(blocks, 80 * mm, 30 * mm)
    assert sum(item.height for item in tight) <= 30 * mm
    assert tight[1].size < roomy[1].size


def test_unknown_layout_or_nobody_is_refused(app_ctx, badge_event, enrol):
    registration = enrol(badge_event, "Anna", "Rossi")
    with pytest.raises(ValueError):
        badges_pdf([registration], "a3")
    with pytest.raises(ValueError):
        badges_pdf([], "a6")


def test_the_date_carries_the_start_time():
    one_day = SimpleNamespace(starts_at=rome(2023, 10, 24, 15, 30), ends_at=rome(2023, 10, 24, 18))
    assert event_date(one_day) == "martedì 24 ottobre 2023, ore 15.30"
    host = SimpleNamespace(starts_at=rome(2023, 10, 24, 9), ends_at=rome(2023, 10, 26, 13))
    assert event_date(host) == "24–26 ottobre 2023, ore 09.00"
