"""Name badges as PDF, drawn with ReportLab.

Each badge carries the participant's name (large), organisation and role, the event's title
and date in Italian, "Partecipazione da remoto" for remote participants, the door QR code
(``FISEV1:<qr_token>``, drawn as vector squares, so it stays sharp at any print size) and a
discreet line with the programme's name.

Two layouts:

- ``a6``: one portrait A6 badge (105 × 148 mm) per page, for badge holders;
- ``a4``: A4 sheets of eight landscape badges (2 × 4, 105 × 74 mm each) with light dashed
  cutting lines.

Badges are always in Italian, whatever language the organiser's pages are in: they are read
at the door of Italian events.

Text is set in Titillium Web (the font of the site, shipped by bootstrap-italia in
``node_modules``), embedded, so accents and apostrophes print as typed ("Niccolò D'Angelo").
Without ``node_modules`` we fall back to Helvetica (Windows-1252: every Italian letter, and
typographic quotes); a character a font cannot draw loses its accent, or becomes "?".
Long names, organisations and titles shrink, then wrap, then (only in absurd cases) end with
"…": text never leaves its badge.
"""
import io
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
from babel.dates import format_date
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from ..i18n import ROME
from ..registration.models import AttendanceMode
from ..registration.qr import qr_payload

LAYOUTS = ("a6", "a4")
FOOTER = "Programma FIS - Fondo Innovazione Sociale"
REMOTE_LABEL = "Partecipazione da remoto"

FONT_DIR = (Path(__file__).resolve().parents[2] / "node_modules" / "bootstrap-italia" / "dist"
            / "fonts" / "Titillium_Web")
FONT_FILES = {"regular": "regular", "semibold": "600", "bold": "700"}

#: A4 sheet: 2 columns × 4 rows of 105 × 74 mm, centred on the page
SHEET_COLUMNS, SHEET_ROWS = 2, 4
CELL_WIDTH, CELL_HEIGHT = 105 * mm, 74 * mm
PER_SHEET = SHEET_COLUMNS * SHEET_ROWS

BLUE = HexColor("#0066CC")      # bootstrap-italia primary
INK = HexColor("#17324D")       # bootstrap-italia dark text
GREY = HexColor("#5C6F82")
CUT_LINE = HexColor("#C5C7C9")

LEADING = 1.18   # line height, as a multiple of the font size
ASCENT = 0.95    # from the top of a line to its baseline, as a multiple of the font size


# -- fonts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fonts:
    regular: str
    semibold: str
    bold: str


HELVETICA = Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Bold")
_fonts = None
_fonts_lock = threading.Lock()


def load_fonts(directory=FONT_DIR):
    """Register Titillium Web from `directory` with ReportLab; Helvetica if it is missing."""
    paths = {key: Path(directory) / f"titillium-web-v10-latin-ext_latin-{weight}.ttf"
             for key, weight in FONT_FILES.items()}
    if not all(path.is_file() for path in paths.values()):
        return HELVETICA
    names = {}
    try:
        for key, path in paths.items():
            name = f"TitilliumWeb-{FONT_FILES[key]}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path)))
            names[key] = name
    except (OSError, TTFError):
        return HELVETICA
    return Fonts(**names)


def fonts():
    global _fonts
    with _fonts_lock:
        if _fonts is None:
            _fonts = load_fonts()
        return _fonts


