"""`flask agenda import EVENT_ID FILE [--replace] [--dry-run] [--format json]`."""
import json
from pathlib import Path

from fis_events.events import services as events
from fis_events.events.agenda_sheet import model_file
from fis_events.events.models import AgendaItem, AgendaItemKind
from fis_events.extensions import db
from support import commit_test_work, rome

GENOVA_TEXT = (Path(__file__).parent / "agendas" / "01-assemblea-anci-sessione.txt").read_text()


def genova_day(make_event):
    return make_event(starts_at=rome(2023, 10, 24, 15), ends_at=rome(2023, 10, 24, 17))


def titles(event):
    db.session.expire_all()
    return db.session.scalars(db.select(AgendaItem.title).filter_by(event_id=event.id)
                              .order_by(AgendaItem.position)).all()


def test_dry_run_prints_the_agenda_as_json_and_writes_nothing(runner, make_event, tmp_path):
    event = genova_day(make_event)
    path = tmp_path / "programma.txt"
    path.write_text(GENOVA_TEXT)
    result = runner.invoke(args=["agenda", "import", str(event.id), str(path), "--dry-run",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    agenda = json.loads(result.stdout)
    assert [(i["start"], i["end"], i["title"], i["kind"], i["section"]) for i in agenda] == [
        ("15:00", None, "Registrazione dei partecipanti", "registration", None),
        ("15:30", None, "Il Programma FIS e l'accompagnamento ai Comuni", "talk", None),
        (None, None, "Esperienze dai Comuni in via sperimentazione", "panel", None),
        ("16:30", None, "Conclusioni e spunti", "conclusions", None)]
    assert agenda[2]["speakers"][3] == {"name": "Giusy Pino", "role": "Assessore alle Politiche Sociali",
                                        "organisation": "Comune di Catanzaro", "remote": True}
    assert "line 1: intestazione" in result.stderr
    assert titles(event) == []


def test_import_appends_and_replace_replaces(runner, make_event, tmp_path):
    event = genova_day(make_event)
    events.add_agenda_item(event, "Già in programma", AgendaItemKind.TALK)
    commit_test_work()
    path = tmp_path / "programma.xlsx"
    path.write_bytes(model_file("xlsx"))
    result = runner.invoke(args=["agenda", "import", str(event.id), str(path)])
    assert result.exit_code == 0, result.output
    assert "4 items and 4 speaker places imported." in result.output
    assert titles(event) == ["Già in programma", "Registrazione dei partecipanti",
                             "Il Programma FIS e l'accompagnamento ai Comuni",
                             "Esperienze dai Comuni in via sperimentazione", "Conclusioni e spunti"]
    csv = tmp_path / "programma.csv"
    csv.write_bytes("titolo;inizio\nSaluti;15.00\n".encode("cp1252"))
    result = runner.invoke(args=["agenda", "import", str(event.id), str(csv), "--replace"])
    assert result.exit_code == 0, result.output
    assert titles(event) == ["Saluti"]


def test_bad_input_is_refused_with_a_message_and_writes_nothing(runner, make_event, tmp_path):
    event = make_event()  # 10.00-13.00: the Genova times fall outside
    path = tmp_path / "programma.txt"
    path.write_text(GENOVA_TEXT)
    result = runner.invoke(args=["agenda", "import", str(event.id), str(path)])
    assert result.exit_code == 1 and "Riga 3" in result.output
    assert "line 3: l'orario è fuori dalla durata dell'evento" in result.stderr
    assert titles(event) == []
    wrong = tmp_path / "colonne.csv"
    wrong.write_text("titolo,orario x\nSaluti,15\n")
    result = runner.invoke(args=["agenda", "import", str(event.id), str(wrong)])
    assert result.exit_code == 1 and "«orario x»" in result.output
    assert runner.invoke(args=["agenda", "import", "999999", str(path)]).exit_code == 1
