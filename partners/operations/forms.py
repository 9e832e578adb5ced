"""Browser forms for meetings, attendance, trainings, outreach, volunteers and MOU documents."""

from __future__ import annotations

from typing import Any

from django import forms
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
from partners.operations.models import AudienceDiscipline, MOUStatus

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


class MOUTransitionForm(forms.Form):
    mou = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("New status"), choices=MOUStatus.choices)


class MOUDocumentForm(forms.Form):
    document = forms.FileField(label=_("Signed document (PDF)"))

    def clean_document(self) -> Any:
        document = self.cleaned_data["document"]
        if not document.name.lower().endswith(".pdf"):
            raise forms.ValidationError(_("Upload the signed MOU as a PDF."))
        if document.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
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
