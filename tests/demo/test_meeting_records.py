"""`flask demo load` gives the held support meetings a record, with one next step overdue, so
the record page, the organisations' pages and the dashboard show something."""
from support import csrf_from

from fis_events.demo.loader import DEMO_PASSWORD
from fis_events.extensions import db
from fis_events.meetings import services as meetings
from fis_events.meetings.models import MeetingRecord, NextStep


def test_the_demo_meetings_have_records(client, runner, app_ctx):
    for _ in range(2):  # twice: nothing added
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    records = db.session.scalars(db.select(MeetingRecord)).all()
    assert len(records) == 2 and all(r.event.is_held() and r.minutes and r.decisions for r in records)
    assert db.session.scalar(db.select(db.func.count(NextStep.id))) == 5
    overdue, total = meetings.overdue_steps(5)
    assert total == 1 and overdue[0][0].text == "Inviare la bozza di delibera di giunta"
    client.post("/accesso", data={"email": "organizzatore@example.org", "password": DEMO_PASSWORD,
                                  "csrf_token": csrf_from(client.get("/accesso"))})
    assert "1 prossimo passo scaduto" in client.get("/gestione/cruscotto").get_data(as_text=True)
    page = client.get(f"/gestione/eventi/{records[0].event_id}/verbale").get_data(as_text=True)
    assert "Avviare la co-progettazione" in page and "Scaduto" in page
