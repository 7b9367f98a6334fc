"""Administration of internal workflows, and a read-only view into dossiers.

Workflows (quy trình nội bộ) are edited here. Saving validates the steps against the
procedure's time limit (``workflows.validate_workflow``) and goes through
``workflows.revise_workflow``: a workflow that dossiers follow is never edited under
them — the change becomes the next version, and the administrator is told so.

Dossiers and everything hanging off them are written only by the actions
(``motcua.dossiers.actions``); here they can be looked into, not changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms import BaseFormSet, BaseInlineFormSet, Form, ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog.admin import ReadOnlyMixin
from motcua.dossiers.models import (
    Document,
    Dossier,
    DossierEvent,
    Extension,
    Result,
    SupplementRequest,
    Task,
    Workflow,
    WorkflowStep,
)
from motcua.dossiers.workflows import (
    STEP_FIELDS,
    Revision,
    lock_procedure,
    next_version,
    revise_workflow,
    validate_workflow,
)

# --- workflows -------------------------------------------------------------------------


class StepFormSet(BaseInlineFormSet):
    """The steps, checked together against the procedure's time limit: the times add up
    to the limit, one approval step, the return step last, a named agency where the
    step needs one (``workflows.validate_steps``)."""

    def steps(self) -> list[WorkflowStep]:
        """The steps as the administrator left them (unsaved; deleted ones left out)."""
        return [
            WorkflowStep(**{name: form.cleaned_data[name] for name in STEP_FIELDS})
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        workflow = cast(Workflow, self.instance)
        if any(self.errors) or workflow.procedure_id is None:
            return  # the fields' own errors are shown first
        try:
            validate_workflow(workflow, self.steps())
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class StepInline(admin.TabularInline):
    model = WorkflowStep
    formset = StepFormSet
    extra = 0
    fields = list(STEP_FIELDS)
    autocomplete_fields = ["agency"]


class WorkflowForm(ModelForm):
    # Set when the change has been saved: what ``revise_workflow`` did with it.
    revision: Revision | None = None

    class Meta:
        model = Workflow
        fields = [
            "procedure",
            "agency",
            "kind",
            "lead_agency",
            "supplement_policy",
            "is_active",
            "note",
        ]


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    form = WorkflowForm
    list_display = [
        "procedure",
        "agency",
        "version",
        "kind",
        "supplement_policy",
        "is_active",
        "is_default",
        "dossier_count",
    ]
    list_filter = ["is_active", "is_default", "kind", "supplement_policy"]
    search_fields = ["procedure__code", "procedure__name", "agency__name"]
    list_select_related = ["procedure", "agency"]
    autocomplete_fields = ["procedure", "agency", "lead_agency"]
    fields = [
        "procedure",
        "agency",
        "version",
        "kind",
        "lead_agency",
        "supplement_policy",
        "is_active",
        "is_default",
        "note",
        "created_at",
    ]
    readonly_fields = ["version", "is_default", "created_at"]
    inlines = [StepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Workflow]:
        return super().get_queryset(request).annotate(dossier_count=Count("dossiers"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A workflow belongs to its procedure for good; another procedure's workflow is
        # a new workflow.
        return [*self.readonly_fields, "procedure"] if obj else list(self.readonly_fields)

    @admin.display(description=_("số hồ sơ áp dụng"), ordering="dossier_count")
    def dossier_count(self, obj: Workflow) -> int:
        return int(getattr(obj, "dossier_count", 0))

    def save_model(
        self, request: HttpRequest, obj: Workflow, form: ModelForm[Any], change: bool
    ) -> None:
        if change:
            return  # saved with its steps by ``save_related``, through revise_workflow
        lock_procedure(obj.procedure)
        obj.version = next_version(obj.procedure)
        super().save_model(request, obj, form, change)

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        if not change:
            super().save_related(request, form, formsets, change)
            return
        steps = next(f for f in formsets if isinstance(f, StepFormSet)).steps()
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        original = Workflow.objects.get(pk=form.instance.pk)
        revision = revise_workflow(original, changes=changes, steps=steps)
        cast(WorkflowForm, form).revision = revision
        if revision.previous is not None:
            url = reverse("admin:dossiers_workflow_change", args=[revision.workflow.pk])
            self.message_user(
                request,
                format_html(
                    gettext(
                        "Quy trình phiên bản {old} đang được {count} hồ sơ áp dụng nên không "
                        "sửa trực tiếp: thay đổi được lưu thành <a href='{url}'>phiên bản "
                        "{new}</a>, áp dụng cho hồ sơ tiếp nhận từ nay. Phiên bản {old} được "
                        "giữ nguyên cho các hồ sơ đang theo và thôi áp dụng cho hồ sơ mới."
                    ),
                    old=revision.previous.version,
                    new=revision.workflow.version,
                    count=revision.previous.dossiers.count(),
                    url=url,
                ),
                messages.WARNING,
            )

    def construct_change_message(
        self,
        request: HttpRequest,
        form: Form,
        formsets: Iterable[BaseFormSet[Any]],
        add: bool = False,
    ) -> list[dict[str, dict[str, list[str]]]]:
        revision = cast(WorkflowForm, form).revision
        if revision is None:  # added: Django's own message
            return super().construct_change_message(request, form, formsets, add)
        if revision.previous is not None:
            # Logged on the old version, which stays as it was.
            note = gettext("lưu thành phiên bản %(new)s") % {"new": revision.workflow.version}
            return [{"changed": {"fields": [note]}}]
        labels = [str(form.fields[name].label) for name in form.changed_data]
        if any(formset.has_changed() for formset in formsets):
            labels.append(str(WorkflowStep._meta.verbose_name_plural))
        return [{"changed": {"fields": labels}}]


# --- dossiers (read-only) ---------------------------------------------------------------


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = False


class TaskInline(ReadOnlyInline):
    model = Task
    fields = readonly_fields = (
        "step",
        "agency",
        "role",
        "assignee",
        "allotted_hours",
        "started_at",
        "due_at",
        "finished_at",
        "outcome",
        "timeliness",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        return super().get_queryset(request).select_related("step", "agency", "assignee")


class EventInline(ReadOnlyInline):
    """The processing history (lịch sử xử lý): append-only, shown as written."""

    model = DossierEvent
    ordering = ["seq"]
    fields = readonly_fields = (
        "seq",
        "at",
        "actor_name",
        "actor_title",
        "actor_agency",
        "action",
        "from_status",
        "to_status",
        "national_code",
        "reason",
        "step_name",
        "step_due_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[DossierEvent]:
        return super().get_queryset(request).select_related("actor_agency")


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = readonly_fields = (
        "name",
        "component",
        "origin",
        "file",
        "content_type",
        "size",
        "uploaded_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).select_related("component")


class ResultInline(ReadOnlyInline):
    model = Result
    fields = readonly_fields = (
        "kind",
        "result_type_code",
        "e_result_code",
        "summary",
        "approved_at",
        "approved_by",
        "is_current",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Result]:
        return super().get_queryset(request).select_related("approved_by")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "applicant_name",
        "procedure_version",
        "status",
        "competent_agency",
        "received_at",
        "due_at",
        "timeliness",
    ]
    list_filter = ["status", "channel", "timeliness"]
    search_fields = ["code", "applicant_name", "applicant_identifier"]
    list_select_related = ["procedure_version__procedure", "competent_agency"]
    date_hierarchy = "received_at"
    inlines = [TaskInline, EventInline, DocumentInline, ResultInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Dossier._meta.concrete_fields]


@admin.register(SupplementRequest)
class SupplementRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "dossier",
        "requested_at",
        "requested_by",
        "late_warning",
        "completed_at",
        "closed_at",
        "close_after",
    ]
    list_filter = ["late_warning", "policy"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "requested_by"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "recorded_at", "recorded_by", "previous_due", "new_due"]
    list_filter = ["late_warning"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "recorded_by"]
