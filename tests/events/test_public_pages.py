"""The public event list and event page, through the Flask test client."""
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fis_events.demo.loader import DOOR_TITLE, UPCOMING_TITLE
from fis_events.events import services as events
from fis_events.events.models import Event, EventKind
from fis_events.extensions import db
from fis_events.programme.models import Phase

GENOVA_DATA = json.loads(
    (Path(__file__).resolve().parents[2] / "fis_events" / "demo" / "data" / "genova-2023.json")
    .read_text(encoding="utf-8"))
GENOVA_TITLE = GENOVA_DATA["event"]["title"]
SUPPORT_TITLES = [
    "Incontro di supporto alla sperimentazione - Comune di Bergamo",
    "Incontro di supporto alla sperimentazione - Comune di Catanzaro",
]


# ---- reading the pages -------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
ITEM_FIELDS = {"agenda-time": "time", "agenda-title": "title"}
SPEAKER_FIELDS = {"speaker-name": "name", "speaker-role": "role",
                  "speaker-organisation": "organisation", "speaker-remote": "remote"}


class AgendaParser(HTMLParser):
    """The agenda items of a page, in document order, with their time and speakers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "li" and "agenda-item" in classes:
            self.items.append({"time": "", "title": "", "speakers": []})
        elif tag == "li" and "agenda-speaker" in classes:
            self.items[-1]["speakers"].append(
                {"name": "", "role": "", "organisation": "", "remote": ""})
        if tag not in VOID:
            self.stack.append(classes)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for classes in reversed(self.stack):
            for css, field in SPEAKER_FIELDS.items():
                if css in classes:
                    self.items[-1]["speakers"][-1][field] += data
                    return
            for css, field in ITEM_FIELDS.items():
                if css in classes:
                    self.items[-1][field] += data
                    return


def agenda_of(html):
    parser = AgendaParser()
    parser.feed(html)
    squash = lambda text: " ".join(text.split())  # noqa: E731
    for item in parser.items:
        item["time"], item["title"] = squash(item["time"]), squash(item["title"])
        for speaker in item["speakers"]:
            for key in speaker:
                speaker[key] = squash(speaker[key])
    return parser.items


def text_of(html):
    """The page's visible text with tags removed and whitespace squashed."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.;:])", r"\1", text)  # "<span>Name</span>, <span>" reads "Name,"


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def listed_titles(response):
    """Titles of the event cards on the list page."""
    html = response.get_data(as_text=True)
    return [unescape(t) for t in re.findall(r'<h3 class="card-title[^"]*"><a [^>]*>([^<]+)</a>', html)]


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        ids = {title: db.session.scalar(db.select(Event.id).filter_by(title=title))
               for title in (GENOVA_TITLE, UPCOMING_TITLE, *SUPPORT_TITLES)}
        phases = {code: db.session.scalar(db.select(Phase.id).filter_by(code=code))
                  for code in ("feasibility", "experimentation")}
        db.session.remove()
    return {"events": ids, "genova": ids[GENOVA_TITLE], "phases": phases}


# ---- the Genova page ---------------------------------------------------------------------

def test_genova_agenda_follows_the_data_file(client, demo):
    page = client.get(f"/eventi/{demo['genova']}")
    assert page.status_code == 200
    shown = agenda_of(page.get_data(as_text=True))

    expected = [
        {
            "time": f"ore {entry['start'].replace(':', '.')}" if entry["start"] else "",
            "title": entry["title"],
            "speakers": [
                {"name": s["name"], "role": s["role"], "organisation": s["organisation"],
                 "remote": "in collegamento" if s["remote"] else ""}
                for s in entry["speakers"]
            ],
        }
        for entry in GENOVA_DATA["agenda"]
    ]
    assert shown == expected


def test_genova_agenda_times_and_remote_mark(client, demo):
    shown = agenda_of(client.get(f"/eventi/{demo['genova']}").get_data(as_text=True))

    assert [item["time"] for item in shown] == ["ore 15.00", "ore 15.30", "", "ore 16.30"]
    panel = next(item for item in shown if item["title"] == "Esperienze dai Comuni in via sperimentazione")
    assert panel["time"] == ""
    remote = [s["name"] for item in shown for s in item["speakers"] if s["remote"]]
    assert remote == ["Giusy Pino"]


