"""The floor of an event lock's hold on this machine, under whatever load runs beside it: a
change that takes an event's lock (`lock_event`) and commits at once, through the app's own
unit of work, with nothing in between. It is one round trip (the commit) after the lock: no
change that holds the lock while it talks to the database can hold it for less. Run by
bench/registration.py as a process of its own (as a gunicorn sync worker is), on an event of
its own (so it never waits for the burst's lock), one change every PAUSE seconds; each hold is
written to LOG as the burst's are.

    python bench/lock_floor.py DATABASE_URL EVENT_ID LOG
"""
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: between two changes: at most 50 a second, each a millisecond or so of CPU, which leaves the
#: burst its CPU, and over a 40-second burst more than a thousand holds for a p99
PAUSE = 0.02
#: how its PostgreSQL backend is named, so that the burst's CPU figures leave it out
APPLICATION_NAME = "fis-lock-floor"


def main(url, event_id, log):
    if url.startswith("postgres"):
        url += ("&" if "?" in url else "?") + f"application_name={APPLICATION_NAME}"
    os.environ["DATABASE_URL"] = url
    from bench.common import make_app, record_lock_holds
    from fis_events.events.locks import lock_event
    from fis_events.unit_of_work import unit_of_work

    record_lock_holds(log)
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    with make_app().app_context():
        while not stopped:
            with unit_of_work():
                lock_event(int(event_id))
            time.sleep(PAUSE)


if __name__ == "__main__":
    main(*sys.argv[1:])
