"""Browser forms for referrals.

Forms only check the shape of the input; who may refer, what may be shared and
which transitions are legal are decided by ``referrals.services``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.catalog import ServiceType
from partners.models import Agency
from referrals.models import Outcome, Tip, Urgency


class ServiceRecipientForm(forms.Form):
    """Step 1: the services wanted, then an agency that offers them."""

    services = forms.MultipleChoiceField(
        label=_("Services requested"),
        choices=ServiceType.choices,
        help_text=_("Choose one or more; the agencies below are those offering them."),
    )
    to_agency = forms.ModelChoiceField(
        label=_("Receiving agency"),
        queryset=Agency.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose an agency"),
    )

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        by_pk = {agency.pk: agency for agency in agencies}
        field = self.fields["to_agency"]
        field.queryset = Agency.objects.filter(pk__in=[agency.pk for agency in agencies]).order_by("name")  # type: ignore[attr-defined]
        paused = _("not taking new referrals now")
        field.label_from_instance = lambda agency: (  # type: ignore[attr-defined]
            f"{agency.name} ({paused})" if getattr(by_pk.get(agency.pk), "referrals_paused", False) else agency.name
        )


class ShareForm(forms.Form):
    """Step 2: the field groups to share, each labelled with its consent status."""

    share_field_groups = forms.MultipleChoiceField(
        label=_("Also share"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share_field_groups"].choices = choices  # type: ignore[attr-defined]


class NoteUrgencyForm(forms.Form):
    """Step 3: how urgent, and what the recipient should know."""

    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    note = forms.CharField(
        label=_("Note to the recipient"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shared with the receiving agency only. Do not repeat details the survivor did not consent to share."
        ),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    services = forms.MultipleChoiceField(
        label=_("Services delivered"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Outcome note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when closed without service: say why."),
    )

    def __init__(self, *args: Any, requested: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requested = list(requested)
        self.fields["services"].choices = [(value, ServiceType(value).label) for value in requested]  # type: ignore[attr-defined]
        self.fields["services"].initial = requested


class TipForm(forms.Form):
    """Record a hotline or community tip."""

    source = forms.ChoiceField(label=_("Source"), choices=Tip.Source.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class TipCloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for closing"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TipCaseForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=20)


class TipReferralForm(forms.Form):
    referral = forms.IntegerField(label=_("Referral number"), min_value=1)
