"""Display helpers for catalogue pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """An amount of đồng with Vietnamese digit grouping: 200000 → "200.000"."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".")
