"""API endpoints of the partners app: the caller's own account and the agency directory."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from partners import services
from partners.models import Agency, AgencyContact
from partners.requests import api_caller
from partners.serializers import AgencySerializer, MeSerializer, MeUpdateSerializer


@extend_schema(tags=["me"])
class MeView(GenericAPIView):
    """The signed-in caller: who they are, their agency and roles; they may edit their own name, title and phone."""

    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(api_caller(request)).data)

    @extend_schema(
        request=MeUpdateSerializer,
        responses={
            200: MeUpdateSerializer,
            400: OpenApiResponse(description="A field is invalid or may not be changed here; nothing was saved."),
        },
    )
    def patch(self, request: Request) -> Response:
        user = api_caller(request)
        serializer = MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.user_update_profile(user=user, actor=user, **serializer.validated_data)
        except DjangoValidationError as exc:
            # The model's own validation, reported like the serializer's instead of a 500.
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return Response(MeUpdateSerializer(user).data)


@extend_schema(tags=["agencies"])
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """The directory of active partner agencies; every signed-in member may read it."""

    serializer_class = AgencySerializer
    lookup_field = "slug"
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Agency]:
        # Contacts in one extra query per page, whatever the page size.
        return (
            Agency.objects.active()
            .prefetch_related(Prefetch("contacts", queryset=AgencyContact.objects.order_by("position", "name")))
            .order_by("name")
        )
