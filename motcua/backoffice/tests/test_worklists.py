"""The worklists: each list shows the dossiers it promises and no others, and an
official never sees a dossier outside their agencies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.backoffice.views import worklists as view
from motcua.backoffice.worklists import next_working_day_end
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, StepAgency, Workflow, WorkflowKind, WorkflowStep
from motcua.dossiers.tests.conftest import MONDAY, World, local, reach, submit_online
from motcua.dossiers.workflows import validate_steps
from motcua.org.models import Membership, Role
from motcua.workdays.services import get_calendar

pytestmark = pytest.mark.django_db

# Friday 06/03/2026 10:00: "due within 1 working day" runs to Monday 09/03 17:00.
FRIDAY = local(2026, 3, 6, 10, 0)
LISTS = [
    "cho-tiep-nhan",
    "viec-cua-toi",
    "sap-den-han",
    "qua-han",
    "cho-bo-sung",
    "cho-tra-ket-qua",
    "tat-ca",
]


def codes(html: str) -> list[str]:
    return re.findall(r'<a class="code" href="/can-bo/ho-so/[^"]+/">([^<]+)</a>', html)


def listed(client: Client, user: User, slug: str, **params: str) -> list[str]:
    client.force_login(user)
    response = client.get(f"/can-bo/danh-sach/{slug}/", params)
    assert response.status_code == 200, (slug, response.status_code)
    return codes(response.content.decode())


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Set the instant the worklist pages are drawn at."""

    def set_to(at: dt.datetime) -> None:
        monkeypatch.setattr(view, "now", lambda: at)

    return set_to


@dataclass
class Cast:
    """Dossiers of the centre (received) and the Department of Justice (competent),
    one of each kind, and one of another agency altogether."""

    due_monday: Dossier  # received Mon 02/03 08:00, due Mon 09/03 08:00
    due_next_week: Dossier  # received Fri 06/03 09:00, due Fri 13/03 09:00
    overdue: Dossier  # received Mon 23/02, due Mon 02/03
    supplement: Dossier  # awaiting a supplement (due Mon 09/03, clock stopped)
    processed: Dossier  # result approved, waiting to be returned at the centre
    online: Dossier  # submitted online Fri 06/03 08:00, not received yet
    elsewhere: Dossier  # received and decided by the People's Committee of ward A

    def codes(self, *names: str) -> list[str]:
        return [getattr(self, name).code for name in names]


@pytest.fixture
def cast(world: World, clock: Callable[[dt.datetime], None]) -> Cast:
    clock(FRIDAY)
    made = Cast(
        due_monday=world.receive(MONDAY),
        due_next_week=world.receive(local(2026, 3, 6, 9, 0)),
        overdue=world.receive(MONDAY - dt.timedelta(days=7)),
        supplement=reach(world, "awaiting_supplement"),
        processed=reach(world, "processed"),
        online=submit_online(world, local(2026, 3, 6, 8, 0)),
        elsewhere=actions.receive_at_counter(
            world.submission(receiving_agency=world.commune_a, competent_agency=world.commune_a),
            actor=world.commune_a_officer,
            at=MONDAY,
        ),
    )
    for dossier in (made.due_monday, made.due_next_week, made.overdue, made.elsewhere):
        dossier.refresh_from_db()
    assert made.due_monday.due_at == local(2026, 3, 9, 8, 0)
    assert made.due_next_week.due_at == local(2026, 3, 13, 9, 0)
    assert made.elsewhere.due_at == local(2026, 3, 9, 8, 0)
    return made


def test_the_counter_officer_sees_each_list_of_the_centre(
    client: Client, world: World, cast: Cast
) -> None:
    def of(slug: str) -> list[str]:
        return listed(client, world.reception, slug)

    assert of("cho-tiep-nhan") == cast.codes("online")
    assert of("viec-cua-toi") == cast.codes("processed")  # the step "return the result"
    assert of("sap-den-han") == cast.codes("due_monday")
    assert of("qua-han") == cast.codes("overdue")
    assert of("cho-bo-sung") == cast.codes("supplement")
    assert of("cho-tra-ket-qua") == cast.codes("processed")
    # Soonest due first; the online submission has no appointment yet, so it is last.
    assert of("tat-ca") == cast.codes(
        "overdue", "due_monday", "supplement", "processed", "due_next_week", "online"
    )


def test_the_handling_officer_sees_the_department_s_dossiers(
    client: Client, world: World, cast: Cast
) -> None:
    def of(slug: str) -> list[str]:
        return listed(client, world.handler, slug)

    # Handling steps, due 60 % into the limit: the overdue dossier's first. The step of
    # the dossier awaiting a supplement stays the officer's (uncoloured: it is paused).
    assert of("viec-cua-toi") == cast.codes("overdue", "due_monday", "supplement", "due_next_week")
    assert of("sap-den-han") == cast.codes("due_monday")
    assert of("qua-han") == cast.codes("overdue")
    assert of("cho-bo-sung") == cast.codes("supplement")
    assert of("cho-tra-ket-qua") == cast.codes("processed")
    assert cast.elsewhere.code not in of("tat-ca")


