"""Certificates of attendance as PDF (A4 portrait), one page per certificate.

Drawn with the badges' helpers (Titillium Web embedded, text that shrinks and wraps but never
leaves its box, vector QR codes). The page reads, centred: the issuer, "Attestato di
partecipazione", the participant's name, how they took part, «the event», its date and times, how
long (only as far as a record shows it), the venue for in-person attendance; at the bottom the issue date, the verification
code and address, and a QR code of that address, so anyone holding the paper can check it.

The wording comes from `CertificateFacts`; the views build them in Italian.
"""
import io

from flask_babel import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..pdf import BLUE, GREY, INK, Block, draw_column, draw_qr, fonts, layout_column

MARGIN = 22 * mm
FRAME_INSET = 10 * mm
QR_SIZE = 38 * mm
FOOTER_HEIGHT = QR_SIZE
LIGHT_BLUE = HexColor("#B3D1F0")


def body_blocks(facts, font):
    """The centred text of the page, top to bottom."""
    blocks = [
        Block(facts.issuer, font.semibold, 13, 9, 2, BLUE),
        Block(_("Attestato di partecipazione"), font.bold, 32, 20, 2, INK, space_before=30 * mm),
        Block(_("Si attesta che"), font.regular, 14, 10, 1, GREY, space_before=24 * mm),
        Block(facts.participant, font.bold, 28, 14, 2, INK, space_before=5 * mm,
              one_line_down_to=18),
        Block(_("ha partecipato %(mode)s all'evento", mode=facts.mode), font.regular, 14, 10, 1,
              GREY, space_before=5 * mm),
        Block(f"«{facts.event_title}»", font.semibold, 19, 11, 4, BLUE, space_before=6 * mm),
        Block(f"{facts.date}, {facts.time_span}", font.regular, 14, 10, 2, INK,
              space_before=10 * mm),
    ]
    if facts.duration:
        duration = _("Durata: %(duration)s (%(basis)s)", duration=facts.duration,
                     basis=facts.duration_basis)
        blocks.append(Block(duration, font.regular, 14, 10, 2, INK, space_before=1.5 * mm))
    if facts.place:
        blocks.append(Block(_("Sede: %(place)s", place=facts.place), font.regular, 14, 10, 2,
                            INK, space_before=1.5 * mm))
    return blocks


def footer_blocks(facts, font):
    """Beside the QR code: when it was issued and how to check it."""
    return [
        Block(_("Rilasciato %(date)s", date=facts.issued_on), font.regular, 10.5, 7, 1, INK),
        Block(_("Codice di verifica: %(code)s", code=facts.code), font.bold, 13, 9, 1, INK,
              space_before=4 * mm),
        Block(_("Verifica l'autenticità dell'attestato all'indirizzo"), font.regular, 10.5, 7, 2,
              GREY, space_before=2 * mm),
        Block(facts.url, font.semibold, 10.5, 6, 3, BLUE, space_before=0.5 * mm),
    ]


def draw_certificate(canvas, facts):
    font = fonts()
    width, height = A4
    canvas.saveState()
    canvas.setStrokeColor(LIGHT_BLUE)
    canvas.setLineWidth(1.5)
    canvas.rect(FRAME_INSET, FRAME_INSET, width - 2 * FRAME_INSET, height - 2 * FRAME_INSET)
    canvas.restoreState()

    column = width - 2 * MARGIN
    footer_top = MARGIN + FOOTER_HEIGHT
    body = layout_column(body_blocks(facts, font), column, height - 2 * MARGIN - FOOTER_HEIGHT
                         - 10 * mm)
    draw_column(canvas, body, MARGIN, height - MARGIN, centred_in=column)

    draw_qr(canvas, facts.url, width - MARGIN - QR_SIZE, MARGIN, QR_SIZE)
    footer = layout_column(footer_blocks(facts, font), column - QR_SIZE - 6 * mm, FOOTER_HEIGHT)
    draw_column(canvas, footer, MARGIN, footer_top - 3 * mm)


def certificates_pdf(facts_list, title):
    """The certificates as PDF bytes, one A4 page each, in the given order."""
    facts_list = list(facts_list)
    if not facts_list:
        raise ValueError("no certificates to print")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=fonts().regular)
    canvas.setTitle(title)
    canvas.setAuthor(facts_list[0].issuer)
    canvas.setCreator("fis-events")
    for facts in facts_list:
        draw_certificate(canvas, facts)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
