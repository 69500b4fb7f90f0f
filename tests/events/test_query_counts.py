"""Pages cost the same number of queries whatever the size of the agenda (no N+1)."""
from fis_events.events import services
from fis_events.events.models import AgendaItemKind
from support import commit_test_work


def build(make_event, items, speakers):
    event = make_event()
    for n in range(items):
        item = services.add_agenda_item(event, f"Punto {n}", AgendaItemKind.TALK)
        for m in range(speakers):
            services.add_speaker(item, f"Relatore {n}-{m}", "Ruolo", f"Ente {m}", remote=m % 2 == 1)
    services.publish_event(event)
    commit_test_work()
    return event.id


def queries_for(client, count_queries, url):
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_event_page_queries_do_not_grow_with_the_agenda(client, make_event, count_queries):
    small = build(make_event, items=1, speakers=1)
    large = build(make_event, items=12, speakers=4)
    for url in ("/eventi/{}", "/eventi/{}/stampa"):
        assert queries_for(client, count_queries, url.format(small)) == \
            queries_for(client, count_queries, url.format(large))


def test_manage_page_queries_do_not_grow_with_the_agenda(client, auth, make_event, count_queries):
    small = build(make_event, items=1, speakers=1)
    large = build(make_event, items=12, speakers=4)
    auth.login()
    assert queries_for(client, count_queries, f"/gestione/eventi/{small}") == \
        queries_for(client, count_queries, f"/gestione/eventi/{large}")


def test_event_list_queries_do_not_grow_with_the_events(client, make_event, count_queries):
    build(make_event, items=0, speakers=0)
    few = queries_for(client, count_queries, "/eventi/")
    for _ in range(8):
        build(make_event, items=0, speakers=0)
    assert queries_for(client, count_queries, "/eventi/") == few


def test_search_queries_do_not_grow_with_the_events(client, make_event, count_queries):
    build(make_event, items=2, speakers=2)
    url = "/?q=relatore+ente&quando=upcoming"
    few = queries_for(client, count_queries, url)
    for _ in range(8):
        build(make_event, items=2, speakers=2)
    assert queries_for(client, count_queries, url) == few
    assert "9 eventi trovati" in client.get(url).get_data(as_text=True)
