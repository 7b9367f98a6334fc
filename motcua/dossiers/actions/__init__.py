"""Every change to a dossier goes through one of these functions (style.md habit 2).

The back office, the portal, the API, the pollers and the simulator all call them;
none re-implements a transition. Each is atomic, takes ``actor=`` keyword-only,
checks the actor's role and agency, checks the transition, writes one event, and
raises a ``DossierError`` with a readable message (writing nothing) when it cannot.
"""

from motcua.dossiers.actions.handling import assign, forward, hand_over, send_back
from motcua.dossiers.actions.intake import (
    Applicant,
    DocumentInput,
    Submission,
    accept_submission,
    hand_back_at_counter,
    receive_at_counter,
    refuse_at_intake,
    request_completion,
    submit_dossier,
)
from motcua.dossiers.actions.results import approve_result, correct_result, refuse, return_result
from motcua.dossiers.actions.supplements import (
    close_unanswered,
    extend_deadline,
    record_payment,
    record_supplement,
    request_payment,
    request_supplement,
    stop,
    withdraw,
)

__all__ = [
    "Applicant",
    "DocumentInput",
    "Submission",
    "accept_submission",
    "approve_result",
    "assign",
    "close_unanswered",
    "correct_result",
    "extend_deadline",
    "forward",
    "hand_over",
    "hand_back_at_counter",
    "receive_at_counter",
    "record_payment",
    "record_supplement",
    "refuse",
    "refuse_at_intake",
    "request_completion",
    "request_payment",
    "request_supplement",
    "return_result",
    "send_back",
    "stop",
    "submit_dossier",
    "withdraw",
]
