"""Agendas pasted as organisers have them, read into items and speakers (no app, no database)."""
import json
from datetime import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fis_events.events.agenda_draft import KINDS, AgendaUnreadable, as_json, from_json, guess_kind
from fis_events.events.agenda_text import MAX_CHARS, parse_text
from fis_events.events.models import AgendaItemKind

AGENDAS = Path(__file__).parent / "agendas"
FIXTURES = sorted(AGENDAS.glob("*.txt"))


def understood(draft):
    """What a draft says, as the expected files beside each agenda write it."""
    return {
        "items": as_json(draft),
        "unplaced": sorted([note.line, note.code] for note in draft.unplaced),
        "warnings": sorted([note.line, note.code] for note in draft.warnings),
    }


def accounted_for(text, draft):
    """Every non-blank line fed an item or is listed as unplaced."""
    lines = {n for n, line in enumerate(text.splitlines(), 1) if line.strip()}
    return lines <= draft.accounted_lines()


def test_there_are_at_least_fifteen_agendas_each_with_its_expected_structure():
    assert len(FIXTURES) >= 15
    assert all(path.with_suffix(".json").exists() for path in FIXTURES)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_each_agenda_gives_its_expected_structure(path):
    text = path.read_text()
    draft = parse_text(text)
    assert understood(draft) == json.loads(path.with_suffix(".json").read_text())
    assert accounted_for(text, draft)


def item(text, **known):
    draft = parse_text(text, known or None)
    assert len(draft.items) == 1, understood(draft)
    return draft.items[0]


@pytest.mark.parametrize("line, start, end", [
    ("ore 15.00 Registrazione", time(15), None),
    ("Ore 16.30 – Registrazione", time(16, 30), None),
    ("h. 9.45 Registrazione", time(9, 45), None),
    ("15:30 Registrazione", time(15, 30), None),
    ("9.45-11.00 Registrazione", time(9, 45), time(11)),
    ("10:00 – 10:15 Registrazione", time(10), time(10, 15)),
    ("10:00 — 10:15 Registrazione", time(10), time(10, 15)),
    ("ore 9.45 - 11.00: Registrazione", time(9, 45), time(11)),
    ("dalle 10.00 alle 10.30 Registrazione", time(10), time(10, 30)),
    ("ore 15 Registrazione", time(15), None),
    ("**15.00** Registrazione", time(15), None),
    ("- *ore 15.00* – Registrazione", time(15), None),
    ("• 15.00 | Registrazione", time(15), None),
])
def test_times_as_italian_programmes_write_them(line, start, end):
    found = item(line)
    assert (found.start, found.end, found.title, found.kind) == (start, end, "Registrazione", "registration")


@pytest.mark.parametrize("title", ["10.000 Comuni al lavoro", "3 esperienze a confronto"])
def test_numbers_that_are_not_times_stay_in_the_title(title):
    second = parse_text(f"ore 9.00 Apertura\n{title}\nMario Rossi, Sindaco, Comune di Como").items[1]
    assert (second.start, second.title) == (None, title)


def test_a_bare_number_after_a_full_time_is_text_not_an_end():
    found = item("15.00 - 3 esperienze a confronto")
    assert (found.start, found.end, found.title) == (time(15), None, "3 esperienze a confronto")


@pytest.mark.parametrize("title, kind", [
    ("Registrazione dei partecipanti", "registration"), ("Accoglienza", "registration"),
    ("Pausa", "break"), ("Coffee break", "break"), ("Pranzo a buffet", "break"),
    ("Conclusioni e spunti", "conclusions"), ("Chiusura dei lavori", "conclusions"),
    ("Saluti finali", "conclusions"), ("Tavola rotonda: il welfare", "panel"),
    ("Panel sulle politiche", "panel"), ("Il Programma FIS", "talk"),
])
def test_kinds_are_guessed_from_the_title(title, kind):
    assert guess_kind(title) == kind
    assert item(f"ore 10.00 {title}").kind == kind


def test_the_kinds_are_those_of_the_agenda_items():
    assert set(KINDS) == {kind.value for kind in AgendaItemKind}


