"""The minutes as PDF, read back as a person would read the printed pages."""
from datetime import timedelta

from babel.dates import format_date

from sqlalchemy import select

from fis_events.audit_record import AuditEntry
from fis_events.extensions import db
from fis_events.i18n import ROME


def test_the_minutes_pdf_says_what_was_decided_and_who_took_part(meeting, pdf_reader):
    event, day = meeting.event, meeting.event.starts_at.astimezone(ROME).date()
    meeting.post(meeting.url, minutes="Il Comune presenta lo stato della sperimentazione.\n"
                                      "Niccolò D'Angelo illustra il piano delle attività.")
    meeting.post(f"{meeting.url}/decisioni", **{"decision-text": "Avviare la co-progettazione con il terzo settore"})
    meeting.post(f"{meeting.url}/passi", **{"step-text": "Inviare la delibera di giunta",
                                            "step-organisation": "Comune di Bergamo",
                                            "step-due_on": (day + timedelta(days=10)).isoformat()})
    lines = {"shown-p%d" % meeting.anna.person.id: "absent", "outcome-p%d" % meeting.anna.person.id: "present",
             "shown-p%d" % meeting.bruno.person.id: "absent", "outcome-p%d" % meeting.bruno.person.id: "excused",
             "justification-p%d" % meeting.bruno.person.id: "Consiglio comunale"}
    assert meeting.post(f"{meeting.url}/esiti", **lines).status_code == 302

    response = meeting.client.get(f"/gestione/eventi/{event.id}/verbale.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"verbale-evento-{event.id}.pdf" in response.headers["Content-Disposition"]
    text = " ".join(pdf_reader.text(response.data).split())

    for expected in ("Verbale dell'incontro", event.title, format_date(day, "EEEE d MMMM y", locale="it"),
                     "Luogo: Sede del Comune, Bergamo",
                     "Il Comune presenta lo stato della sperimentazione.",
                     "Niccolò D'Angelo illustra il piano delle attività.",
                     "1. Avviare la co-progettazione con il terzo settore",
                     "Inviare la delibera di giunta — responsabile: Comune di Bergamo — entro "
                     + format_date(day + timedelta(days=10), "EEEE d MMMM y", locale="it"),
                     "Presenti (1)", "Anna Rossi, Comune di Bergamo",
                     "Assenti giustificati (1)", "Bruno Verdi — Consiglio comunale",
                     "Assenti (2)", "Carla Neri, Formez", "nuovo.invitato@example.org"):
        assert expected in text, expected
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.event_id, entry.details) == ("meeting.minutes_downloaded", event.id,
                                                             {"count": 4})


def test_long_minutes_flow_onto_more_pages(meeting, pdf_reader):
    paragraphs = [f"Paragrafo {n}: " + "il gruppo di lavoro discute le attività del semestre. " * 8
                  for n in range(1, 41)]
    meeting.post(meeting.url, minutes="\n".join(paragraphs))
    response = meeting.client.get(f"/gestione/eventi/{meeting.event.id}/verbale.pdf")
    pages = pdf_reader.words(response.data)
    assert len(pages) > 1
    text = " ".join(pdf_reader.text(response.data).split())
    assert "Paragrafo 1:" in text and "Paragrafo 40:" in text and "Assenti (4)" in text
    for page in pages:  # nothing leaves the page
        assert all(0 <= word.x0 and word.x1 <= 595.3 and 0 <= word.y0 and word.y1 <= 841.9
                   for word in page)
