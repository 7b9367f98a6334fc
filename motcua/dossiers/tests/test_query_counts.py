"""The number of queries of the busiest paths is pinned: a reception at the counter,
and an officer's list of open tasks, which must not grow with the number of tasks
(no N+1). A changed number is a decision to make, not noise to accept."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from motcua.dossiers import actions
from motcua.dossiers.models import Task
from motcua.dossiers.tests.conftest import MONDAY, World, pdf

NumQueries = Callable[[int], AbstractContextManager[Any]]

# Permission, components, the workflow (3 lookups + steps, in a savepoint), the
# agency identifier, the code counter, the dossier, one insert per document, the
# SUBMIT event (save, next seq, insert), the calendar (2), the steps, 2 tasks and the
# reception step's finish, the RECEIVE event (3), and the outer savepoint (2) — 27;
# plus the statistics row refreshed once, after RECEIVE (``motcua.reports.facts.refresh``:
# the dossier, its events, the row, the dossier's first span) — 4 more.
RECEPTION_QUERIES = 27 + 4


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


def test_a_reception_at_the_counter_costs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: NumQueries
) -> None:
    world.receive(MONDAY)  # the procedure's default workflow now exists
    submission = _typical(world)

    with django_assert_num_queries(RECEPTION_QUERIES):
        actions.receive_at_counter(submission, actor=world.reception, at=MONDAY)


def test_each_further_document_costs_only_its_own_insert(
    world: World, django_assert_num_queries: NumQueries
) -> None:
    world.receive(MONDAY)
    submission = _typical(world, documents=4)

    with django_assert_num_queries(RECEPTION_QUERIES + 2):
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
