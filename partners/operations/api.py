"""API endpoints of MOUs, meetings, trainings, outreach and volunteers.

Thin views: every record comes through a visibility selector (404 when it is
not visible, the same as when it does not exist), and every write goes through
``partners.operations.services``, which checks who may make it (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from partners.models import MOU, Meeting, OutreachEvent, TrainingEvent, Volunteer
from partners.operations import access, selectors, services
from partners.operations.serializers import (
    AttendanceReadSerializer,
    AttendanceSerializer,
    MeetingSerializer,
    MOUDocumentSerializer,
    MOUSerializer,
    OutreachSerializer,
    TrainingSerializer,
    VolunteerSerializer,
)
from partners.operations.views import mou_document_response
from partners.requests import api_caller

T = TypeVar("T")


def _call(write: Callable[..., T], **kwargs: Any) -> T:
    """Run a service and answer its refusals in API terms; a refused write changed nothing."""
    try:
        with transaction.atomic():
            return write(**kwargs)
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


class _Base(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List, create, retrieve and update; no delete (the audit trail keeps history, not gaps)."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def _saved(self, instance: Model, *, code: int = status.HTTP_200_OK) -> Response:
        # Re-read through the selector, so the answer carries the same annotations as a list row.
        fresh = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _validated(self, request: Request, *, partial: bool, instance: Any = None) -> dict[str, Any]:
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        data = self._validated(request, partial=partial, instance=instance)
        return self._saved(self.perform_write(instance, data))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._validated(request, partial=False)
        return self._saved(self.perform_write(None, data), code=status.HTTP_201_CREATED)

    def perform_write(self, instance: Any, data: dict[str, Any]) -> Model:
        """Each viewset writes through its own service; the base has none to call."""
        raise TypeError(f"{type(self).__name__} must define perform_write")


@extend_schema(tags=["mous"])
class MOUViewSet(_Base):
    """MOUs between partner agencies. Every member reads the list; the task force
    administrator manages them; the signed document goes only to members of the
    parties and the task force administrator."""

    queryset = MOU.objects.none()  # for the schema only; get_queryset applies visibility
    serializer_class = MOUSerializer
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[MOU]:
        return selectors.mous_visible_to(user=api_caller(self.request)).order_by("-id")

    def perform_write(self, instance: MOU | None, data: dict[str, Any]) -> MOU:
        actor = api_caller(self.request)
        new_status = data.pop("status", None)
        if instance is None:
            mou = _call(services.mou_create, actor=actor, **data)
        else:
            mou = _call(services.mou_update, mou=instance, actor=actor, **data)
        if new_status is not None and new_status != mou.status:
            mou = _call(services.mou_transition, mou=mou, actor=actor, status=new_status)
        return mou

    @extend_schema(
        methods=["GET"],
        description="The signed document, to members of the parties and task force administrators only.",
        request=None,
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The signed document."),
            404: OpenApiResponse(description="No document, or not for you."),
        },
    )
    @extend_schema(
        methods=["POST"],
        description="Store the signed document (multipart, field `document`): for whoever may update the MOU.",
        request={"multipart/form-data": MOUDocumentSerializer},
        responses={
            200: OpenApiResponse(response=MOUSerializer, description="The MOU, with its new signed document."),
            400: OpenApiResponse(description="Not a PDF, larger than 20 MB, empty, or missing."),
            403: OpenApiResponse(description="Only whoever manages MOUs uploads their documents."),
            404: OpenApiResponse(description="No such MOU."),
        },
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def document(self, request: Request, pk: str) -> FileResponse | Response:
        """GET the signed document (parties and administrators; 404 to anyone else); POST a new one."""
        actor = api_caller(request)
        if request.method != "POST":
            return mou_document_response(user=actor, pk=int(pk))
        mou = self.get_object()
        if not access.can_manage_mous(actor):  # before reading the file: a refusal says nothing about it
            raise exceptions.PermissionDenied("Only the task force administrator manages MOUs.")
        serializer = MOUDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._saved(_call(services.mou_document_set, mou=mou, actor=actor, **serializer.validated_data))


@extend_schema(tags=["meetings"])
class MeetingViewSet(_Base):
    """The task force's meetings: every member reads them (the calendar); members of
    the host agency with a staff role, and the task force administrator, change them."""

    queryset = Meeting.objects.none()  # for the schema only; get_queryset applies visibility
    serializer_class = MeetingSerializer
    filterset_fields = ["committee", "host_agency"]

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meetings_visible_to(user=api_caller(self.request)).order_by("-starts_at", "-id")

    def perform_write(self, instance: Meeting | None, data: dict[str, Any]) -> Meeting:
        actor = api_caller(self.request)
        if instance is None:
            host = data.pop("host_agency", None) or actor.agency
            return _call(services.meeting_create, actor=actor, host_agency=host, **data)
        if "host_agency" in data and data.pop("host_agency") != instance.host_agency:
            raise serializers.ValidationError({"host_agency": ["The host agency cannot be changed."]})
        return _call(services.meeting_update, meeting=instance, actor=actor, **data)

    def _attendance(self, meeting: Meeting) -> Response:
        fresh = selectors.meeting_get_visible(user=api_caller(self.request), pk=meeting.pk)
        count = selectors.meeting_attendance_count(meeting=fresh)
        data = {
            "people": [row.person_id for row in fresh.person_attendance.all()],
            "agency_guests": {row.agency.slug: row.guest_headcount for row in fresh.agency_attendance.all()},
            "members": count.members,
            "guests": count.guests,
            "agencies": count.agencies,
            "total": count.total,
        }
        return Response(AttendanceReadSerializer(data).data)

    @extend_schema(methods=["GET"], responses=AttendanceReadSerializer)
    @extend_schema(methods=["PUT"], request=AttendanceSerializer, responses=AttendanceReadSerializer)
    @action(detail=True, methods=["get", "put"], serializer_class=AttendanceSerializer)
    def attendance(self, request: Request, pk: str) -> Response:
        """Who attended: members by account, and guests without an account counted per agency."""
        meeting = self.get_object()
        if request.method == "PUT":
            serializer = AttendanceSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            _call(
                services.meeting_attendance_set,
                meeting=meeting,
                actor=api_caller(request),
                people=serializer.validated_data["people"],
                agency_guests=serializer.validated_data.get("agency_guests", {}),
            )
        return self._attendance(meeting)


@extend_schema(tags=["trainings"])
class TrainingViewSet(_Base):
    """Trainings delivered, with attendees per audience discipline; every member reads them."""

    queryset = TrainingEvent.objects.none()  # for the schema only; get_queryset applies visibility
    serializer_class = TrainingSerializer
    filterset_fields = ["topic", "delivered_by"]

    def get_queryset(self) -> QuerySet[TrainingEvent]:
        return selectors.trainings_visible_to(user=api_caller(self.request)).order_by("-held_on", "-id")

    def perform_write(self, instance: TrainingEvent | None, data: dict[str, Any]) -> TrainingEvent:
        actor = api_caller(self.request)
        if instance is None:
            by = data.pop("delivered_by", None) or actor.agency
            return _call(services.training_create, actor=actor, delivered_by=by, **data)
        if "delivered_by" in data and data.pop("delivered_by") != instance.delivered_by:
            raise serializers.ValidationError({"delivered_by": ["The delivering agency cannot be changed."]})
        return _call(services.training_update, training=instance, actor=actor, **data)


@extend_schema(tags=["outreach"])
class OutreachViewSet(_Base):
    """Outreach and public-awareness events; every member reads them."""

    queryset = OutreachEvent.objects.none()  # for the schema only; get_queryset applies visibility
    serializer_class = OutreachSerializer
    filterset_fields = ["kind", "delivered_by"]

    def get_queryset(self) -> QuerySet[OutreachEvent]:
        return selectors.outreach_visible_to(user=api_caller(self.request)).order_by("-held_on", "-id")

    def perform_write(self, instance: OutreachEvent | None, data: dict[str, Any]) -> OutreachEvent:
        actor = api_caller(self.request)
        if instance is None:
            by = data.pop("delivered_by", None) or actor.agency
            return _call(services.outreach_create, actor=actor, delivered_by=by, **data)
        if "delivered_by" in data and data.pop("delivered_by") != instance.delivered_by:
            raise serializers.ValidationError({"delivered_by": ["The delivering agency cannot be changed."]})
        return _call(services.outreach_update, outreach=instance, actor=actor, **data)


@extend_schema(tags=["volunteers"])
class VolunteerViewSet(_Base):
    """Volunteers and their onboarding. Personal details: the volunteer, the agency
    administrators and supervisors of their agency, and the task force administrator."""

    queryset = Volunteer.objects.none()  # for the schema only; get_queryset applies visibility
    serializer_class = VolunteerSerializer
    filterset_fields = ["active"]

    def get_queryset(self) -> QuerySet[Volunteer]:
        return selectors.volunteers_visible_to(user=api_caller(self.request)).order_by("last_name", "first_name", "id")

    def perform_write(self, instance: Volunteer | None, data: dict[str, Any]) -> Volunteer:
        actor = api_caller(self.request)
        if instance is None:
            agency = data.pop("agency", None) or actor.agency
            return _call(services.volunteer_create, actor=actor, agency=agency, **data)
        if "agency" in data and data.pop("agency") != instance.agency:
            raise serializers.ValidationError({"agency": ["The agency cannot be changed."]})
        return _call(services.volunteer_update, volunteer=instance, actor=actor, **data)
