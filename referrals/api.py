"""API endpoints of the referrals app: referrals and their lifecycle, the caller's
notifications, and the referral directory.

Thin views: referrals come through ``referrals.selectors`` (404 when not
visible), every write goes through ``referrals.services``, and the survivor in a
referral is represented exactly as ``/api/v1/victims/`` represents them to the
caller (``cases.representation.VictimSerializer`` cut by ``cases.access``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import access as cases_access
from cases.api import Cursor, _active_agency, _log_reads, _visible_victim_from_body
from cases.field_groups import VictimGroup
from cases.models import Case, ServiceEvent
from partners.models import User
from partners.requests import api_caller
from partners.roles import Role
from referrals import selectors, services
from referrals.models import Notification, Referral, ReferralStatus, Tip
from referrals.representation import (
    CompleteSerializer,
    DeclineSerializer,
    DirectoryAgencySerializer,
    NotificationSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    TipCloseSerializer,
    TipCreateSerializer,
    TipSerializer,
    TipTriageCaseSerializer,
    TipTriageReferralSerializer,
)
from taskforce.api import IsVerifiedUser

T = TypeVar("T")


class TransitionConflict(exceptions.APIException):
    """409: the referral's state does not allow the action; names the ones it allows."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "illegal_transition"

    def __init__(self, exc: services.IllegalTransition) -> None:
        super().__init__()
        self.detail = {
            "detail": exceptions.ErrorDetail(str(exc), code=self.default_code),
            "status": exceptions.ErrorDetail(exc.status, code=self.default_code),
            "allowed": [exceptions.ErrorDetail(name, code=self.default_code) for name in exc.allowed],
        }


def _call(write: Callable[..., T], **kwargs: Any) -> T:
    """Run a service and answer its refusals in API terms; a refused write changed nothing."""
    try:
        return write(**kwargs)
    except services.IllegalTransition as exc:
        raise TransitionConflict(exc) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


def _render(request: Request, referrals: list[Referral]) -> Any:
    """A page of referrals in a fixed number of queries, whatever its size."""
    user = api_caller(request)
    victims = list({referral.victim_id: referral.victim for referral in referrals}.values())
    access_map = cases_access.victims_access(user, victims)
    prefetch_related_objects(
        [victim for victim in victims if VictimGroup.SERVICES in access_map[victim.pk].readable],
        Prefetch("service_events", queryset=ServiceEvent.objects.select_related("providing_agency")),
    )
    data = ReferralSerializer(referrals, many=True, context={"access": access_map, "user": user}).data
    _log_reads(request, {pk: record.readable for pk, record in access_map.items()})
    return data


