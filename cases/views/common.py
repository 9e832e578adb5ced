"""Helpers shared by the survivor and case pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from cases.fields import ChoiceSetField


def add_service_errors(forms_: Iterable[forms.Form], exc: ValidationError) -> None:
    """Put a service's ValidationError on the form that has the field, else on the first form."""
    forms_ = list(forms_)
    if not hasattr(exc, "error_dict"):
        forms_[0].add_error(None, exc)
        return
    for name, messages in exc.message_dict.items():
        target = next((form for form in forms_ if name in form.fields), None)
        if target is None:
            forms_[0].add_error(None, messages)
        else:
            target.add_error(name, messages)


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