def test_genova_page_in_the_order_of_the_data_file(client, demo):
    """Every title, speaker, role and organisation appears in the page text in file order."""
    text = text_of(client.get(f"/eventi/{demo['genova']}").get_data(as_text=True))
    agenda_text = text[text.index(GENOVA_DATA["agenda"][0]["title"]):]
    position = 0
    for entry in GENOVA_DATA["agenda"]:
        expected = [entry["title"]]
        for s in entry["speakers"]:
            expected += [s["name"], s["role"], s["organisation"]]
            if s["remote"]:
                expected.append("in collegamento")
        for piece in expected:
            found = agenda_text.find(piece, position)
            assert found >= 0, f"{piece!r} missing or out of order"
            position = found + len(piece)
    assert agenda_text.count("in collegamento") == 1
    assert "Giusy Pino, Assessore alle Politiche Sociali, Comune di Catanzaro in collegamento" \
        in agenda_text


def test_genova_facts(client, demo):
    html = client.get(f"/eventi/{demo['genova']}").get_data(as_text=True)
    facts = text_of(html[html.index('<dl class="row event-facts"'):html.index("</dl>")])

    assert "martedì 24 ottobre 2023, ore 15.00" in facts
    assert "40ª Assemblea ANCI" in facts
    assert "24–26 ottobre 2023" in facts
    assert "40ª Assemblea ANCI, Genova, 24–26 ottobre 2023" in facts
    assert f"<h1 class=\"event-title\">{GENOVA_TITLE}</h1>" in html
    assert html_lang(client.get(f"/eventi/{demo['genova']}")) == "it"


def test_genova_print_page_has_the_whole_agenda(client, demo):
    page = client.get(f"/eventi/{demo['genova']}/stampa")
    assert page.status_code == 200
    shown = agenda_of(page.get_data(as_text=True))
    assert [item["title"] for item in shown] == [e["title"] for e in GENOVA_DATA["agenda"]]


# ---- the list ----------------------------------------------------------------------------

def test_home_lists_upcoming_then_past_public_events_without_meetings(client, demo):
    page = client.get("/")
    titles = listed_titles(page)
    assert titles == [DOOR_TITLE, UPCOMING_TITLE, GENOVA_TITLE]  # the demo's door event is today
    html = page.get_data(as_text=True)
    assert html.index("Prossimi eventi</h2>") < html.index(UPCOMING_TITLE) \
        < html.index("Eventi passati</h2>") < html.index(GENOVA_TITLE)
    assert "3 eventi trovati" in html
    assert listed_titles(client.get("/?quando=upcoming")) == [DOOR_TITLE, UPCOMING_TITLE]
    assert listed_titles(client.get("/eventi/")) == titles


def test_meetings_by_invitation_are_listed_apart(client, demo):
    page = client.get("/?accesso=invito")
    # latest first: Catanzaro (21 Nov), Bergamo (14 Nov)
    assert listed_titles(page) == [SUPPORT_TITLES[1], SUPPORT_TITLES[0]]
    assert "2 eventi trovati" in page.get_data(as_text=True)
    assert '<option value="invito" selected>' in page.get_data(as_text=True)


def test_list_of_past_events(client, demo):
    assert listed_titles(client.get("/?quando=past")) == [GENOVA_TITLE]
    assert listed_titles(client.get("/?quando=past&accesso=invito")) == [SUPPORT_TITLES[1],
                                                                         SUPPORT_TITLES[0]]


def test_list_filtered_by_kind(client, demo):
    assert sorted(listed_titles(client.get("/?quando=past&tipo=support_meeting&accesso=invito"))) \
        == SUPPORT_TITLES
    assert listed_titles(client.get("/?quando=past&tipo=public_event")) == [GENOVA_TITLE]
    assert listed_titles(client.get("/?tipo=support_meeting")) == []
    assert listed_titles(client.get("/?quando=upcoming&tipo=public_event")) == [UPCOMING_TITLE]
    page = client.get("/?tipo=webinar")
    assert listed_titles(page) == []
    assert "Nessun evento corrisponde alla ricerca o ai filtri scelti." in page.get_data(as_text=True)