def test_to_receive_is_offered_only_to_counter_officers(
    client: Client, world: World, cast: Cast
) -> None:
    client.force_login(world.handler)
    assert client.get("/can-bo/danh-sach/cho-tiep-nhan/").status_code == 404
    page = client.get("/can-bo/danh-sach/viec-cua-toi/").content.decode()
    assert "/can-bo/danh-sach/cho-tiep-nhan/" not in page
    assert "/can-bo/danh-sach/qua-han/" in page
    client.force_login(world.reception)
    page = client.get("/can-bo/danh-sach/viec-cua-toi/").content.decode()
    assert "/can-bo/danh-sach/cho-tiep-nhan/" in page


def test_an_unknown_list_is_not_found(client: Client, world: World) -> None:
    client.force_login(world.reception)
    assert client.get("/can-bo/danh-sach/khong-co/").status_code == 404


@pytest.mark.parametrize("slug", LISTS)
def test_an_officer_of_another_agency_sees_nothing_of_the_centre(
    client: Client, world: World, cast: Cast, slug: str
) -> None:
    outsider = world.commune_a_officer
    seen = listed(client, outsider, slug)
    centre = cast.codes(
        "due_monday", "due_next_week", "overdue", "supplement", "processed", "online"
    )
    assert not set(seen) & set(centre)
    for code in centre:
        assert listed(client, outsider, "tat-ca", tim=code) == []
        assert listed(client, outsider, "tat-ca", tim=code[:10]) == []
    # …and the centre's officer, searching for the ward's dossier, finds nothing either.
    assert listed(client, world.reception, "tat-ca", tim=cast.elsewhere.code) == []
    assert listed(client, outsider, "tat-ca", tim=cast.elsewhere.code) == cast.codes("elsewhere")


def test_a_search_in_another_agency_s_list_never_leaks_by_identifier_or_name(
    client: Client, world: World, cast: Cast
) -> None:
    # Every dossier of the cast has the same applicant; the ward's officer finds only
    # the ward's dossier by identifier or by name.
    outsider = world.commune_a_officer
    assert listed(client, outsider, "tat-ca", tim="001090001234") == cast.codes("elsewhere")
    assert listed(client, outsider, "tat-ca", tim="văn an") == cast.codes("elsewhere")


def test_a_step_handed_over_brings_the_dossier_to_the_other_agency(
    client: Client, world: World, cast: Cast
) -> None:
    other = world.construction_handler
    assert listed(client, other, "tat-ca") == []
    actions.hand_over(
        cast.due_next_week,
        actor=world.handler,
        to_agency=world.construction,
        reason="Cần ý kiến của Sở Xây dựng",
        at=local(2026, 3, 6, 9, 30),
    )
    assert listed(client, other, "viec-cua-toi") == cast.codes("due_next_week")
    assert listed(client, other, "tat-ca") == cast.codes("due_next_week")
    assert cast.due_next_week.code not in listed(client, world.handler, "viec-cua-toi")


def test_a_step_at_a_named_coordinating_agency_brings_the_dossier_there(
    client: Client, world: World, clock: Callable[[dt.datetime], None]
) -> None:
    """Decree 118/2025 Art. 20(2)(b): the Department of Construction's leader gives an
    opinion in parallel; the dossier is in that department's lists meanwhile."""
    clock(FRIDAY)
    director = User.objects.create_user("giamdoc.sxd", full_name="Giám đốc SXD")
    Membership.objects.create(user=director, agency=world.construction, role=Role.LEADER)
    workflow = Workflow.objects.create(
        procedure=world.version.procedure,
        kind=WorkflowKind.INTER_AGENCY,
        lead_agency=world.justice,
    )
    rows = [
        (1, "Tiếp nhận", Role.RECEPTION, StepAgency.RECEIVING, None, "2", False, False),
        (2, "Sở Tư pháp thẩm định", Role.HANDLER, StepAgency.COMPETENT, None, "20", False, False),
        (
            2,
            "Sở Xây dựng cho ý kiến",
            Role.LEADER,
            StepAgency.NAMED,
            world.construction,
            "16",
            False,
            False,
        ),
        (3, "Phê duyệt", Role.LEADER, StepAgency.COMPETENT, None, "16", True, False),
        (4, "Trả kết quả", Role.RECEPTION, StepAgency.RECEIVING, None, "2", False, True),
    ]
    steps = [
        WorkflowStep(
            workflow=workflow,
            order=order,
            name=name,
            role=role,
            agency_source=source,
            agency=agency,
            allotted_hours=Decimal(hours),
            is_approval=approval,
            is_return=is_return,
        )
        for order, name, role, source, agency, hours, approval, is_return in rows
    ]
    validate_steps(workflow, steps, world.counter_rule.time_limit)
    WorkflowStep.objects.bulk_create(steps)
    dossier = world.receive(MONDAY)

    assert listed(client, director, "viec-cua-toi") == [dossier.code]
    assert listed(client, director, "tat-ca") == [dossier.code]
    assert listed(client, director, "tat-ca", tim=dossier.code) == [dossier.code]
    assert listed(client, world.construction_handler, "tat-ca") == [dossier.code]
    assert listed(client, world.commune_a_officer, "tat-ca", tim=dossier.code) == []


