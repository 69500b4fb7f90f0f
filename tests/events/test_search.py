"""The public search: words of the event, its speakers, organisations and city, whatever the
case, accents and apostrophes; combined with the filters and the pages, always counted."""
import re
from datetime import timedelta
from html import unescape

import pytest

from fis_events.events import services
from fis_events.events.models import AgendaItemKind, EventKind
from fis_events.programme import services as programme
from support import commit_test_work


def titles(client, query):
    page = client.get("/?" + query)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return [unescape(t) for t in re.findall(r'<h3 class="card-title[^"]*"><a [^>]*>([^<]+)</a>', html)]


def published(make_event, speakers=(), **fields):
    event = make_event(**fields)
    item = services.add_agenda_item(event, "Apertura", AgendaItemKind.TALK)
    for name, organisation in speakers:
        services.add_speaker(item, name, "Relatore", organisation)
    services.publish_event(event)
    commit_test_work()
    return event


@pytest.fixture
def programme_events(make_event):
    published(make_event, title="Laboratorio sull'abitare", city="Forlì",
              description="Co-progettazione con il Terzo settore.",
              speakers=[("Niccolò Bianchi", "Comune di Forlì")])
    published(make_event, title="Webinar sulla valutazione", kind=EventKind.WEBINAR,
              speakers=[("Maria D'Angelo", "Università di Bologna")])
    published(make_event, title="Incontro a Genova", city="Genova")


@pytest.mark.parametrize("query, expected", [
    ("niccolò", ["Laboratorio sull'abitare"]),
    ("NICCOLO", ["Laboratorio sull'abitare"]),
    ("d'angelo", ["Webinar sulla valutazione"]),
    ("D’ANGELO", ["Webinar sulla valutazione"]),
    ("dangelo", ["Webinar sulla valutazione"]),
    ("universita bologna", ["Webinar sulla valutazione"]),
    ("forli", ["Laboratorio sull'abitare"]),
    ("terzo SETTORE", ["Laboratorio sull'abitare"]),
    ("abitare terzo", ["Laboratorio sull'abitare"]),
    ("sullabitare", ["Laboratorio sull'abitare"]),
    ("genova", ["Incontro a Genova"]),
    ("genova forlì", []),
])
def test_search_ignores_case_accents_and_apostrophes(client, programme_events, query, expected):
    assert titles(client, f"q={query}") == expected


def test_search_combines_with_the_filters_and_says_how_many(client, programme_events):
    assert titles(client, "q=sul&tipo=webinar") == ["Webinar sulla valutazione"]
    assert titles(client, "q=niccolo&tipo=webinar") == []
    assert titles(client, "q=genova&quando=past") == []
    page = client.get("/?q=sul").get_data(as_text=True)
    assert "2 eventi trovati" in page
    assert 'value="sul"' in page


def test_search_results_come_in_pages(client, make_event):
    start = make_event().starts_at
    for n in range(23):
        published(make_event, title=f"Seminario {n:02d}", starts_at=start + timedelta(days=n),
                  ends_at=start + timedelta(days=n, hours=2))
    published(make_event, title="Altro evento")
    first, second = titles(client, "q=seminario"), titles(client, "q=seminario&pagina=2")
    assert first == [f"Seminario {n:02d}" for n in range(20)]
    assert second == ["Seminario 20", "Seminario 21", "Seminario 22"]
    page = client.get("/?q=seminario&pagina=2").get_data(as_text=True)
    assert "23 eventi trovati" in page
    assert "q=seminario" in page  # the page links keep the search


@pytest.mark.parametrize("query", ["%", "_", "%25_%5C", "<script>", "'", "  ", "ò" * 5000,
                                   "a b c d e f g h i j k l m n o p", "%00", "\u202e"])
def test_odd_searches_return_a_page(client, programme_events, query):
    page = client.get("/", query_string={"q": query})
    assert page.status_code == 200
    assert "eventi trovati" in page.get_data(as_text=True) or \
        "evento trovato" in page.get_data(as_text=True)


def test_only_spaces_lists_everything(client, programme_events):
    assert len(titles(client, "q=+++")) == 3


def test_search_follows_the_changes(client, app, make_event):
    event = published(make_event, title="Seminario", speakers=[("Anna Verdi", "Comune di Lecce")])
    assert titles(client, "q=lecce") == ["Seminario"]
    lecce = event.agenda_items[0].speaker_links[0].speaker.organisation
    programme.update_organisation(lecce, name="Comune di Brindisi", kind=lecce.kind)
    commit_test_work()
    assert titles(client, "q=lecce") == []
    assert titles(client, "q=brindisi") == ["Seminario"]
    services.remove_speaker(event.agenda_items[0].speaker_links[0])
    services.save_event(event, title="Seminario di Taranto")
    commit_test_work()
    assert titles(client, "q=brindisi") == []
    assert titles(client, "q=taranto") == ["Seminario di Taranto"]


def test_search_follows_a_merge_of_organisations(client, make_event):
    published(make_event, title="Seminario", speakers=[("Anna Verdi", "Comune di Lecce")])
    event = published(make_event, title="Tavolo", beneficiaries=[
        programme.find_or_create_organisation("Comune di Lecce")])
    survivor = programme.find_or_create_organisation("Lecce Città Aperta")
    programme.merge_organisations(survivor, event.beneficiaries[0])
    commit_test_work()
    assert titles(client, "q=aperta") == ["Seminario", "Tavolo"]
