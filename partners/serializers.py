"""API representations of agencies and of the caller's own account."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from partners.models import Agency, AgencyContact, User
from partners.roles import Sector


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "slug", "name", "kind"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "agency", "roles"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.role_names())


# What a person may change about themselves. Email is left out on purpose: it
# receives invitations and credential-change notices, so only an administrator changes it.
ME_WRITABLE_FIELDS = ("first_name", "last_name", "title", "phone")


class MeUpdateSerializer(serializers.ModelSerializer):
    """The fields people may change about themselves. Any other field is refused (400), not ignored."""

    class Meta:
        model = User
        fields = list(ME_WRITABLE_FIELDS)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            # DRF silently drops unknown keys; a client that sends "agency" or
            # "username" must learn that nothing of it was applied.
            refused = sorted(set(data) - set(ME_WRITABLE_FIELDS))
            if refused:
                raise serializers.ValidationError({name: ["This field cannot be changed here."] for name in refused})
        return super().to_internal_value(data)


class AgencyContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyContact
        fields = ["name", "title", "phone", "email"]
        read_only_fields = fields


class AgencySerializer(serializers.ModelSerializer):
    sector = serializers.ChoiceField(choices=Sector.choices, read_only=True)
    services_offered = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    contacts = AgencyContactSerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "sector",
            "confidentiality_covered",
            "jurisdiction",
            "services_offered",
            "languages",
            "eligibility_notes",
            "website",
            "contacts",
        ]
        read_only_fields = fields
