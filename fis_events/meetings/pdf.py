"""The minutes of a support meeting as PDF (A4, as many pages as they take), drawn with the
layout engine of badges and certificates (fis_events/pdf.py): the event, its date and place,
the minutes, the decisions, the next steps with the organisation responsible and the due date,
and who took part, who was excused and who was absent. The wording comes from `MinutesFacts`."""
import io

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..pdf import BLUE, GREY, INK, Block, draw_flow, fonts

MARGIN = 20 * mm


def _heading(text, font):
    return Block(text, font.bold, 13, 13, 1, BLUE, space_before=7 * mm)


def _items(texts, font, empty):
    if not texts:
        return [Block(empty, font.regular, 10.5, 10.5, 1, GREY, space_before=1.5 * mm)]
    return [Block(text, font.regular, 10.5, 10.5, 1, INK, space_before=1.5 * mm) for text in texts]


def _who(name, organisation):
    return f"• {name}, {organisation}" if organisation else f"• {name}"


def minutes_blocks(facts, font):
    """The document, top to bottom."""
    blocks = [
        Block(_("Verbale dell'incontro"), font.semibold, 11, 11, 1, BLUE),
        Block(facts.title, font.bold, 18, 18, 1, INK, space_before=2 * mm),
        Block(facts.date, font.regular, 11, 11, 1, INK, space_before=2 * mm),
        Block(_("Luogo: %(place)s", place=facts.place) if facts.place else "", font.regular, 11,
              11, 1, INK, space_before=1 * mm),
        _heading(_("Verbale"), font),
    ]
    paragraphs = [p for p in facts.minutes.split("\n") if p.strip()]
    blocks += _items(paragraphs, font, _("Nessun verbale scritto."))
    blocks.append(_heading(_("Decisioni"), font))
    blocks += _items([f"{n}. {text}" for n, text in enumerate(facts.decisions, 1)], font,
                     _("Nessuna decisione registrata."))
    blocks.append(_heading(_("Prossimi passi"), font))
    blocks += _items([
        "• " + _("%(text)s — responsabile: %(organisation)s — entro %(date)s", text=text,
                 organisation=organisation, date=due)
        + (" " + _("(fatto)") if done else "")
        for text, organisation, due, done in facts.next_steps], font,
        _("Nessun prossimo passo registrato."))
    blocks.append(_heading(_("Presenti (%(n)s)", n=len(facts.present)), font))
    blocks += _items([_who(*row) for row in facts.present], font, _("Nessuno."))
    blocks.append(_heading(_("Assenti giustificati (%(n)s)", n=len(facts.excused)), font))
    blocks += _items([_who(name, organisation) + (f" — {why}" if why else "")
                      for name, organisation, why in facts.excused], font, _("Nessuno."))
    blocks.append(_heading(_("Assenti (%(n)s)", n=len(facts.absent)), font))
    blocks += _items([_who(*row) for row in facts.absent], font, _("Nessuno."))
    return blocks


def minutes_pdf(facts):
    """The minutes as PDF bytes."""
    font = fonts()
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=font.regular)
    canvas.setTitle(_("Verbale: %(title)s", title=facts.title))
    canvas.setCreator("fis-events")
    draw_flow(canvas, minutes_blocks(facts, font), MARGIN, width - 2 * MARGIN, height - MARGIN,
              MARGIN, lambda: height - MARGIN)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