@lru_cache(maxsize=4096)
def _can_draw(font_name, char):
    font = pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    if hasattr(face, "charToGlyph"):  # TrueType: the glyphs it really has
        return ord(char) in face.charToGlyph
    try:  # a standard PDF font: what Windows-1252 can encode
        char.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def printable(text, font_name):
    """`text` on one line, with only characters the font can draw."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    out = []
    for char in text:
        if _can_draw(font_name, char):
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(base if base and all(_can_draw(font_name, c) for c in base) else "?")
    return "".join(out)


# -- fitting text ------------------------------------------------------------------------------

def width_of(text, font, size):
    return pdfmetrics.stringWidth(text, font, size)


def wrap(text, font, size, width):
    """Greedy word wrap; a word wider than the line is cut between characters.

    Returns the lines and whether a word had to be cut.
    """
    lines, current, cut_words = [], "", False
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if width_of(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while width_of(word, font, size) > width and len(word) > 1:
            cut_words, cut = True, len(word) - 1
            while cut > 1 and width_of(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines, cut_words


def ellipsize(lines, max_lines, font, size, width):
    """At most `max_lines`, the last one ending with "…" when text was left out."""
    if len(lines) <= max_lines:
        return lines
    kept, last = lines[:max_lines - 1], lines[max_lines - 1]
    while last and width_of(last + "…", font, size) > width:
        last = last[:-1]
    return kept + [last.rstrip() + "…"]


@dataclass
class Block:
    """A paragraph of the badge: its largest and smallest size and how many lines it may take."""

    text: str
    font: str
    size: float
    min_size: float
    max_lines: int
    color: object = INK
    space_before: float = 0
    #: stay on one line, shrinking down to this size, before wrapping (names)
    one_line_down_to: float = None


@dataclass
class Laid:
    lines: list
    font: str
    size: float
    color: object
    space_before: float

    @property
    def height(self):
        return self.space_before + len(self.lines) * self.size * LEADING


def _sizes(start, stop, step=0.25):
    size = start
    while size >= stop - 1e-9:
        yield size
        size -= step


def fit(block, width, scale=1.0):
    """The largest size at which the block fits its lines, words whole if possible; at the
    smallest size, wrapped, cut and ended with "…"."""
    text = printable(block.text, block.font)
    size, min_size = block.size * scale, block.min_size * scale
    tries = []
    if block.one_line_down_to:
        tries += [(s, 1, False) for s in _sizes(size, max(block.one_line_down_to * scale, min_size))]
    tries += [(s, block.max_lines, False) for s in _sizes(size, min_size)]
    tries += [(s, block.max_lines, True) for s in _sizes(size, min_size)]
    for s, max_lines, may_cut_words in tries:
        lines, cut_words = wrap(text, block.font, s, width)
        if len(lines) <= max_lines and (may_cut_words or not cut_words):
            return Laid(lines, block.font, s, block.color, block.space_before * scale)
    lines, _cut = wrap(text, block.font, min_size, width)
    lines = ellipsize(lines, block.max_lines, block.font, min_size, width)
    return Laid(lines, block.font, min_size, block.color, block.space_before * scale)


def layout_column(blocks, width, height):
    """Fit the blocks, shrinking all of them together until the column holds them."""
    blocks = [block for block in blocks if block.text and block.text.strip()]
    scale = 1.0
    while True:
        laid = [fit(block, width, scale) for block in blocks]
        if sum(item.height for item in laid) <= height or scale < 0.3:
            break
        scale *= 0.92
    # Never past the bottom, whatever happens: drop what cannot fit.
    while laid and sum(item.height for item in laid) > height:
        if len(laid[-1].lines) > 1:
            laid[-1].lines.pop()
        else:
            laid.pop()
    return laid


def draw_column(canvas, laid, x, top, centred_in=None):
    """The laid-out blocks from `top` down, left-aligned at `x`, or each line centred in a
    column `centred_in` wide (certificates); returns where the column ends."""
    y = top
    for item in laid:
        y -= item.space_before
        canvas.setFont(item.font, item.size)
        canvas.setFillColor(item.color)
        for line in item.lines:
            baseline = y - item.size * ASCENT
            if centred_in is None:
                canvas.drawString(x, baseline, line)
            else:
                canvas.drawCentredString(x + centred_in / 2, baseline, line)
            y -= item.size * LEADING
    return y


# -- the QR code -------------------------------------------------------------------------------

def draw_qr(canvas, payload, x, y, size):
    """A QR code of `payload` (the door code, a certificate's check address) as vector squares
    in a `size` square (quiet zone included).

    Same encoder and error correction (M) as the PNG participants get by e-mail.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    count = len(matrix)
    module = size / count
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#000000"))
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            path.rect(x + start * module, top, (column - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


# -- one badge ---------------------------------------------------------------------------------

def event_date(event):
    """'martedì 24 ottobre 2023' (Rome time), or a span for events over several days."""
    start, end = event.starts_at.astimezone(ROME).date(), event.ends_at.astimezone(ROME).date()
    if start == end:
        return format_date(start, "EEEE d MMMM y", locale="it")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, 'd MMMM y', locale='it')}"
    if start.year == end.year:
        return f"{format_date(start, 'd MMMM', locale='it')} – {format_date(end, 'd MMMM y', locale='it')}"
    return f"{format_date(start, 'd MMMM y', locale='it')} – {format_date(end, 'd MMMM y', locale='it')}"


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