def test_a_supervisor_may_widen_the_lists_to_all_their_agencies(
    client: Client, world: World, cast: Cast
) -> None:
    boss = User.objects.create_user("giamsat", full_name="Giám sát")
    Membership.objects.create(user=boss, agency=world.centre, role=Role.SUPERVISOR)
    Membership.objects.create(user=boss, agency=world.commune_a, role=Role.LEADER)

    # Working for the centre (the first agency by name) the list is the centre's…
    here = listed(client, boss, "sap-den-han")
    assert here == cast.codes("due_monday")
    # …and across both agencies it has the ward's dossier due on Monday too.
    both = listed(client, boss, "sap-den-han", **{"pham-vi": "tat-ca"})
    assert sorted(both) == sorted(cast.codes("due_monday", "elsewhere"))
    page = client.get("/can-bo/danh-sach/sap-den-han/", {"pham-vi": "tat-ca"}).content.decode()
    assert "Phạm vi: 2 cơ quan của bạn." in page


def test_an_officer_who_is_not_a_supervisor_cannot_widen_the_scope(
    client: Client, world: World, cast: Cast
) -> None:
    Membership.objects.create(user=world.handler, agency=world.commune_a, role=Role.HANDLER)
    seen = listed(client, world.handler, "sap-den-han", **{"pham-vi": "tat-ca"})
    assert seen == cast.codes("due_monday")
    page = client.get("/can-bo/danh-sach/sap-den-han/").content.decode()
    assert 'name="pham-vi"' not in page


def test_rows_are_coloured_by_urgency_and_show_local_times(
    client: Client, world: World, cast: Cast
) -> None:
    client.force_login(world.reception)
    page = client.get("/can-bo/danh-sach/tat-ca/").content.decode()
    rows = {code: row for row in page.split("<tr")[1:] for code in codes(row)}
    text = {code: " ".join(re.sub(r"<[^>]+>", " ", row).split()) for code, row in rows.items()}
    assert 'class="urgency-late"' in rows[cast.overdue.code]
    assert 'class="urgency-today"' in rows[cast.due_monday.code]
    assert 'class="urgency-ok"' in rows[cast.due_next_week.code]
    assert "urgency-" not in rows[cast.supplement.code]  # the applicant holds it
    # 09/03/2026 08:00 local is 01:00 UTC: the page shows the local wall clock.
    assert "09/03/2026 08:00 Sắp đến hạn" in text[cast.due_monday.code]
    # The online submission (Fri 08:00) must be received within 8 working hours: 7 on
    # Friday (07:00–11:30, 13:30–17:00), the last one on Monday morning.
    assert "hạn tiếp nhận 09/03/2026 08:00" in text[cast.online.code]


def test_due_soon_ends_with_the_next_working_day() -> None:
    calendar = get_calendar()
    assert next_working_day_end(calendar, FRIDAY) == local(2026, 3, 9, 17, 0)
    # 30/04 and 01/05/2026 are days off: from Wednesday the next working day is Monday.
    assert next_working_day_end(calendar, local(2026, 4, 29, 9, 0)) == local(2026, 5, 4, 17, 0)


def test_htmx_gets_only_the_form_and_the_table(client: Client, world: World, cast: Cast) -> None:
    client.force_login(world.reception)
    response = client.get("/can-bo/danh-sach/tat-ca/", {"tim": "văn"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="worklist">')
    assert "<html" not in html and len(codes(html)) == 6
    assert "HX-Request" in response["Vary"]


def _queries(client: Client, slug: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/can-bo/danh-sach/{slug}/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("slug", ["tat-ca", "viec-cua-toi"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    client: Client, world: World, clock: Callable[[dt.datetime], None], slug: str
) -> None:
    clock(FRIDAY)
    client.force_login(world.handler)
    world.receive(MONDAY)
    few = _queries(client, slug)
    for hour in range(8, 13):
        world.receive(local(2026, 3, 3, hour))
    assert len(listed(client, world.handler, slug)) == 6
    assert _queries(client, slug) == few
