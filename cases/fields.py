"""A multi-select of fixed choices stored as one delimited text column.

Reports count "victims with stalking among their victimizations" with a plain
``LIKE '%|stalking|%'`` that SQLite and PostgreSQL both run, instead of JSON
containment (which SQLite lacks) or a join per category.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

SEPARATOR = "|"


def choice_set_lookup(code: str) -> str:
    """The ``__contains`` operand that finds rows holding ``code``."""
    return f"{SEPARATOR}{code}{SEPARATOR}"


class ChoiceSetField(models.CharField):
    """A set of codes from ``choice_set``, kept sorted, stored as ``|a|b|`` (empty: ``""``)."""

    description = _("A set of choices")

    def __init__(self, *args: Any, choice_set: Sequence[tuple[str, Any]] = (), **kwargs: Any) -> None:
        self.choice_set = list(choice_set)
        kwargs.setdefault("max_length", 600)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["choice_set"] = self.choice_set
        return name, path, args, kwargs

    def _codes(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [code for code in value.split(SEPARATOR) if code]
        return sorted({str(code) for code in value})

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[str]:
        return self._codes(value)

    def to_python(self, value: Any) -> list[str]:
        return self._codes(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple | set | frozenset):
            codes = self._codes(value)
            return f"{SEPARATOR}{SEPARATOR.join(codes)}{SEPARATOR}" if codes else ""
        # A lookup operand (``contains``) arrives as a plain string and is left alone
        # (CharField's own get_prep_value would turn it into a list through to_python).
        return None if value is None else str(value)

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        allowed = {code for code, _label in self.choice_set}
        unknown = [code for code in self._codes(value) if code not in allowed]
        if unknown:
            raise ValidationError(_("Unknown choice: %(codes)s."), params={"codes": ", ".join(unknown)})

    def run_validators(self, value: Any) -> None:
        # The stored text, not the list, is what max_length limits.
        super().run_validators(self.get_prep_value(value))

    def value_to_string(self, obj: models.Model) -> str:
        return str(self.get_prep_value(self.value_from_object(obj)))

    def labels(self, codes: Iterable[str]) -> list[str]:
        names = dict(self.choice_set)
        return [str(names.get(code, code)) for code in codes]

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return forms.TypedMultipleChoiceField(
            choices=self.choice_set,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )
