"""Domain errors: each carries a message an official or a citizen can read."""

from __future__ import annotations


class DossierError(Exception):
    """Base class; ``str(error)`` is the user-facing message (Vietnamese)."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


class TransitionError(DossierError):
    """The action is not allowed in the dossier's current status."""


class PermissionDenied(DossierError):
    """The actor has no role for this action in the agencies concerned."""


class ConflictError(DossierError):
    """Someone else changed the dossier since the actor loaded it."""


class InvalidInput(DossierError):
    """The action's input is malformed or incomplete."""
