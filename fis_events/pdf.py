"""The PDF layout engine shared by badges, certificates and meeting minutes, drawn with ReportLab: fonts,
text that fits its box, columns of blocks, QR codes as vectors, and how a PDF is answered.

Text is set in Titillium Web (the font of the site, shipped by bootstrap-italia in
``node_modules``), embedded, so accents and apostrophes print as typed ("Niccolò D'Angelo").
Without ``node_modules`` we fall back to Helvetica (Windows-1252: every Italian letter, and
typographic quotes); a character a font cannot draw loses its accent, or becomes "?".
Long text shrinks, then wraps, then (only in absurd cases) ends with "…": it never leaves its
box.
"""
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
from reportlab.lib.colors import HexColor, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .search import search_key

FONT_DIR = (Path(__file__).resolve().parents[1] / "node_modules" / "bootstrap-italia" / "dist"
            / "fonts" / "Titillium_Web")
FONT_FILES = {"regular": "regular", "semibold": "600", "bold": "700"}

BLUE = HexColor("#0066CC")      # bootstrap-italia primary
INK = HexColor("#17324D")       # bootstrap-italia dark text
GREY = HexColor("#5C6F82")

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


def draw_flow(canvas, blocks, x, width, top, bottom, new_page):
    """Blocks one after the other at their own size, wrapped to `width`, from `top` down; a
    line that would pass `bottom` goes to a new page, started by `new_page()` (which returns
    where that page's text begins). For documents longer than a page, such as the minutes of
    a meeting; returns where the text ends."""
    y = top
    for block in blocks:
        if not (block.text and block.text.strip()):
            continue
        lines, _cut = wrap(printable(block.text, block.font), block.font, block.size, width)
        y -= block.space_before
        for line in lines:
            if y - block.size * LEADING < bottom:
                canvas.showPage()
                y = new_page()
            canvas.setFont(block.font, block.size)
            canvas.setFillColor(block.color)
            canvas.drawString(x, y - block.size * ASCENT, line)
            y -= block.size * LEADING
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


# -- answering with a PDF ----------------------------------------------------------------------

def slug(text):
    """An ASCII file-name part: 'Niccolò D'Angelo' -> 'niccolo-dangelo'."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in search_key(text)).split()
    return "-".join(words)[:60].strip("-") or "badge"


def pdf_response(body, filename):
    return body, 200, {"Content-Type": "application/pdf",
                       "Content-Disposition": f'attachment; filename="{filename}"',
                       "Cache-Control": "private, no-store"}
