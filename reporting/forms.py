"""Browser forms of partner submissions, awards, time entries and expenditures.

Forms check the shape of what was typed; the rules (who, which dates, which
totals) live in ``reporting.submissions`` and ``reporting.grants``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from partners.models import Agency
from reporting.models import (
    Activity,
    Award,
    BudgetCategory,
    Cadence,
    Funder,
    FundSource,
    ReportKind,
    SpendState,
    SubmissionItem,
)
from reporting.submissions import FIGURE_MAX, month_parse

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (``<input type="month">``), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        return value

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return month_parse(str(text))
        except ValueError as exc:
            raise ValidationError(_("Enter the month as YYYY-MM, for example 2026-03."), code="invalid") from exc


def _agency_field(agencies: QuerySet[Agency]) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Agency"), queryset=agencies, empty_label=None)


# --- Submissions -----------------------------------------------------------------------
class SubmissionForm(forms.Form):
    """The agency (a choice for task force administrators), the month and one number per item."""

    month = MonthField(label=_("Month"), help_text=_("The month the figures cover, as YYYY-MM."))

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency_fixed: Agency | None = None
        if agencies.count() == 1:
            self.agency_fixed = agencies.first()
        else:
            self.fields = {"agency": _agency_field(agencies), **self.fields}
        for item, label in SubmissionItem.choices:
            self.fields[f"item_{item}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=FIGURE_MAX,
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "step": 1}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.agency_fixed is not None:
            cleaned["agency"] = self.agency_fixed
        figures = {
            item: cleaned[f"item_{item}"] for item in SubmissionItem.values if cleaned.get(f"item_{item}") is not None
        }
        if not figures and not self.errors:
            raise ValidationError(_("Enter at least one figure."), code="empty")
        cleaned["figures"] = figures
        return cleaned


class SubmissionUploadForm(forms.Form):
    upload = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (.xlsx) with the columns month, item and value; the month as YYYY-MM."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency_fixed: Agency | None = None
        if agencies.count() == 1:
            self.agency_fixed = agencies.first()
        else:
            self.fields = {"agency": _agency_field(agencies), **self.fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.agency_fixed is not None:
            cleaned["agency"] = self.agency_fixed
        return cleaned


# --- Awards ----------------------------------------------------------------------------
class AwardForm(forms.Form):
    funder = forms.ChoiceField(label=_("Funder"), choices=Funder.choices)
    program = forms.CharField(label=_("Program"), max_length=200)
    award_number = forms.CharField(label=_("Award number"), max_length=60)
    recipient = forms.ModelChoiceField(label=_("Recipient agency"), queryset=Agency.objects.none())
    starts_on = forms.DateField(label=_("Period starts on"), widget=_DATE)
    ends_on = forms.DateField(label=_("Period ends on"), widget=_DATE)
    match_required = forms.DecimalField(
        label=_("Match required"), max_digits=12, decimal_places=2, min_value=0, initial=Decimal(0)
    )
    fiscal_year_start_month = forms.IntegerField(
        label=_("Fiscal year starts in month"),
        initial=10,
        min_value=1,
        max_value=12,
        help_text=_("1 for January … 12 for December."),
    )
    cadence = forms.ChoiceField(label=_("Reporting cadence"), choices=Cadence.choices, initial=Cadence.QUARTERLY)
    reports = forms.MultipleChoiceField(
        label=_("Reports this award files"),
        choices=ReportKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Agency.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]
        for category, label in BudgetCategory.choices:
            self.fields[f"budget_{category}"] = forms.DecimalField(
                label=_("Budget: %(category)s") % {"category": label},
                max_digits=12,
                decimal_places=2,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        return cleaned

    @classmethod
    def initial_for(cls, award: Award) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(award, name)
            for name in (
                "funder",
                "program",
                "award_number",
                "recipient",
                "starts_on",
                "ends_on",
                "match_required",
                "fiscal_year_start_month",
                "cadence",
                "reports",
                "active",
            )
        }
        initial.update({f"budget_{category}": amount for category, amount in (award.budget or {}).items()})
        return initial

    def award_fields(self) -> dict[str, Any]:
        """The cleaned values as the services take them: ``budget`` gathered from one input per category."""
        data = dict(self.cleaned_data)
        budget = {
            category: data.pop(f"budget_{category}")
            for category in BudgetCategory.values
            if data.get(f"budget_{category}") is not None
        }
        for category in BudgetCategory.values:
            data.pop(f"budget_{category}", None)
        data["budget"] = budget
        return data


# --- Time and effort ---------------------------------------------------------------------
class TimeEntryForm(forms.Form):
    worked_on = forms.DateField(label=_("Date"), widget=_DATE)
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        help_text=_("From 0.25 to 24."),
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24"}),
    )
    award = forms.ModelChoiceField(label=_("Award"), queryset=Award.objects.none())
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, awards: QuerySet[Award], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = awards  # type: ignore[attr-defined]


# --- Expenditures ------------------------------------------------------------------------
class ExpenditureForm(forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=_DATE)
    category = forms.ChoiceField(label=_("Budget category"), choices=BudgetCategory.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2)
    source = forms.ChoiceField(label=_("Federal or match"), choices=FundSource.choices)
    state = forms.ChoiceField(label=_("Paid or obligated"), choices=SpendState.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
