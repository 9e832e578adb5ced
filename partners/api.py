"""API endpoints of the partners app: the caller and the agency directory."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.generics import RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from partners.models import Agency, AgencyContact, User
from partners.serializers import AgencySerializer, MeSerializer


class MeView(RetrieveAPIView):
    """The signed-in caller: username, agency and roles."""

    serializer_class = MeSerializer

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        user = request.user
        assert isinstance(user, User)
        return Response(MeSerializer(user).data)


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
