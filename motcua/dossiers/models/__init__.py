"""Dossier models; import them from here."""

from motcua.dossiers.models.dossiers import (
    ApplicantKind,
    Delivery,
    Document,
    DocumentOrigin,
    Dossier,
    Extension,
    IntakeChannel,
    Payment,
    Result,
    ResultKind,
    SupplementRequest,
    Task,
    TaskOutcome,
    Timeliness,
)
from motcua.dossiers.models.events import (
    DossierCodeCounter,
    DossierEvent,
    ImmutableEventError,
    ReferenceStamp,
)
from motcua.dossiers.models.workflows import (
    StepAgency,
    SupplementPolicy,
    Workflow,
    WorkflowKind,
    WorkflowStep,
)

__all__ = [
    "ApplicantKind",
    "Delivery",
    "Document",
    "DocumentOrigin",
    "Dossier",
    "DossierCodeCounter",
    "DossierEvent",
    "Extension",
    "ImmutableEventError",
    "IntakeChannel",
    "Payment",
    "ReferenceStamp",
    "Result",
    "ResultKind",
    "StepAgency",
    "SupplementPolicy",
    "SupplementRequest",
    "Task",
    "TaskOutcome",
    "Timeliness",
    "Workflow",
    "WorkflowKind",
    "WorkflowStep",
]
