"""The SQLite writer queue behind the door rush: writers wait for each other on a lock file, across
threads and processes, and every way a transaction ends gives the lock back."""
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from fis_events import sqlite

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'queue.sqlite'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield engine
    engine.dispose()


def names(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT name FROM item ORDER BY id")).scalars().all()


def insert(conn, name):
    conn.execute(sa.text("INSERT INTO item (name) VALUES (:name)"), {"name": name})


def write_in_thread(engine, name):
    def write():
        with engine.begin() as conn:
            insert(conn, name)

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_file_databases_queue_their_writers_in_a_lock_file_beside_them(engine, tmp_path):
    with engine.connect() as conn:
        assert isinstance(conn.connection.driver_connection, sqlite.WriterQueueConnection)
        insert(conn, "a")
        assert (tmp_path / "queue.sqlite.writers").exists()
        conn.commit()
    memory = sa.create_engine("sqlite://")
    with memory.connect() as conn:
        assert not isinstance(conn.connection.driver_connection, sqlite.WriterQueueConnection)


@pytest.mark.parametrize("opening", ["INSERT INTO item (name) VALUES ('first')", "BEGIN IMMEDIATE"])
def test_a_writer_waits_for_the_open_write_transaction_and_reads_do_not(engine, opening):
    with engine.connect() as first:
        first.exec_driver_sql(opening)
        second = write_in_thread(engine, "second")
        second.join(timeout=0.3)
        assert second.is_alive()  # queued behind the open transaction
        assert names(engine) == []  # readers are not queued (WAL)
        if opening.startswith("BEGIN"):
            insert(first, "first")  # the queue is already ours: no waiting for the one behind
        first.commit()
    second.join()
    assert names(engine) == ["first", "second"]


@pytest.mark.parametrize("end", ["rollback", "close", "failed statement"])
def test_every_end_of_a_transaction_gives_the_lock_back(engine, end):
    conn = engine.connect()
    insert(conn, "taken")
    conn.commit()
    if end == "failed statement":
        with pytest.raises(sa.exc.IntegrityError):
            insert(conn, "taken")  # the transaction stays open until rolled back
        waiting = write_in_thread(engine, "after")
        waiting.join(timeout=0.3)
        assert waiting.is_alive()
        conn.rollback()
    else:
        insert(conn, "dropped")
        waiting = write_in_thread(engine, "after")
        if end == "rollback":
            conn.rollback()
        else:
            conn.close()  # back to the pool mid-transaction: the pool rolls it back
    waiting.join()
    conn.close()
    assert names(engine) == ["taken", "after"]


def test_one_thread_writing_through_two_connections_gets_an_error_not_a_hang(engine, monkeypatch):
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 200)
    with engine.connect() as first, engine.connect() as second:
        insert(first, "first")
        with pytest.raises(sa.exc.OperationalError, match="database is locked"):
            insert(second, "second")
        first.commit()
        insert(second, "second")
        second.commit()
    assert names(engine) == ["first", "second"]


HOLDER = """
import sys
import sqlalchemy as sa
import fis_events.sqlite  # the writer queue
engine = sa.create_engine(sys.argv[1])
with engine.connect() as conn:
    conn.execute(sa.text("INSERT INTO item (name) VALUES ('other process')"))
    print("holding", flush=True)
    sys.stdin.readline()
    conn.commit()
"""


def test_writers_of_another_process_wait_in_the_same_queue(engine):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(engine.url)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "holding\n"
        here = write_in_thread(engine, "this process")
        here.join(timeout=0.3)
        assert here.is_alive()
    finally:
        holder.communicate("go\n", timeout=30)
    here.join()
    assert names(engine) == ["other process", "this process"]


def test_a_statement_refused_before_any_write_leaves_no_lock(engine, monkeypatch):
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 200)
    with engine.connect() as failed, engine.connect() as other:
        with pytest.raises(sa.exc.OperationalError, match="no such table"):
            failed.execute(sa.text("INSERT INTO missing VALUES (1)"))
        insert(other, "next")
        other.commit()
    assert names(engine) == ["next"]


def test_a_savepoint_opened_before_any_write_is_undone_by_the_rollback(engine):
    """pysqlite sends no BEGIN before a SAVEPOINT: the savepoint would open a transaction of its
    own and its RELEASE would commit. The queue begins a real transaction first, so the unit of
    work's rollback undoes the block, and its commit keeps it."""
    with orm.Session(engine) as session:
        session.execute(sa.text("SELECT 1"))
        with session.begin_nested():
            insert(session, "undone")
        session.rollback()
        with session.begin_nested():
            insert(session, "kept")
        session.commit()
    assert names(engine) == ["kept"]


def test_transactions_opened_by_a_savepoint_wait_for_each_other_and_read_what_the_other_wrote(engine):
    """Each reads, then writes what it read: the second one waits for the first at its savepoint
    and reads after the first committed (a deferred transaction would read before and then be
    refused its write, SQLITE_BUSY_SNAPSHOT)."""
    first_inside, release_first = threading.Event(), threading.Event()
    errors = []

    def read_then_write(hold):
        try:
            with orm.Session(engine) as session:
                with session.begin_nested():
                    count = session.execute(sa.text("SELECT count(*) FROM item")).scalar()
                    if hold:
                        first_inside.set()
                        release_first.wait(5)
                    insert(session, f"after {count}")
                session.commit()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    first = threading.Thread(target=read_then_write, args=(True,))
    first.start()
    assert first_inside.wait(5)
    second = threading.Thread(target=read_then_write, args=(False,))
    second.start()
    second.join(timeout=0.3)
    assert second.is_alive(), errors  # waiting for the first at its savepoint
    release_first.set()
    first.join(5)
    second.join(5)
    assert errors == []
    assert names(engine) == ["after 0", "after 1"]
