"""API representations of MOUs, meetings, trainings, outreach and volunteers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from partners.models import (
    MOU,
    Agency,
    Committee,
    Meeting,
    OutreachEvent,
    TrainingEvent,
    User,
    Volunteer,
)
from partners.operations import access
from partners.operations.forms import validate_mou_document
from partners.operations.models import AudienceDiscipline, MOUStatus


def _caller(serializer: serializers.Serializer[Any]) -> User:
    return serializer.context["request"].user


class _AgencySlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=Agency.objects.active(), **kwargs)


class MOUSerializer(serializers.ModelSerializer):
    parties = _AgencySlugField(many=True)
    status = serializers.ChoiceField(choices=MOUStatus.choices, required=False)
    has_document = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = MOU
        fields = [
            "id",
            "title",
            "purpose",
            "parties",
            "signed_on",
            "effective_from",
            "expires_on",
            "status",
            "renewal_notes",
            "has_document",
            "document_url",
        ]
        read_only_fields = ["id", "has_document", "document_url"]

    def get_has_document(self, mou: MOU) -> bool:
        return bool(mou.document)

    def get_document_url(self, mou: MOU) -> str | None:
        """Only for members of the parties and the task force administrators."""
        if not mou.document or not access.can_read_mou_document(_caller(self), mou):
            return None
        return reverse("mou_document", args=[mou.pk])


class MOUDocumentSerializer(serializers.Serializer):
    """The signed MOU, uploaded as multipart form data: a PDF of at most 20 MB (as in the browser)."""

    document = serializers.FileField(
        validators=[validate_mou_document], help_text="The signed MOU as a PDF, at most 20 MB."
    )


class MeetingSerializer(serializers.ModelSerializer):
    host_agency = _AgencySlugField(required=False)
    committee = serializers.PrimaryKeyRelatedField(
        queryset=Committee.objects.filter(active=True), required=False, allow_null=True
    )
    people_count = serializers.IntegerField(read_only=True)
    guest_count = serializers.IntegerField(read_only=True)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "committee",
            "host_agency",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "agenda",
            "minutes",
            "training_topic",
            "training_presenter",
            "training_hours",
            "people_count",
            "guest_count",
            "can_edit",
        ]
        read_only_fields = ["id", "people_count", "guest_count", "can_edit"]

    def get_can_edit(self, meeting: Meeting) -> bool:
        return access.can_edit_events_of(_caller(self), meeting.host_agency)


class AttendanceSerializer(serializers.Serializer):
    people = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, help_text="Members present, by account id."
    )
    agency_guests = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="Guests without an account, per agency slug.",
    )

    def validate_agency_guests(self, value: dict[str, int]) -> dict[Agency, int]:
        agencies = {agency.slug: agency for agency in Agency.objects.filter(slug__in=list(value))}
        unknown = sorted(set(value) - set(agencies))
        if unknown:
            raise serializers.ValidationError(f"Unknown agencies: {', '.join(unknown)}")
        return {agencies[slug]: count for slug, count in value.items()}


class AttendanceReadSerializer(serializers.Serializer):
    people = serializers.ListField(child=serializers.IntegerField())
    agency_guests = serializers.DictField(child=serializers.IntegerField())
    members = serializers.IntegerField()
    guests = serializers.IntegerField()
    agencies = serializers.IntegerField()
    total = serializers.IntegerField()


class _AudiencesField(serializers.DictField):
    """Attendees per discipline, read from the prefetched audience rows."""

    def get_attribute(self, instance: TrainingEvent) -> dict[str, int]:
        return {row.discipline: row.attendees for row in instance.audiences.all()}


class TrainingSerializer(serializers.ModelSerializer):
    delivered_by = _AgencySlugField(required=False)
    audiences = _AudiencesField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text=f"Attendees per audience discipline: {', '.join(AudienceDiscipline.values)}.",
    )
    attendees = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = TrainingEvent
        fields = [
            "id",
            "title",
            "held_on",
            "hours",
            "topic",
            "delivered_by",
            "presenters",
            "location",
            "materials",
            "funding_award",
            "audiences",
            "attendees",
            "can_edit",
        ]
        read_only_fields = ["id", "attendees", "can_edit"]

    def get_attendees(self, training: TrainingEvent) -> int:
        return sum(row.attendees for row in training.audiences.all())

    def get_can_edit(self, training: TrainingEvent) -> bool:
        return access.can_edit_events_of(_caller(self), training.delivered_by)

    def validate_audiences(self, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(AudienceDiscipline.values))
        if unknown:
            raise serializers.ValidationError(f"Unknown disciplines: {', '.join(unknown)}")
        return value


class OutreachSerializer(serializers.ModelSerializer):
    delivered_by = _AgencySlugField(required=False)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = OutreachEvent
        fields = ["id", "kind", "title", "audience", "people_reached", "held_on", "delivered_by", "notes", "can_edit"]
        read_only_fields = ["id", "can_edit"]

    def get_can_edit(self, outreach: OutreachEvent) -> bool:
        return access.can_edit_events_of(_caller(self), outreach.delivered_by)


class VolunteerSerializer(serializers.ModelSerializer):
    agency = _AgencySlugField(required=False)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    skills = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    hours_total = serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True, allow_null=True)
    onboarding_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "agency",
            "user",
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
            "hours_total",
            "onboarding_complete",
        ]
        read_only_fields = ["id", "hours_total", "onboarding_complete"]
