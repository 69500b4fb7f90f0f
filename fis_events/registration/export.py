"""Registrations as CSV and XLSX for organisers, safe to open in a spreadsheet."""
from flask_babel import gettext as _

from .. import spreadsheets


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
            r.created_at]


def download(registrations, positions, fmt, filename, title):
    return spreadsheets.download(header(), rows(registrations, positions), fmt, filename, title,
                                 _("Iscritti"))
