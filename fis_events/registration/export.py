"""Registrations as CSV and XLSX for organisers, safe to open in a spreadsheet."""
import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook

from ..i18n import to_rome

#: a cell starting with one of these is a formula to a spreadsheet (CSV/formula injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """In CSV, text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def header():
    return [_("Cognome"), _("Nome"), _("E-mail"), _("Ente"), _("Tipo di ente"), _("Ruolo"),
            _("Comune di riferimento"), _("Modalità"), _("Stato"), _("Posizione in lista d'attesa"),
            _("Esigenze di accessibilità"), _("Consenso foto"), _("Consenso notizie"),
            _("Iscritto il")]


def rows(registrations, positions):
    yes, no = _("sì"), _("no")
    for r in registrations:
        person, organisation = r.person, r.person.organisation
        yield [
            person.last_name, person.first_name, person.email or "",
            organisation.name if organisation else "", organisation.kind.label if organisation else "",
            person.role or "", person.municipality or "", r.mode.label, r.status.label,
            positions.get(r.id, ""), r.accessibility_needs or "",
            yes if r.photo_consent else no, yes if r.newsletter_consent else no,
            to_rome(r.created_at).strftime("%d/%m/%Y %H:%M")]


def as_csv(registrations, positions):
    """UTF-8 with BOM and semicolons: what Excel opens correctly in an Italian locale."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header())
    writer.writerows([neutralise(v) for v in row] for row in rows(registrations, positions))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(registrations, positions, title):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Iscritti")
    sheet.append(header())
    for row in rows(registrations, positions):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # stored as text as typed: never evaluated as a formula
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