@pytest.mark.parametrize("line, role, organisation", [
    ("Cinzia Di Fenza, Responsabile del progetto, Formez", "Responsabile del progetto", "Formez"),
    ("Cinzia Di Fenza (Responsabile del progetto, Formez)", "Responsabile del progetto", "Formez"),
    ("Interviene: Cinzia Di Fenza, Responsabile del progetto, Formez", "Responsabile del progetto", "Formez"),
    ("Relatore: Cinzia Di Fenza (Responsabile del progetto, Formez)", "Responsabile del progetto", "Formez"),
    ("Modera: Cinzia Di Fenza, Formez", None, "Formez"),
    ("Cinzia Di Fenza – Responsabile del progetto, Formez", "Responsabile del progetto", "Formez"),
    ("Cinzia Di Fenza, Sindaca", "Sindaca", None),
])
def test_speaker_lines(line, role, organisation):
    speaker, = item(f"ore 15.30 Il Programma FIS\n{line}").speakers
    assert (speaker.name, speaker.role, speaker.organisation, speaker.remote) == (
        "Cinzia Di Fenza", role, organisation, False)


@pytest.mark.parametrize("marker", [
    "in collegamento", "(in collegamento)", "da remoto", "- da remoto", "(in videocollegamento)",
    "online", "[online]", "collegata da Catanzaro", "(collegata da Catanzaro)",
])
def test_remote_markers_are_taken_out_of_role_and_organisation(marker):
    for line in (f"Giusy Pino, Assessore alle Politiche Sociali, Comune di Catanzaro {marker}",
                 f"Giusy Pino, Assessore alle Politiche Sociali, Comune di Catanzaro, {marker}"):
        speaker, = item(f"ore 15.30 Esperienze\n{line}").speakers
        assert (speaker.name, speaker.role, speaker.organisation, speaker.remote) == (
            "Giusy Pino", "Assessore alle Politiche Sociali", "Comune di Catanzaro", True), line


def test_a_remote_marker_beside_the_name():
    line = "Giusy Pino (in collegamento), Assessore, Comune di Catanzaro"
    speaker, = item(f"ore 15.30 Esperienze\n{line}").speakers
    assert (speaker.role, speaker.organisation, speaker.remote) == ("Assessore", "Comune di Catanzaro", True)


def test_names_sharing_a_role_and_an_organisation():
    found = item("ore 15.00 Tavola rotonda\nAnna Rossi e Bruno Verdi, Assessori, Comune di Como\n"
                 "Carla Neri, Dario Blu e Elena Gialli, Formez").speakers
    assert [(s.name, s.role, s.organisation) for s in found] == [
        ("Anna Rossi", "Assessori", "Comune di Como"), ("Bruno Verdi", "Assessori", "Comune di Como"),
        ("Carla Neri", None, "Formez"), ("Dario Blu", None, "Formez"), ("Elena Gialli", None, "Formez")]


def test_a_person_named_again_keeps_what_is_known_of_them():
    draft = parse_text("ore 10.00 Apertura\nLuciano Gallo, Esperto FIS, Formez\n"
                       "ore 12.00 Conclusioni\nLuciano Gallo e Giusy Pino, Comune di Catanzaro\n"
                       "Cinzia Di Fenza",
                       {"Cinzia Di Fenza": ("Responsabile del progetto", "Formez")})
    assert [(s.name, s.role, s.organisation) for s in draft.items[1].speakers] == [
        ("Luciano Gallo", "Esperto FIS", "Formez"), ("Giusy Pino", None, "Comune di Catanzaro"),
        ("Cinzia Di Fenza", "Responsabile del progetto", "Formez")]


def test_an_item_without_a_time_between_timed_ones_and_section_headings():
    draft = parse_text("ore 15.30 Il Programma FIS\nCinzia Di Fenza, Formez\n\nSessione pomeridiana\n"
                       "Esperienze dai Comuni\nPaola Garofalo, Comune di Bergamo\nore 16.30 Conclusioni")
    assert [(i.start, i.title, i.section) for i in draft.items] == [
        (time(15, 30), "Il Programma FIS", None), (None, "Esperienze dai Comuni", "Sessione pomeridiana"),
        (time(16, 30), "Conclusioni", None)]


def test_times_that_do_not_add_up_are_flagged_on_their_line():
    draft = parse_text("10.00-11.00 Saluti\n11.30-11.00 Primo intervento\n9.00 Secondo intervento")
    assert [(n.line, n.code) for n in draft.warnings] == [(2, "end_before_start"), (3, "time_backwards")]
    assert [(n.line, n.code) for n in draft.blocking] == [(2, "end_before_start")]


def test_text_that_is_no_agenda_says_what_it_could_not_read():
    draft = parse_text("Buongiorno a tutti,\nvi scrivo per ricordarvi la riunione di domani mattina.\n")
    assert draft.items == [] and [n.line for n in draft.unplaced] == [1, 2]
    assert all(n.message for n in draft.unplaced)


