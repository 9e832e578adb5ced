"""Browser forms for meetings, attendance, trainings, outreach, volunteers, committees and MOUs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partners.models import (
    MOU,
    Agency,
    Committee,
    Meeting,
    OutreachEvent,
    TrainingEvent,
    User,
    Volunteer,
    VolunteerShift,
)
from partners.operations import funding
from partners.operations.models import AudienceDiscipline, MOUStatus

MOU_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def validate_mou_document(document: File) -> None:
    """The signed MOU: a PDF of at most 20 MB. Shared by the browser upload and the API."""
    if not (document.name or "").lower().endswith(".pdf"):
        raise ValidationError(_("Upload the signed MOU as a PDF."), code="not_pdf")
    if document.size is not None and document.size > MOU_DOCUMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")


def _people(*, keep: Q) -> QuerySet[User]:
    """Active members to choose from, and those already chosen (``keep``) even if deactivated since."""
    return User.objects.filter(Q(is_active=True) | keep).select_related("agency").order_by("last_name", "first_name")


def _person_label(user: User) -> str:
    return f"{user.get_full_name() or user.username} ({user.agency.name})"


class CommaListField(forms.CharField):
    """A list of short texts typed on one line, separated by commas (skills, languages)."""

    def __init__(self, *, item_max_length: int, **kwargs: Any) -> None:
        self.item_max_length = item_max_length
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            items = [str(item).strip() for item in value]
        else:
            items = [item.strip() for item in str(super().to_python(value) or "").split(",")]
        unique: list[str] = []
        for item in items:
            if item and item not in unique:
                unique.append(item)
        return unique

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        too_long = [item for item in value if len(item) > self.item_max_length]
        if too_long:
            raise ValidationError(
                _("Each entry may have at most %(max)s characters: %(entry)s")
                % {"max": self.item_max_length, "entry": too_long[0][:40]},
                code="item_too_long",
            )


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = [
            "title",
            "committee",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "agenda",
            "training_topic",
            "training_presenter",
            "training_hours",
        ]
        widgets = {
            "starts_at": _DATETIME,
            "ends_at": _DATETIME,
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(active=True)  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 10}))


class AttendanceForm(forms.Form):
    """Members present, ticked by name, and the guests without an account per agency."""

    people = forms.ModelMultipleChoiceField(
        label=_("Members present"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True).select_related("agency").order_by("agency__name", "last_name")
        )
        self.fields["people"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.agency.name})"  # type: ignore[attr-defined]
        self.agencies = agencies
        for agency in agencies:
            self.fields[f"guests_{agency.slug}"] = forms.IntegerField(
                label=_("Guests without an account from %(agency)s") % {"agency": agency.name},
                min_value=0,
                max_value=999,
                required=False,
            )

    def agency_guests(self) -> dict[Agency, int]:
        return {agency: self.cleaned_data.get(f"guests_{agency.slug}") or 0 for agency in self.agencies}


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingEvent
        fields = ["title", "held_on", "hours", "topic", "presenters", "location", "materials", "funding_award"]
        widgets = {"held_on": _DATE, "materials": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        awards = funding.award_choices()
        if awards is not None:
            current = self.instance.funding_award if self.instance else ""
            known = {number for number, _label in awards}
            # A reference recorded before the awards existed stays selectable, so an edit keeps it.
            extra = [(current, current)] if current and current not in known else []
            self.fields["funding_award"] = forms.ChoiceField(
                label=_("Funding award"),
                choices=[("", _("None")), *awards, *extra],
                required=False,
                help_text=_("The award that paid for this training, if any: it then counts in that award's reports."),
            )
        for value, label in AudienceDiscipline.choices:
            self.fields[f"audience_{value}"] = forms.IntegerField(
                label=_("Attendees: %(discipline)s") % {"discipline": label}, min_value=0, required=False
            )

    def audiences(self) -> dict[str, int]:
        return {value: self.cleaned_data.get(f"audience_{value}") or 0 for value in AudienceDiscipline.values}


class OutreachForm(forms.ModelForm):
    class Meta:
        model = OutreachEvent
        fields = ["kind", "title", "audience", "people_reached", "held_on", "notes"]
        widgets = {"held_on": _DATE, "notes": forms.Textarea(attrs={"rows": 3})}


class VolunteerForm(forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "law_enforcement",
            "orientation_on",
            "confidentiality_signed_on",
            "training_completed_on",
            "ride_along_on",
        ]
        widgets = {
            "orientation_on": _DATE,
            "confidentiality_signed_on": _DATE,
            "training_completed_on": _DATE,
            "ride_along_on": _DATE,
        }


class VolunteerDetailsForm(VolunteerForm):
    """Everything about a volunteer a coordinator keeps: names, contact, skills, languages, onboarding dates."""

    skills = CommaListField(
        label=_("Skills"), item_max_length=100, help_text=_("Separate with commas, e.g. Spanish interpreting, driving.")
    )
    languages = CommaListField(
        label=_("Languages"), item_max_length=20, help_text=_("Separate with commas, e.g. en, es, vi.")
    )

    class Meta(VolunteerForm.Meta):
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "skills",
            "languages",
            "law_enforcement",
            "orientation_on",
            "confidentiality_signed_on",
            "training_completed_on",
            "ride_along_on",
            "active",
        ]

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any) -> None:
        """``agencies``: offer a choice of agency (a new volunteer of whoever coordinates several); else none."""
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["active"]  # a new volunteer is active
        if agencies is not None:
            self.fields = {
                "agency": forms.ModelChoiceField(label=_("Agency"), queryset=agencies, empty_label=None),
                **self.fields,
            }

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the volunteer's own fields, for ``volunteer_create``/``volunteer_update``."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.fields}


class VolunteerShiftForm(forms.ModelForm):
    class Meta:
        model = VolunteerShift
        fields = ["worked_on", "hours", "activity"]
        widgets = {"worked_on": _DATE}


class MOUForm(forms.ModelForm):
    """A new MOU: its parties (at least two agencies), title, purpose and dates."""

    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"), queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = MOU
        fields = ["title", "purpose", "parties", "signed_on", "effective_from", "expires_on", "renewal_notes"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "renewal_notes": forms.Textarea(attrs={"rows": 3}),
            "signed_on": _DATE,
            "effective_from": _DATE,
            "expires_on": _DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = Agency.objects.active().order_by("name")  # type: ignore[attr-defined]


class MOUEditForm(MOUForm):
    """An MOU's details. Renewal is a new expiry date; an expired MOU may be made active again with it."""

    def __init__(self, *args: Any, renewable: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.parties.all() if self.instance.pk else Agency.objects.none()
        self.fields["parties"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.filter(Q(active=True) | Q(pk__in=current.values("pk"))).order_by("name")
        )
        if renewable:
            self.fields["reactivate"] = forms.BooleanField(
                label=_("Renew: make the MOU active again with the new expiry date"), required=False
            )

    def changes(self) -> dict[str, Any]:
        """The cleaned values for ``mou_update`` (parties apart)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name != "parties"}


class CommitteeForm(forms.ModelForm):
    """A committee: name, kind, chair (also a member) and members."""

    class Meta:
        model = Committee
        fields = ["name", "kind", "chair", "members", "active"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committee = self.instance
        keep = Q(pk__in=committee.members.all().values("pk")) if committee.pk else Q(pk__in=[])
        if committee.chair_id is not None:
            keep |= Q(pk=committee.chair_id)
        for name in ("chair", "members"):
            field = self.fields[name]
            field.queryset = _people(keep=keep)  # type: ignore[attr-defined]
            field.label_from_instance = _person_label  # type: ignore[attr-defined]
        if committee.pk is None:
            del self.fields["active"]  # a new committee is active

    def changes(self) -> dict[str, Any]:
        """The cleaned values for ``committee_create``/``committee_update`` (members apart)."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "members"}

    def members(self) -> list[User]:
        """The members ticked, and the chair, who is always a member (as ``committee_create`` has it)."""
        chosen = list(self.cleaned_data.get("members") or [])
        chair = self.cleaned_data.get("chair")
        if chair is not None and chair not in chosen:
            chosen.append(chair)
        return chosen


class MOUTransitionForm(forms.Form):
    mou = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("New status"), choices=MOUStatus.choices)


class MOUDocumentForm(forms.Form):
    document = forms.FileField(label=_("Signed document (PDF)"))

    def clean_document(self) -> Any:
        document = self.cleaned_data["document"]
        validate_mou_document(document)
        return document


class OnboardingForm(forms.Form):
    """One member's checklist; MFA enrolment is read from the account, not entered here."""

    orientation_on = forms.DateField(
        label=_("Orientation"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    confidentiality_signed_on = forms.DateField(
        label=_("Confidentiality agreement signed"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    role_training_on = forms.DateField(
        label=_("Role training completed"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
