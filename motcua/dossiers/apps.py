from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        from motcua.catalog.models import Component, ComponentCase, LimitConfirmation
        from motcua.dossiers import refcache
        from motcua.dossiers.models import Workflow, WorkflowStep
        from motcua.org.models import AgencyIdentifier
        from motcua.workdays.models import CalendarOverride, ConfirmedYear

        # What receptions keep in memory (refcache): any change raises the stamp.
        refcache.connect(
            Workflow,
            WorkflowStep,
            AgencyIdentifier,
            CalendarOverride,
            ConfirmedYear,
            Component,
            ComponentCase,
            LimitConfirmation,
        )
