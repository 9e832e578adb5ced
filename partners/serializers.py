from __future__ import annotations

from rest_framework import serializers

from partners.models import Agency, AgencyContact, User


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "slug", "name", "kind"]


class MeSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "agency", "roles"]

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.role_names())


class AgencyContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyContact
        fields = ["name", "title", "phone", "email"]


class AgencySerializer(serializers.ModelSerializer):
    sector = serializers.CharField(read_only=True)
    services_offered = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
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
