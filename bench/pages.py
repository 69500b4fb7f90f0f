"""Page costs as ratios to a baseline page served by the same app in the same process.

Timings on shared machines are noisy, so every figure is a ratio to the privacy page (the
site layout without any database query), measured interleaved with it. Run: `make bench`.
"""
import statistics
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from bench.common import timed  # noqa: E402
from config import TestingConfig  # noqa: E402
from fis_events.unit_of_work import unit_of_work  # noqa: E402
from fis_events import create_app  # noqa: E402
from fis_events.demo.loader import load_all, rome  # noqa: E402
from fis_events.events import services  # noqa: E402
from fis_events.events.models import AgendaItemKind, EventKind  # noqa: E402

EVENTS = 200
ROUNDS = 30
# Targets: how many baseline pages one request may cost at most. Set from measurements with
# headroom (2026-11: 5.5, 5.5, 82, 10, 3.7): an N+1 query or an unpaginated list blows them.
TARGETS = {
    "event page (Genova)": 8.0,
    "event list (upcoming)": 8.0,
    f"calendar feed ({EVENTS + 4} events)": 120.0,
    f"API event list ({EVENTS + 4} events)": 20.0,
    "API event detail": 6.0,
}


def build(app):
    with app.app_context():
        upgrade()
        with unit_of_work():
            load_all(with_users=False)
            start = date.today() + timedelta(days=10)
            for n in range(EVENTS):
                day = start + timedelta(days=n % 90)
                event = services.create_event(
                    title=f"Incontro {n}", kind=EventKind.SUPPORT_MEETING,
                    starts_at=rome(day, "10:00"), ends_at=rome(day, "12:00"), offers_in_person=True)
                for m in range(4):
                    item = services.add_agenda_item(event, f"Punto {m}", AgendaItemKind.TALK)
                    services.add_speaker(item, f"Relatore {m}", "Ruolo", f"Ente {m}")
                services.publish_event(event)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.sqlite"

        app = create_app(Config)
        build(app)
        client = app.test_client()
        pages = {
            "event page (Genova)": "/eventi/1",
            "event list (upcoming)": "/eventi/",
            f"calendar feed ({EVENTS + 4} events)": "/calendario.ics",
            f"API event list ({EVENTS + 4} events)": "/api/v1/events",
            "API event detail": "/api/v1/events/1",
        }
        for url in ["/privacy", *pages.values()]:
            timed(client, url)  # warm up
        failed = False
        print(f"{'page':<34} {'ratio':>7} {'target':>7}")
        for name, url in pages.items():
            ratios = []
            for _ in range(ROUNDS):
                base = timed(client, "/privacy")
                ratios.append(timed(client, url) / base)
            ratio = statistics.median(ratios)
            ok = ratio <= TARGETS[name]
            failed |= not ok
            print(f"{name:<34} {ratio:7.2f} {TARGETS[name]:7.1f}  {'ok' if ok else 'OVER TARGET'}")
        print("bench pages: " + ("FAIL" if failed else "PASS"))
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