def test_more_than_fifty_thousand_characters_are_refused():
    parse_text("x" * MAX_CHARS)
    with pytest.raises(AgendaUnreadable, match="50.000"):
        parse_text("x" * (MAX_CHARS + 1))


def test_long_titles_and_names_are_cut_with_a_warning():
    draft = parse_text("ore 10.00 " + "Titolo " * 60)
    assert len(draft.items[0].title) <= 300 and [n.code for n in draft.warnings] == ["too_long"]


def test_control_and_invisible_characters_never_reach_a_name():
    speaker, = item("ore 10.00 Apertura\nMario\u200b Rossi\x00, Sindaco\x07, Comune di Como").speakers
    assert (speaker.name, speaker.role) == ("Mario Rossi", "Sindaco")


def test_the_json_form_round_trips_and_refuses_anything_else():
    draft = parse_text((AGENDAS / "01-assemblea-anci-sessione.txt").read_text())
    assert as_json(from_json(json.loads(json.dumps(as_json(draft))))) == as_json(draft)
    for bad in ({"items": []}, [{"title": "x", "kind": "nonsense"}], [{"title": "", "kind": "talk"}],
                [{"title": "x", "kind": "talk", "start": "25:00"}],
                [{"title": "x", "kind": "talk", "speakers": [{"name": 3}]}],
                [{"title": "Saluti\u202e", "kind": "talk"}]):
        with pytest.raises(AgendaUnreadable):
            from_json(bad)


# ---- any text at all ---------------------------------------------------------------------------

AGENDA_BITS = st.sampled_from([
    "ore 15.00", "9.45-11.00", "10:00 – 10:15", "h. 9.45", "**", "*", "_", "- ", "• ", "– ", "# ",
    "Registrazione", "Coffee break", "Tavola rotonda", "Interviene:", "Modera:", "Ne discutono:",
    "Cinzia Di Fenza", "Giusy Pino", " e ", ", ", "Responsabile del progetto", "Comune di Bergamo",
    "(", ")", "in collegamento", "da remoto", "online", "collegato da Roma", "SESSIONE", ":", ";",
    "\n", "\n\n", " ", "24 ottobre 2023", "Programma", "Conclusioni.", "ò", "D'Angelo", "—",
])
settings.register_profile("agenda", derandomize=True, max_examples=300, deadline=None)


@settings.get_profile("agenda")
@given(st.one_of(st.text(max_size=400), st.lists(AGENDA_BITS, max_size=60).map("".join)))
def test_any_text_gives_a_draft_with_every_line_accounted_for(text):
    draft = parse_text(text)
    assert accounted_for(text, draft)
    for entry in draft.items:
        assert entry.title.strip() and entry.kind in KINDS
        assert all(s.name.strip() for s in entry.speakers)
    json.dumps(as_json(draft))


@pytest.mark.parametrize("line, title, speakers", [
    ("ore 9.30 Saluti istituzionali: Mario Rossi, Sindaco di Como", "Saluti istituzionali",
     [("Mario Rossi", "Sindaco di Como", None)]),
    ("ore 12.00 – Conclusioni a cura di Luciano Gallo (Formez)", "Conclusioni",
     [("Luciano Gallo", None, "Formez")]),
    ("ore 10.00 Il welfare: ne discutono Anna Rossi e Bruno Verdi, Comune di Como", "Il welfare",
     [("Anna Rossi", None, "Comune di Como"), ("Bruno Verdi", None, "Comune di Como")]),
    ("ore 11.00 Incontro con Bergamo e Catanzaro", "Incontro con Bergamo e Catanzaro", []),
    ("ore 11.00 Tavola rotonda: il partenariato", "Tavola rotonda: il partenariato", []),
])
def test_speakers_on_the_title_line(line, title, speakers):
    found = item(line)
    assert (found.title, [(s.name, s.role, s.organisation) for s in found.speakers]) == (title, speakers)


def test_introduce_e_modera_is_a_prefix_like_the_others():
    speaker, = item("ore 9.30 Apertura\nIntroduce e modera: Chiara Fontana, Formez").speakers
    assert (speaker.name, speaker.organisation) == ("Chiara Fontana", "Formez")


def test_a_role_of_an_organisation_is_split_in_two():
    speaker, = item("ore 9.30 Saluti\nMario Rossi, Sindaco del Comune di Como").speakers
    assert (speaker.role, speaker.organisation) == ("Sindaco", "Comune di Como")
