"""Receptions racing at one agency on one day: they get unique, consecutive dossier
codes, a reception that is rolled back gives its number back (issue 3 §5;
``motcua.dossiers.codes``), and the first receptions of a procedure derive one default
workflow between them, not one each.

Real threads, each with its own database connection, on committed data
(``transaction=True``). On PostgreSQL each thread simply opens its own connection to
the test database. SQLite's test database lives in memory, and connections to a shared
in-memory database fail with "database table is locked" instead of waiting, so for
SQLite the test copies the database into a file and points each thread's connection at
it: the threads then wait for each other exactly as in production (WAL, IMMEDIATE
transactions, a busy timeout — see settings.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import connection, connections, transaction

from motcua.dossiers.models import Dossier, DossierCodeCounter, Workflow
from motcua.dossiers.tests.conftest import World, local

pytestmark = pytest.mark.django_db(transaction=True)

DAY = local(2026, 3, 2, 7, 0)
PREFIX = "H24.STP-260302-"
ON_POSTGRESQL = connection.vendor == "postgresql"

Connect = Callable[[], None]
T = TypeVar("T")


class Interrupted(Exception):
    """Whatever makes the caller's transaction roll back after a reception (the receipt
    slip failed to print, the browser's request was cancelled …)."""


@pytest.fixture
def thread_connections(world: World, tmp_path: Path) -> Iterator[Connect]:
    """What a worker thread calls first so that it has its own connection to a database
    holding ``world``. The connections are closed when the thread ends (``work``)."""
    if connection.vendor != "sqlite":
        yield lambda: None  # Django opens one connection per thread by itself
        return
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    wrapper = type(connections["default"])  # the SQLite backend's DatabaseWrapper
    file_settings = {**connection.settings_dict, "NAME": str(path)}

    def connect() -> None:
        # ``connections`` holds one connection per thread: replace this thread's.
        connections["default"] = wrapper(dict(file_settings), "default")

    yield connect


def run_in_threads(connect: Connect, jobs: list[Callable[[], object]], threads: int) -> None:
    """Run ``jobs`` on ``threads`` threads, all starting together; re-raise the first
    error any of them met."""
    queue = list(reversed(jobs))
    lock, errors = threading.Lock(), []
    start = threading.Barrier(threads)

    def work() -> None:
        try:
            connect()
            start.wait(timeout=60)  # a thread that cannot start breaks the others' wait
            while True:
                with lock:
                    if not queue:
                        return
                    job = queue.pop()
                job()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]


def read(connect: Connect, query: Callable[[], T]) -> T:
    """``query`` answered by a connection like the workers' (on SQLite, to the file they
    wrote to)."""
    answers: list[T] = []
    run_in_threads(connect, [lambda: answers.append(query())], threads=1)
    return answers[0]


def codes_in(connect: Connect) -> tuple[list[str], list[int]]:
    """The dossier codes, and the day's counter, as the database holds them."""
    return read(
        connect,
        lambda: (
            sorted(Dossier.objects.values_list("code", flat=True)),
            list(DossierCodeCounter.objects.values_list("last", flat=True)),
        ),
    )


def consecutive(count: int) -> list[str]:
    return [f"{PREFIX}{n:04d}" for n in range(1, count + 1)]


def receptions(world: World, count: int) -> list[Callable[[], object]]:
    return [partial(world.receive, DAY + dt.timedelta(seconds=20 * n)) for n in range(count)]


def rolled_back_reception(world: World) -> None:
    with suppress(Interrupted), transaction.atomic():
        world.receive(DAY)
        raise Interrupted


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the 1,000-reception race runs on PostgreSQL")
def test_a_thousand_concurrent_receptions_get_a_thousand_consecutive_codes(
    world: World, thread_connections: Connect
) -> None:
    run_in_threads(thread_connections, receptions(world, 1000), threads=16)

    codes, last = codes_in(thread_connections)
    assert codes == consecutive(1000)
    assert last == [1000]


def test_concurrent_receptions_get_consecutive_codes(
    world: World, thread_connections: Connect
) -> None:
    run_in_threads(thread_connections, receptions(world, 40), threads=4)

    codes, last = codes_in(thread_connections)
    assert codes == consecutive(40)
    assert last == [40]


def test_receptions_rolled_back_during_a_race_leave_no_gap(
    world: World, thread_connections: Connect
) -> None:
    jobs = receptions(world, 30)
    for n in range(0, 40, 4):
        jobs.insert(n, lambda: rolled_back_reception(world))

    run_in_threads(thread_connections, jobs, threads=4)

    codes, last = codes_in(thread_connections)
    assert codes == consecutive(30)
    assert last == [30]


def test_a_rolled_back_reception_gives_its_number_back(world: World) -> None:
    first = world.receive(DAY)
    rolled_back_reception(world)
    second = world.receive(DAY + dt.timedelta(minutes=5))

    assert [first.code, second.code] == consecutive(2)
    assert DossierCodeCounter.objects.get().last == 2


def test_the_first_receptions_of_a_procedure_share_one_default_workflow(
    world: World, thread_connections: Connect
) -> None:
    # The procedure has no workflow yet: each racing reception finds none and would
    # derive one ("version 1") — only one may.
    run_in_threads(thread_connections, receptions(world, 16), threads=8)

    workflows, followed = read(
        thread_connections,
        lambda: (
            list(Workflow.objects.values_list("version", "is_active", "is_default")),
            set(Dossier.objects.values_list("workflow__version", flat=True)),
        ),
    )
    assert workflows == [(1, True, True)]
    assert followed == {1}
