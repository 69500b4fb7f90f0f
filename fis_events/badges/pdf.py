"""Name badges as PDF, drawn with ReportLab.

Each badge carries the participant's name (large), organisation and role, the event's title
and its date and start time in Italian, "Partecipazione da remoto" for remote participants, the door QR code
(``FISEV1:<qr_token>``, drawn as vector squares, so it stays sharp at any print size) and a
discreet line with the programme's name.

Two layouts:

- ``a6``: one portrait A6 badge (105 × 148 mm) per page, for badge holders;
- ``a4``: A4 sheets of eight landscape badges (2 × 4, 105 × 74 mm each) with light dashed
  cutting lines.

Badges are always in Italian, whatever language the organiser's pages are in: they are read
at the door of Italian events.

Text is laid out by the shared engine (fis_events/pdf.py): Titillium Web embedded; long
names, organisations and titles shrink, then wrap, then (only in absurd cases) end with "…".
"""
import io

from babel.dates import format_date, format_datetime, format_time
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..i18n import PATTERNS, ROME
from ..pdf import ASCENT, BLUE, GREY, INK, LEADING, Block, draw_column, draw_qr, fit, fonts, layout_column
from ..registration.models import AttendanceMode
from ..registration.qr import qr_payload

LAYOUTS = ("a6", "a4")
FOOTER = "Programma FIS - Fondo Innovazione Sociale"
REMOTE_LABEL = "Partecipazione da remoto"

#: A4 sheet: 2 columns × 4 rows of 105 × 74 mm, centred on the page
SHEET_COLUMNS, SHEET_ROWS = 2, 4
CELL_WIDTH, CELL_HEIGHT = 105 * mm, 74 * mm
PER_SHEET = SHEET_COLUMNS * SHEET_ROWS

CUT_LINE = HexColor("#C5C7C9")


# -- one badge ---------------------------------------------------------------------------------

def event_date(event):
    """'martedì 24 ottobre 2023, ore 15.30' (Rome time), or a span and the start time for
    events over several days ('24–26 ottobre 2023, ore 15.30'): people check when to be there."""
    italian = PATTERNS["it"]
    start, end = event.starts_at.astimezone(ROME).date(), event.ends_at.astimezone(ROME).date()
    if start == end:
        return format_datetime(event.starts_at, italian["datetime"], tzinfo=ROME, locale="it")
    if (start.year, start.month) == (end.year, end.month):
        span = f"{start.day}–{format_date(end, 'd MMMM y', locale='it')}"
    elif start.year == end.year:
        span = f"{format_date(start, 'd MMMM', locale='it')} – {format_date(end, 'd MMMM y', locale='it')}"
    else:
        span = f"{format_date(start, 'd MMMM y', locale='it')} – {format_date(end, 'd MMMM y', locale='it')}"
    return f"{span}, ore {format_time(event.starts_at, italian['time'], tzinfo=ROME, locale='it')}"


def badge_blocks(registration, font, small):
    """The badge's paragraphs, top to bottom; `small` for the A4 sheet's badges."""
    person, event = registration.person, registration.event
    organisation = person.organisation.name if person.organisation else ""
    remote = registration.mode is AttendanceMode.REMOTE

    def pick(a6, a4):
        return a4 if small else a6

    return [
        Block(event.title, font.semibold, pick(12, 9), pick(7, 6), 3, BLUE),
        Block(event_date(event), font.regular, pick(10, 8), pick(6.5, 5.5), 2, GREY,
              space_before=pick(1 * mm, 0.5 * mm)),
        Block(person.full_name, font.bold, pick(26, 17), pick(11, 9), 3, INK,
              space_before=pick(8 * mm, 3.5 * mm), one_line_down_to=pick(18, 12)),
        Block(organisation, font.semibold, pick(12, 9), pick(7, 6), 2, INK,
              space_before=pick(2.5 * mm, 1.5 * mm)),
        Block(person.role or "", font.regular, pick(10.5, 8), pick(6.5, 5.5), 2, GREY,
              space_before=pick(0.5 * mm, 0.3 * mm)),
        Block(REMOTE_LABEL if remote else "", font.semibold, pick(10, 8), pick(6.5, 5.5), 1, BLUE,
              space_before=pick(3 * mm, 1.5 * mm)),
    ]


def draw_badge(canvas, registration, x, y, width, height, small=False):
    """One badge in the box (x, y, width, height): text column, QR code, footer line."""
    font = fonts()
    pad = (6 if small else 9) * mm
    gap = (3 if small else 5) * mm

    footer = fit(Block(FOOTER, font.regular, 6.5 if small else 7.5, 4, 1, GREY), width - 2 * pad)
    canvas.setFont(footer.font, footer.size)
    canvas.setFillColor(GREY)
    canvas.drawString(x + pad, y + pad + footer.size * (LEADING - ASCENT), footer.lines[0])
    bottom = y + pad + footer.height + 2 * mm   # above the footer line
    top = y + height - pad

    if width > height:  # landscape: text on the left, QR on the right
        qr_size = min(top - bottom, 0.38 * (width - 2 * pad))
        draw_qr(canvas, qr_payload(registration), x + width - pad - qr_size,
                bottom + (top - bottom - qr_size) / 2, qr_size)
        column_width, column_bottom = width - 2 * pad - qr_size - gap, bottom
    else:  # portrait: text above, QR centred below
        qr_size = min(0.55 * (width - 2 * pad), 0.45 * (top - bottom))
        draw_qr(canvas, qr_payload(registration), x + (width - qr_size) / 2, bottom, qr_size)
        column_width, column_bottom = width - 2 * pad, bottom + qr_size + gap

    laid = layout_column(badge_blocks(registration, font, small), column_width, top - column_bottom)
    draw_column(canvas, laid, x + pad, top)


def draw_cut_lines(canvas, x, y, width, height):
    canvas.saveState()
    canvas.setStrokeColor(CUT_LINE)
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 2)
    canvas.rect(x, y, width, height, stroke=1, fill=0)
    canvas.restoreState()


# -- the document ------------------------------------------------------------------------------

def badges_pdf(registrations, layout="a6"):
    """The badges of `registrations`, in the given order, as PDF bytes.

    `layout` is "a6" (one badge per A6 page) or "a4" (eight per A4 sheet); anything else, or
    no registrations at all, raises ValueError.
    """
    registrations = list(registrations)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout!r}")
    if not registrations:
        raise ValueError("no registrations to print")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A6 if layout == "a6" else A4, pageCompression=1,
                    initialFontName=fonts().regular)
    titles = {registration.event.title for registration in registrations}
    canvas.setTitle(("Badge - " + titles.pop()) if len(titles) == 1 else "Badge")
    canvas.setAuthor(FOOTER)
    canvas.setCreator("fis-events")

    if layout == "a6":
        for registration in registrations:
            draw_badge(canvas, registration, 0, 0, *A6)
            canvas.showPage()
    else:
        page_width, page_height = A4
        left = (page_width - SHEET_COLUMNS * CELL_WIDTH) / 2
        top = page_height - (page_height - SHEET_ROWS * CELL_HEIGHT) / 2
        for index, registration in enumerate(registrations):
            if index and index % PER_SHEET == 0:
                canvas.showPage()
            row, column = divmod(index % PER_SHEET, SHEET_COLUMNS)
            x, y = left + column * CELL_WIDTH, top - (row + 1) * CELL_HEIGHT
            draw_cut_lines(canvas, x, y, CELL_WIDTH, CELL_HEIGHT)
            draw_badge(canvas, registration, x, y, CELL_WIDTH, CELL_HEIGHT, small=True)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