def test_list_filtered_by_phase(app, client, demo, make_event):
    with app.app_context():
        feasibility = db.session.get(Phase, demo["phases"]["feasibility"])
        event = make_event(title="Laboratorio di fattibilità", kind=EventKind.WORKSHOP,
                           programme=feasibility.programme, phase=feasibility)
        events.publish_event(event)

    experimentation, feasibility_id = demo["phases"]["experimentation"], demo["phases"]["feasibility"]
    assert listed_titles(client.get(f"/?fase={feasibility_id}")) == ["Laboratorio di fattibilità"]
    assert listed_titles(client.get(f"/?quando=upcoming&fase={experimentation}")) == [DOOR_TITLE, UPCOMING_TITLE]
    assert GENOVA_TITLE in listed_titles(client.get(f"/?quando=past&fase={experimentation}"))
    assert listed_titles(client.get(f"/?quando=past&fase={feasibility_id}")) == []
    assert set(listed_titles(client.get("/?quando=upcoming"))) == {UPCOMING_TITLE, DOOR_TITLE,
                                                                    "Laboratorio di fattibilità"}
    page = client.get(f"/?fase={feasibility_id}").get_data(as_text=True)
    assert f'<option value="{feasibility_id}" selected>' in page


def test_drafts_are_never_listed_nor_shown(client, demo, make_event):
    draft = make_event(title="Bozza riservata")
    draft_id = draft.id

    for url in ("/", "/?quando=past", "/?tipo=public_event", "/eventi/"):
        page = client.get(url)
        assert page.status_code == 200
        assert "Bozza riservata" not in page.get_data(as_text=True)
    assert client.get(f"/eventi/{draft_id}").status_code == 404
    assert client.get(f"/eventi/{draft_id}/stampa").status_code == 404
    assert client.get("/eventi/999999").status_code == 404


def test_cancelled_events_are_listed_as_cancelled(client, demo, make_event):
    event = make_event(title="Seminario annullato")
    events.publish_event(event)
    events.cancel_event(event)

    html = client.get("/").get_data(as_text=True)
    assert "Seminario annullato" in listed_titles(client.get("/"))
    card = html[html.index("Seminario annullato"):]
    card = card[:card.index("</div>")]
    assert "Annullato" in card
    # only that card carries the badge
    assert html.count('<span class="badge bg-danger">Annullato</span>') == 1

    page = client.get(f"/eventi/{event.id}")
    assert page.status_code == 200
    assert "Evento annullato." in page.get_data(as_text=True)


def test_english_switch(client, demo):
    assert html_lang(client.get("/")) == "it"

    switched = client.get("/lingua/en")
    assert switched.status_code == 302
    for url in ("/", f"/eventi/{demo['genova']}", f"/eventi/{demo['genova']}/stampa"):
        assert html_lang(client.get(url)) == "en", url
    facts = text_of(client.get(f"/eventi/{demo['genova']}").get_data(as_text=True))
    assert "Tuesday 24 October 2023" in facts

    client.get("/lingua/it")
    assert html_lang(client.get("/")) == "it"
    assert client.get("/lingua/xx").status_code == 404


def test_language_switch_returns_to_the_page(client, demo):
    page = client.get(f"/lingua/en?next=/eventi/{demo['genova']}")
    assert page.status_code == 302
    assert page.headers["Location"].endswith(f"/eventi/{demo['genova']}")
    assert not client.get("/lingua/en?next=https://example.com/").headers["Location"].startswith(
        "https://example.com")


@pytest.mark.parametrize("query", [
    "quando=ieri", "quando=", "tipo=nessuno", "tipo=", "fase=abc", "fase=999999", "fase=-1",
    "fase=", "fase=1.5", "quando=past&tipo=%07&fase=%ff", "tipo=SUPPORT_MEETING",
    "pagina=abc", "pagina=0", "pagina=-3", "pagina=999",
])
def test_invalid_filters_do_not_crash(client, demo, query):
    page = client.get(f"/?{query}")
    assert page.status_code == 200
    assert "Eventi del programma FIS" in page.get_data(as_text=True)
