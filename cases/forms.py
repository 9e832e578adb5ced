"""Browser forms for survivors, consents, services, notes and cases.

Forms only check the shape of the input; every rule about who may write what
lives in ``cases.services``, which the views call with the cleaned data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.catalog import ServiceType
from cases.field_groups import CONSENTABLE_GROUPS, VICTIM_DERIVED_FIELDS, VICTIM_FIELDS, VictimGroup
from cases.models import (
    AgeGroup,
    CaseOrigin,
    CaseStatus,
    Charge,
    Disposition,
    FamilyMember,
    Gender,
    Suspect,
    TraffickingType,
    Victim,
)
from cases.services import CONSENT_DEFAULT_DAYS
from partners.models import Agency


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The browser's date picker sends and expects ISO dates whatever the language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(label: Any, *, required: bool = True, initial: Any = None) -> forms.DateField:
    return forms.DateField(label=label, required=required, initial=initial, widget=DateInput())


# Fields of a group that the person edits; ``age_group`` is derived by the services.
EDITABLE_VICTIM_FIELDS: dict[str, tuple[str, ...]] = {
    group: tuple(name for name in fields if name not in VICTIM_DERIVED_FIELDS)
    for group, fields in VICTIM_FIELDS.items()
    if fields
}


class VictimGroupForm(forms.Form):
    """The columns of one survivor field group, built from the model's own fields."""

    group: str = ""

    def __init__(self, *args: Any, group: str, intake: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        for name, field in forms.fields_for_model(Victim, fields=EDITABLE_VICTIM_FIELDS[group]).items():
            field.show_hidden_initial = False
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
            if intake and name not in {"pseudonym", "trafficking_type"}:
                # Trauma-informed intake: only the pseudonym and the trafficking type are asked for.
                field.required = False
            self.fields[name] = field
        if "pseudonym" in self.fields:
            self.fields["pseudonym"].help_text = _("A name chosen for the record, never the survivor's real name.")
        if intake and group == VictimGroup.PROFILE:
            self.fields["intake_date"].initial = timezone.localdate
            self.fields["trafficking_type"].initial = TraffickingType.UNKNOWN

    def provided(self) -> dict[str, Any]:
        """The answers actually given: blanks stay out, so the model's defaults apply."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ConsentForm(forms.Form):
    recipient_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=_("Agency that may see it"), to_field_name="slug"
    )
    field_groups = forms.MultipleChoiceField(
        label=_("What the survivor agrees to share"),
        choices=[(value, label) for value, label in VictimGroup.choices if value in CONSENTABLE_GROUPS],
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    obtained_on = _date_field(_("Obtained on"), initial=timezone.localdate)
    expires_on = _date_field(
        _("Expires on"), initial=lambda: timezone.localdate() + timedelta(days=CONSENT_DEFAULT_DAYS)
    )
    written_form_reference = forms.CharField(label=_("Reference of the signed form"), max_length=100, required=False)

    def __init__(self, *args: Any, victim: Victim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_agency"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.active().exclude(pk=victim.owner_agency_id).order_by("name")
        )


class ServiceEventForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    delivered_on = _date_field(_("Date"), initial=timezone.localdate)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=8, decimal_places=2, initial=1)
    family_member_id = forms.TypedChoiceField(
        label=_("Received by"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave as the survivor, or choose a family member served with them."),
    )

    def __init__(self, *args: Any, family_members: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("The survivor"))] + [(member.pk, member.pseudonym) for member in family_members]
        cast(forms.TypedChoiceField, self.fields["family_member_id"]).choices = choices


class FamilyMemberForm(forms.Form):
    pseudonym = forms.CharField(label=_("Pseudonym"), max_length=100)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=FamilyMember.Relationship.choices)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices, initial=AgeGroup.UNKNOWN)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.NOT_ASKED)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    privileged = forms.BooleanField(
        label=_("Privileged (advocate-survivor communication)"), required=False, initial=True
    )


class CaseLinkForm(forms.Form):
    case_number = forms.CharField(
        label=_("Case number"), max_length=20, help_text=_("The number the investigator gave you, e.g. TF-2026-0001.")
    )


class CaseForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("case", "Title"), max_length=200)
    trafficking_type = forms.ChoiceField(
        label=_("Trafficking type"), choices=TraffickingType.choices, initial=TraffickingType.UNKNOWN
    )
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices, initial=CaseStatus.OPEN)
    origin = forms.ChoiceField(label=_("Origin"), choices=CaseOrigin.choices, initial=CaseOrigin.OTHER)
    opened_on = _date_field(_("Opened on"), initial=timezone.localdate)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number or title"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *CaseStatus.choices])
    trafficking_type = forms.ChoiceField(
        label=_("Trafficking type"), required=False, choices=[("", _("Any type")), *TraffickingType.choices]
    )


class ParticipantForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"), to_field_name="slug")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class CaseVictimForm(forms.Form):
    victim = forms.ChoiceField(label=_("Survivor"))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["victim"].choices = choices  # type: ignore[attr-defined]


class SuspectForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Several forms share a page: distinct element ids keep every label tied to its own input.
        kwargs.setdefault("auto_id", "suspect-%s")
        super().__init__(*args, **kwargs)

    role = forms.ChoiceField(label=_("Role"), choices=Suspect.Role.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    aliases = forms.CharField(label=_("Aliases"), max_length=300, required=False)
    date_of_birth = _date_field(_("Date of birth"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class _SuspectChoiceForm(forms.Form):
    suspect = forms.ModelChoiceField(queryset=Suspect.objects.none(), label=_("Suspect"))

    prefix_id = "suspect-choice"

    def __init__(self, *args: Any, suspects: QuerySet[Suspect], show_names: bool, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.prefix_id}-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["suspect"]
        field.queryset = suspects  # type: ignore[attr-defined]
        # Suspect names belong to the investigation group: without it, only a number.
        field.label_from_instance = (  # type: ignore[attr-defined]
            (lambda s: s.name) if show_names else (lambda s: _("Suspect %(number)s") % {"number": s.pk})
        )


class ArrestForm(_SuspectChoiceForm):
    prefix_id = "arrest"
    arrested_on = _date_field(_("Arrested on"), initial=timezone.localdate)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ChargeForm(_SuspectChoiceForm):
    prefix_id = "charge"
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), choices=Charge.Jurisdiction.choices)
    statute = forms.CharField(label=_("Statute"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    is_trafficking_statute = forms.BooleanField(label=_("Human-trafficking statute"), required=False)
    nibrs_code = forms.CharField(label=_("NIBRS code"), max_length=8, required=False)
    filed_on = _date_field(_("Filed on"), initial=timezone.localdate)


class DispositionForm(forms.Form):
    charge = forms.ModelChoiceField(queryset=Charge.objects.none(), label=_("Charge"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Disposition.Outcome.choices)
    disposed_on = _date_field(_("Disposed on"), initial=timezone.localdate)
    sentence = forms.CharField(label=_("Sentence"), max_length=300, required=False)

    def __init__(self, *args: Any, charges: QuerySet[Charge], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "disposition-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["charge"]
        field.queryset = charges  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: f"{c.statute} ({c.filed_on:%Y-%m-%d})"  # type: ignore[attr-defined]
