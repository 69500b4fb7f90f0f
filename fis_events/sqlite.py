"""SQLite as a real server would behave: foreign keys, WAL, and writers that queue.

Registered on every engine when fis_events.extensions is imported; PostgreSQL connections
are left alone.
"""
import fcntl
import os
import re
import sqlite3
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: SQLite waits this long for a lock before "database is locked", and so does the writer queue
BUSY_TIMEOUT_MS = 30000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite as a real server would behave: foreign keys enforced, readers not blocked by the
    writer (WAL), and writers queueing for the lock instead of failing at once."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fsync at checkpoints
        cursor.close()


@event.listens_for(Engine, "do_connect")
def _sqlite_writer_queue(dialect, connection_record, cargs, cparams):
    """SQLite files get connections that queue their writers (see WriterQueueConnection)."""
    if dialect.name == "sqlite" and cargs and cargs[0] != ":memory:" and not cparams.get("uri"):
        cparams.setdefault("factory", WriterQueueConnection)


#: statements that never take SQLite's write lock by themselves (WITH may hide a write, BEGIN
#: IMMEDIATE and EXCLUSIVE take it at once)
_READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN|SAVEPOINT|RELEASE|ROLLBACK|COMMIT)\b"
                        r"|\s*BEGIN\b(?!\s+(IMMEDIATE|EXCLUSIVE)\b)"
                        r"|\s*WITH\b(?!.*\b(INSERT|UPDATE|DELETE|REPLACE)\b)", re.I | re.S)
_SAVEPOINT = re.compile(r"\s*SAVEPOINT\b", re.I)
_queues = {}


class WriterQueueConnection(sqlite3.Connection):
    """A connection that takes an exclusive flock on "<database>.writers" before its transaction's
    first write and gives it back right after COMMIT or ROLLBACK.

    SQLite's own busy handler makes a waiting writer sleep 1, 2, 5, 10, 20… ms and retry, so
    under a rush a writer often sleeps long after the lock came free; waiters on a flock wake as
    soon as it is released. Threads of one process queue on a lock with SQLite's timeout first
    (so a thread that writes through two connections at once gets "database is locked", as it
    would from SQLite, instead of waiting forever), then one of them waits on the flock. The
    flock is held only while the transaction holds, or is about to take, SQLite's write lock,
    and its holder never waits for another flock, so writers cannot wait for each other in a
    circle; only a transaction left open for good would stop the others, as it would stop them
    without the queue (they would then fail after the timeout instead of waiting).
    """

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        path = os.path.abspath(database) + ".writers"
        self._queue = _queues.setdefault(path, threading.Lock())
        self._lock_path, self._lock_fd = path, None

    def cursor(self, factory=None):
        return super().cursor(factory or _WriterQueueCursor)

    def commit(self):
        try:
            super().commit()
        finally:
            self._leave_queue_when_done()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._leave_queue_when_done()

    def close(self):
        try:
            super().close()
        finally:
            self._leave_queue()

    def __del__(self):
        self._leave_queue()

    def _begin_for_savepoint(self):
        """pysqlite begins a transaction only before INSERT, UPDATE, DELETE or REPLACE: a
        SAVEPOINT sent outside one opens a transaction of its own, whose RELEASE commits what the
        block wrote, out of reach of the caller's rollback. Savepoints here wrap writes, so a
        real transaction is begun first, taking the write lock at once (IMMEDIATE): a deferred
        one would read a snapshot that another writer could make stale before this one's first
        write, which SQLite then refuses at once (SQLITE_BUSY_SNAPSHOT)."""
        self.cursor().execute("BEGIN IMMEDIATE")

    def _join_queue(self, statement):
        if self._lock_fd is not None or _READ_ONLY.match(statement):
            return
        if not self._queue.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise sqlite3.OperationalError("database is locked (waited for the writer queue)")
        try:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
        except BaseException:
            self._queue.release()
            raise
        self._lock_fd = fd

    def _leave_queue_when_done(self):
        try:
            done = not self.in_transaction
        except sqlite3.ProgrammingError:  # closed: whatever it held is gone
            done = True
        if done:
            self._leave_queue()

    def _leave_queue(self):
        fd, self._lock_fd = getattr(self, "_lock_fd", None), None
        if fd is not None:
            os.close(fd)  # closing the only descriptor of the open file releases the flock
            self._queue.release()


class _WriterQueueCursor(sqlite3.Cursor):
    def execute(self, statement, parameters=()):
        if _SAVEPOINT.match(statement) and not self.connection.in_transaction:
            self.connection._begin_for_savepoint()
        self.connection._join_queue(statement)
        try:
            return super().execute(statement, parameters)
        finally:
            self.connection._leave_queue_when_done()

    def executemany(self, statement, parameters):
        self.connection._join_queue(statement)
        try:
            return super().executemany(statement, parameters)
        finally:
            self.connection._leave_queue_when_done()
