"""How referrals, notifications and the directory are represented in the API."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from cases.catalog import ServiceType
from cases.field_groups import CONSENTABLE_GROUPS
from cases.representation import VictimSerializer
from partners.models import Agency, User
from referrals import services as referral_services
from referrals.models import Notification, Outcome, Referral, ReferralStatus, Tip, Urgency


def _refuse_unknown(data: Any, allowed: tuple[str, ...]) -> None:
    # DRF silently drops unknown keys; a client must learn that nothing of them was applied.
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": ["Expected an object."]})
    refused = sorted(set(data) - set(allowed))
    if refused:
        raise serializers.ValidationError({name: ["Unknown or read-only field."] for name in refused})


TIMES = (
    "created_at",
    "sent_at",
    "acknowledged_at",
    "accepted_at",
    "completed_at",
    "declined_at",
    "withdrawn_at",
    "expired_at",
    "acknowledge_due_at",
    "decide_due_at",
    "escalated_at",
)
ACTORS = ("sent_by", "acknowledged_by", "accepted_by", "completed_by", "declined_by", "withdrawn_by")
# Free text that may speak of the survivor: for the two agencies of the referral only,
# never for the task force's central contact, who sees states and timing.
PARTY_TEXT = ("note", "decline_reason", "outcome_note")


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as the caller may see it. ``victim`` is the survivor exactly as
    ``/api/v1/victims/{id}/`` shows them to the caller (field groups cut by the
    access policy). ``note``, ``decline_reason`` and ``outcome_note`` only for
    members of the two agencies. ``actions``: what the caller may do now.

    Needs ``context["access"]`` (victim id -> RecordAccess) and ``context["user"]``.
    """

    from_agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    from_user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    victim = VictimSerializer(read_only=True)
    services = serializers.ListField(child=serializers.ChoiceField(choices=ServiceType.choices), read_only=True)
    shared_field_groups = serializers.ListField(child=serializers.CharField(), read_only=True)
    overdue = serializers.BooleanField(read_only=True, help_text="The current deadline has passed.")
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=referral_services.ACTIONS),
        read_only=True,
        help_text="What you may do now.",
    )
    note = serializers.CharField(required=False)
    decline_reason = serializers.CharField(required=False)
    outcome_note = serializers.CharField(required=False)

    class Meta:
        model = Referral
        fields = [
            "id",
            "status",
            "from_agency",
            "from_user",
            "to_agency",
            "victim",
            "services",
            "urgency",
            "shared_field_groups",
            *PARTY_TEXT,
            "outcome",
            *TIMES,
            *ACTORS,
            "overdue",
            "actions",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"read_only": True} for name in ACTORS}

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        user: User = self.context["user"]
        data: dict[str, Any] = {
            "id": instance.pk,
            "status": instance.status,
            "from_agency": instance.from_agency.slug,
            "from_user": instance.from_user.username,
            "to_agency": instance.to_agency.slug,
            "victim": VictimSerializer(instance.victim, context=self.context).data,
            "services": list(instance.services),
            "urgency": instance.urgency,
            "shared_field_groups": list(instance.shared_field_groups),
            "outcome": instance.outcome,
        }
        if user.agency_id in (instance.from_agency_id, instance.to_agency_id):
            for name in PARTY_TEXT:
                data[name] = getattr(instance, name)
        for name in TIMES:
            value = getattr(instance, name)
            data[name] = None if value is None else serializers.DateTimeField().to_representation(value)
        for name in ACTORS:
            # Ids of the people who acted: no extra query per row.
            data[name] = getattr(instance, f"{name}_id")
        due = instance.acknowledge_due_at if instance.status == ReferralStatus.SENT else None
        if instance.status == ReferralStatus.ACKNOWLEDGED:
            due = instance.decide_due_at
        data["overdue"] = bool(due and due <= timezone.now())
        data["actions"] = referral_services.actions_for(user, instance)
        return data


class ReferralCreateSerializer(serializers.Serializer):
    victim = serializers.IntegerField(help_text="Id of a survivor you can see.")
    to_agency = serializers.SlugField(help_text="Slug of the receiving agency.")
    services = serializers.ListField(child=serializers.ChoiceField(choices=ServiceType.choices), allow_empty=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    share_field_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSENTABLE_GROUPS),
        required=False,
        help_text="Only groups an active consent naming the recipient covers; the profile is always shared.",
    )
    note = serializers.CharField(required=False, allow_blank=True)

    def to_internal_value(self, data: Any) -> Any:
        _refuse_unknown(data, tuple(self.fields))
        return super().to_internal_value(data)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField()

    def to_internal_value(self, data: Any) -> Any:
        _refuse_unknown(data, ("reason",))
        return super().to_internal_value(data)


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, help_text="Required when closed without service.")
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceType.choices),
        required=False,
        help_text="The requested services delivered (default: all of them).",
    )

    def to_internal_value(self, data: Any) -> Any:
        _refuse_unknown(data, tuple(self.fields))
        return super().to_internal_value(data)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "referral", "kind", "message", "created_at", "read_at"]
        read_only_fields = fields


class DirectoryAgencySerializer(serializers.ModelSerializer):
    services_offered = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    accepting_referrals = serializers.SerializerMethodField()

    class Meta:
        model = Agency
        fields = ["slug", "name", "kind", "services_offered", "languages", "eligibility_notes", "accepting_referrals"]
        read_only_fields = fields

    def get_accepting_referrals(self, agency: Agency) -> bool:
        return not getattr(agency, "referrals_paused", False)


class TipSerializer(serializers.ModelSerializer):
    """A tip as the central contact sees it: the linked case and referral by id and number only."""

    case_number = serializers.SerializerMethodField()

    class Meta:
        model = Tip
        fields = (
            "id",
            "source",
            "received_at",
            "summary",
            "urgency",
            "status",
            "close_reason",
            "case",
            "case_number",
            "referral",
            "triaged_at",
        )
        read_only_fields = fields

    def get_case_number(self, tip: Tip) -> str | None:
        return tip.case.case_number if tip.case_id and tip.case else None


class TipCreateSerializer(serializers.Serializer):
    # The metaclass turns declared fields into `fields`; the stubs see Field.source.
    source = serializers.ChoiceField(choices=Tip.Source.choices)  # type: ignore[assignment]
    received_at = serializers.DateTimeField(required=False)
    summary = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)

    def to_internal_value(self, data: Any) -> Any:
        _refuse_unknown(data, ("source", "received_at", "summary", "urgency"))
        return super().to_internal_value(data)


class TipCloseSerializer(serializers.Serializer):
    reason = serializers.CharField()

    def to_internal_value(self, data: Any) -> Any:
        _refuse_unknown(data, ("reason",))
        return super().to_internal_value(data)


class TipTriageCaseSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)

    def to_internal_value(self, data: Any) -> Any:
        _refuse_unknown(data, ("case",))
        return super().to_internal_value(data)


class TipTriageReferralSerializer(serializers.Serializer):
    referral = serializers.IntegerField(min_value=1)

    def to_internal_value(self, data: Any) -> Any:
        _refuse_unknown(data, ("referral",))
        return super().to_internal_value(data)
