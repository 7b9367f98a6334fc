"""The number of queries of the busiest paths is pinned: a reception at the counter,
and an officer's list of open tasks, which must not grow with the number of tasks
(no N+1). A changed number is a decision to make, not noise to accept."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.db import connection

from motcua.dossiers import actions
from motcua.dossiers.models import Task
from motcua.dossiers.tests.conftest import MONDAY, World, pdf

NumQueries = Callable[[int], AbstractContextManager[Any]]

# Reads: the permission, with the reference-data stamp (``motcua.dossiers.refcache``)
# in the same query; on PostgreSQL the code counter's number too, in that statement
# (``motcua.dossiers.codes.with_next_sequence_if_current``), elsewhere in a second.
# Writes, on PostgreSQL: the dossier (already received: one INSERT, no UPDATE), its
# tasks, both events, the statistics row and the dossier's first span in one
# statement (``motcua.common.rows.Ahead.insert``), and the documents in a second, once
# their scans are stored; elsewhere each table's rows in one statement (six). And the
# outer savepoint (2).
ASKED = 1 if connection.vendor == "postgresql" else 2
ROW_STATEMENTS = 2 if connection.vendor == "postgresql" else 6
RECEPTION_QUERIES = ASKED + ROW_STATEMENTS + 2
# A process that remembers nothing yet has no identifier to take the number for with
# the permission: on PostgreSQL it is taken in a statement of its own.
UNGUESSED_NUMBER = 2 - ASKED
# What a process reads before it remembers it: the components of the version, the
# workflow (the candidates, their steps), the agency identifier, the calendar (2).
REFERENCE_QUERIES = 6


def _typical(world: World, documents: int = 2) -> actions.Submission:
    names = ["Tờ khai", "Giấy chứng sinh", "Giấy đăng ký kết hôn", "Giấy ủy quyền"]
    return world.submission(
        documents=[
            actions.DocumentInput(
                name=name,
                component=world.declaration if index == 0 else None,
                file=pdf(f"{index}.pdf"),
            )
            for index, name in enumerate(names[:documents])
        ]
    )


def _warm_up(world: World, capture: Any) -> None:
    """Receptions, committed: the process now remembers the reference data. The
    first one creates the procedure's default workflow, which raises the stamp, so
    what it read is forgotten; the second one's is kept."""
    for _ in range(2):
        with capture(execute=True):
            world.receive(MONDAY)


def test_a_reception_at_the_counter_costs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: NumQueries, django_capture_on_commit_callbacks: Any
) -> None:
    _warm_up(world, django_capture_on_commit_callbacks)
    submission = _typical(world)

    with django_assert_num_queries(RECEPTION_QUERIES):
        actions.receive_at_counter(submission, actor=world.reception, at=MONDAY)


def test_a_process_reads_the_reference_data_until_a_reception_commits(
    world: World, django_assert_num_queries: NumQueries
) -> None:
    world.receive(MONDAY)  # not committed: nothing is remembered
    submission = _typical(world)
    with django_assert_num_queries(RECEPTION_QUERIES + REFERENCE_QUERIES + UNGUESSED_NUMBER):
        actions.receive_at_counter(submission, actor=world.reception, at=MONDAY)


def test_further_documents_cost_no_further_query(
    world: World, django_assert_num_queries: NumQueries, django_capture_on_commit_callbacks: Any
) -> None:
    _warm_up(world, django_capture_on_commit_callbacks)
    submission = _typical(world, documents=4)

    with django_assert_num_queries(RECEPTION_QUERIES):
        actions.receive_at_counter(submission, actor=world.reception, at=MONDAY)


def _list_my_tasks(world: World) -> list[tuple[str, str, str, str, str]]:
    return [
        (task.dossier.code, task.step.name, task.agency.name, str(task.assignee), str(task.due_at))
        for task in Task.objects.for_officer(world.handler)
    ]


def test_listing_an_officer_s_tasks_is_one_query_however_many_there_are(
    world: World, django_assert_num_queries: NumQueries
) -> None:
    first = world.receive(MONDAY)
    actions.assign(first, actor=world.head, assignee=world.handler, at=MONDAY)
    with django_assert_num_queries(1):
        assert len(_list_my_tasks(world)) == 1

    for _ in range(5):
        world.receive(MONDAY)

    with django_assert_num_queries(1):
        assert len(_list_my_tasks(world)) == 6
