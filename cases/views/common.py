"""Helpers shared by the survivor and case pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from cases.fields import ChoiceSetField


def field_values(obj: models.Model, names: Iterable[str]) -> list[tuple[Any, Any]]:
    """(label, shown value) of each field: choice labels, not stored codes."""
    rows = []
    for name in names:
        field = obj._meta.get_field(name)
        if isinstance(field, ChoiceSetField):
            value = ", ".join(field.labels(getattr(obj, name)))
        elif getattr(field, "choices", None):
            value = getattr(obj, f"get_{name}_display")()
        else:
            value = getattr(obj, name)
        rows.append((getattr(field, "verbose_name", name), value))
    return rows