CONFLICT = OpenApiResponse(description="The referral's state does not allow this; `allowed` names what it does.")
FORBIDDEN = OpenApiResponse(description="Only the receiving agency (or, to withdraw, the referring agency) acts.")
NOT_FOUND = OpenApiResponse(description="No such referral, or not visible to you.")
INVALID = OpenApiResponse(description="Invalid fields, or groups no active consent covers; nothing was saved.")
ACTION_RESPONSES = {200: ReferralSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


@extend_schema(tags=["referrals"])
class ReferralViewSet(viewsets.GenericViewSet):
    """Referrals of the caller's agency, incoming and outgoing, and their lifecycle."""

    serializer_class = ReferralSerializer
    queryset = Referral.objects.none()  # for the schema; requests go through referrals.selectors
    pagination_class = Cursor
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        parameters=[
            OpenApiParameter("box", enum=[selectors.INBOX, selectors.OUTBOX], description="Incoming or outgoing."),
            OpenApiParameter("status", enum=ReferralStatus.values),
        ]
    )
    def list(self, request: Request) -> Response:
        box = request.query_params.get("box", "")
        if box not in ("", selectors.INBOX, selectors.OUTBOX):
            raise serializers.ValidationError({"box": ["Use inbox or outbox."]})
        queryset = selectors.referrals_visible_to(api_caller(request), box=box)
        wanted = request.query_params.get("status", "")
        if wanted:
            if wanted not in ReferralStatus.values:
                raise serializers.ValidationError({"status": ["Unknown status."]})
            queryset = queryset.filter(status=wanted)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(_render(request, list(page or [])))

    def retrieve(self, request: Request, pk: str) -> Response:
        referral = selectors.referral_get_visible(user=api_caller(request), pk=pk)
        return Response(_render(request, [referral])[0])

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer, 400: INVALID, 403: FORBIDDEN})
    def create(self, request: Request) -> Response:
        """Save a draft; send it with ``POST /referrals/{id}/send/``."""
        user = api_caller(request)
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = _call(
            services.referral_create,
            actor=user,
            victim=_visible_victim_from_body(user, data["victim"]),
            to_agency=_active_agency(data["to_agency"], "to_agency"),
            services=data["services"],
            urgency=data.get("urgency", "routine"),
            share_field_groups=data.get("share_field_groups", []),
            note=data.get("note", ""),
        )
        referral = selectors.referral_get_visible(user=user, pk=referral.pk)
        return Response(_render(request, [referral])[0], status=status.HTTP_201_CREATED)

    def _act(self, request: Request, pk: str, write: Callable[..., Referral], **kwargs: Any) -> Response:
        user = api_caller(request)
        referral = selectors.referral_get_visible(user=user, pk=pk)
        _call(write, referral=referral, actor=user, **kwargs)
        return Response(_render(request, [selectors.referral_get_visible(user=user, pk=pk)])[0])

    @extend_schema(request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, services.referral_send)

    @extend_schema(request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, services.referral_acknowledge)

    @extend_schema(request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, services.referral_accept)

    @extend_schema(request=DeclineSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"], serializer_class=DeclineSerializer)
    def decline(self, request: Request, pk: str) -> Response:
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._act(request, pk, services.referral_decline, reason=serializer.validated_data["reason"])

    @extend_schema(request=CompleteSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"], serializer_class=CompleteSerializer)
    def complete(self, request: Request, pk: str) -> Response:
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._act(
            request,
            pk,
            services.referral_complete,
            outcome=data["outcome"],
            note=data.get("note", ""),
            services=data.get("services"),
        )

    @extend_schema(request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, services.referral_withdraw)


@extend_schema(tags=["notifications"])
class NotificationViewSet(viewsets.GenericViewSet):
    """The caller's own notifications, newest first; ``?unread=1`` for the unread ones."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    pagination_class = Cursor

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def list(self, request: Request) -> Response:
        queryset = selectors.notifications_of(api_caller(request))
        if request.query_params.get("unread") in ("1", "true"):
            queryset = queryset.filter(read_at__isnull=True)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: NotificationSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        user = api_caller(request)
        notification = _call(
            services.notification_mark_read, notification=selectors.notification_get(user=user, pk=pk), actor=user
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None, responses=inline_serializer("NotificationsRead", fields={"marked": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(actor=api_caller(request))})

    @extend_schema(responses=inline_serializer("NotificationsUnread", fields={"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        """For the bell."""
        return Response(
            {"unread": selectors.notifications_of(api_caller(request)).filter(read_at__isnull=True).count()}
        )


@extend_schema(tags=["referrals"])
class ReferralDirectoryViewSet(viewsets.GenericViewSet):
    """Agencies to refer to: services offered, languages, eligibility, and whether
    they take new referrals now. ``?service=<service type>`` keeps those offering it."""

    serializer_class = DirectoryAgencySerializer
    queryset = Referral.objects.none()
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("service", description="A service type (cases.catalog.ServiceType)."),
            OpenApiParameter("language"),
        ],
        responses=DirectoryAgencySerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        api_caller(request)
        service = request.query_params.get("service", "")
        language = request.query_params.get("language", "").casefold()
        # Services and languages are JSON lists: filtered here, portable to SQLite; the directory is small.
        agencies = [
            agency
            for agency in selectors.referral_directory()
            if (not service or service in (agency.services_offered or []))
            and (not language or language in {str(lang).casefold() for lang in agency.languages or []})
        ]
        return Response(DirectoryAgencySerializer(agencies, many=True).data)


class IsCentralContact(permissions.BasePermission):
    """Tips are for the task force's central contact (the task force admin) only."""

    message = "Tips are triaged by the task force's central contact."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return isinstance(user, User) and user.is_active and user.has_role(Role.TASKFORCE_ADMIN)


class TipCursor(Cursor):
    # Newest received first; the id breaks ties (DRF takes a tuple, its stubs say str).
    ordering = ("-received_at", "-id")  # type: ignore[assignment]


TIP_FORBIDDEN = OpenApiResponse(description="Only the task force's central contact handles tips.")
TIP_NOT_FOUND = OpenApiResponse(description="No such tip.")
TIP_INVALID = OpenApiResponse(
    description="Invalid fields, an unknown case or referral, or the tip was already triaged; nothing was saved."
)
TIP_ACTION_RESPONSES = {200: TipSerializer, 400: TIP_INVALID, 403: TIP_FORBIDDEN, 404: TIP_NOT_FOUND}


@extend_schema(tags=["tips"])
class TipViewSet(viewsets.GenericViewSet):
    """Hotline and community tips, newest first, recorded and triaged by the central contact:
    into a case, into a referral, or closed with a reason."""

    serializer_class = TipSerializer
    queryset = Tip.objects.select_related("case")
    pagination_class = TipCursor
    permission_classes = [IsVerifiedUser, IsCentralContact]
    http_method_names = ["get", "post", "head", "options"]

    def _tip(self, pk: str) -> Tip:
        try:
            return self.queryset.get(pk=int(pk))
        except (ValueError, Tip.DoesNotExist) as exc:
            raise exceptions.NotFound from exc

    def _answer(self, tip: Tip, code: int = status.HTTP_200_OK) -> Response:
        return Response(TipSerializer(self._tip(str(tip.pk))).data, status=code)

    @extend_schema(responses={200: TipSerializer(many=True), 403: TIP_FORBIDDEN})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.queryset.all())
        return self.get_paginated_response(TipSerializer(page, many=True).data)

    @extend_schema(responses={200: TipSerializer, 403: TIP_FORBIDDEN, 404: TIP_NOT_FOUND})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(TipSerializer(self._tip(pk)).data)

    @extend_schema(request=TipCreateSerializer, responses={201: TipSerializer, 400: TIP_INVALID, 403: TIP_FORBIDDEN})
    def create(self, request: Request) -> Response:
        serializer = TipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tip = _call(
            services.tip_create,
            actor=api_caller(request),
            source=data["source"],
            summary=data["summary"],
            urgency=data.get("urgency", "routine"),
            received_at=data.get("received_at"),
        )
        return self._answer(tip, status.HTTP_201_CREATED)

    @extend_schema(request=TipCloseSerializer, responses=TIP_ACTION_RESPONSES)
    @action(detail=True, methods=["post"], serializer_class=TipCloseSerializer)
    def close(self, request: Request, pk: str) -> Response:
        tip = self._tip(pk)
        serializer = TipCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        return self._answer(_call(services.tip_close, tip=tip, actor=api_caller(request), reason=reason))

    @extend_schema(request=TipTriageCaseSerializer, responses=TIP_ACTION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="triage-case", serializer_class=TipTriageCaseSerializer)
    def triage_case(self, request: Request, pk: str) -> Response:
        tip = self._tip(pk)
        serializer = TipTriageCaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Among all cases: the central contact links the tip to the record a partner opened.
        case = Case.objects.filter(pk=serializer.validated_data["case"]).first()
        if case is None:
            raise serializers.ValidationError({"case": ["No such case."]})
        return self._answer(_call(services.tip_triage_case, tip=tip, actor=api_caller(request), case=case))

    @extend_schema(request=TipTriageReferralSerializer, responses=TIP_ACTION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="triage-referral", serializer_class=TipTriageReferralSerializer)
    def triage_referral(self, request: Request, pk: str) -> Response:
        tip = self._tip(pk)
        serializer = TipTriageReferralSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Among all sent referrals (a draft stays with its agency), as on the coordination board.
        referral = (
            Referral.objects.exclude(status=ReferralStatus.DRAFT)
            .filter(pk=serializer.validated_data["referral"])
            .first()
        )
        if referral is None:
            raise serializers.ValidationError({"referral": ["No such referral."]})
        return self._answer(_call(services.tip_triage_referral, tip=tip, actor=api_caller(request), referral=referral))
