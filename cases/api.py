"""API endpoints of the cases app: survivors, cases, consents, services, notes and access reports.

Thin views: every record comes through a visibility selector (404 when it is
not visible, the same as when it does not exist), every write goes through
``cases.services``, and every representation is cut to the caller's field
groups by ``cases.access``. A response that returns ``identity``, ``contact``,
``immigration`` or ``notes`` of any survivor writes one access-log entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, pagination, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import access, selectors, services
from cases.field_groups import CaseGroup, VictimGroup, case_field_group, victim_field_group
from cases.models import Arrest, Case, Charge, Consent, ServiceEvent, Suspect, Victim
from cases.representation import (
    CASE_WRITABLE_FIELDS,
    VICTIM_WRITABLE_FIELDS,
    AccessReportSerializer,
    CaseParticipantAddSerializer,
    CaseSerializer,
    CaseVictimLinkSerializer,
    CaseWriteSerializer,
    ConsentCreateSerializer,
    ConsentSerializer,
    NoteSerializer,
    ServiceEventCreateSerializer,
    ServiceEventSerializer,
    VictimSerializer,
    VictimWriteSerializer,
)
from partners.models import Agency, User
from partners.requests import api_caller

T = TypeVar("T")


class Cursor(pagination.CursorPagination):
    """Stable under inserts; ordered by the primary key, which every table indexes."""

    ordering = "-id"
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class FieldGroupForbidden(exceptions.PermissionDenied):
    """403 naming the field groups the caller may not change."""

    def __init__(self, groups: list[str]) -> None:
        super().__init__()
        self.detail = {
            "detail": exceptions.ErrorDetail(
                f"You may not change these field groups: {', '.join(groups)}.", code="permission_denied"
            ),
            "groups": [exceptions.ErrorDetail(group, code="permission_denied") for group in groups],
        }


def _call(write: Callable[..., T], **kwargs: Any) -> T:
    """Run a service and answer its refusals in API terms; a refused write changed nothing."""
    try:
        return write(**kwargs)
    except services.FieldGroupDenied as exc:
        raise FieldGroupForbidden(exc.groups) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


def _refuse_unknown(data: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": ["Expected an object."]})
    refused = sorted(set(data) - set(allowed))
    if refused:
        raise serializers.ValidationError({name: ["Unknown or read-only field."] for name in refused})


def _log_reads(request: Request, readable: Mapping[int, set[str] | list[str]]) -> None:
    # One entry for the whole request, whatever the page size (the service keeps only logged groups).
    services.access_log_record(
        user=api_caller(request), method=request.method or "GET", path=request.path, readable=readable
    )


def _visible_victim_from_body(user: User, victim_id: int) -> Victim:
    # A survivor named in a request body: unknown and invisible answer the same.
    victim = selectors.victims_visible_to(user).filter(pk=victim_id).first()
    if victim is None:
        raise serializers.ValidationError({"victim": ["No such survivor."]})
    return victim


def _active_agency(slug: str, field: str) -> Agency:
    agency = Agency.objects.active().filter(slug=slug).first()
    if agency is None:
        raise serializers.ValidationError({field: ["No such active agency."]})
    return agency


FORBIDDEN = OpenApiResponse(description="Your role or agency may not do this (403 names refused field groups).")
NOT_FOUND = OpenApiResponse(description="No such record, or not visible to you.")
INVALID = OpenApiResponse(description="Invalid or unknown fields; nothing was saved.")


# --- Survivors -----------------------------------------------------------------------
@extend_schema(tags=["victims"])
class VictimViewSet(viewsets.GenericViewSet):
    """Survivors visible to the caller, each cut to the field groups they may read."""

    serializer_class = VictimSerializer
    queryset = Victim.objects.none()  # for the schema; requests go through cases.selectors
    pagination_class = Cursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _render(self, victims: list[Victim]) -> Any:
        user = api_caller(self.request)
        access_map = access.victims_access(user, victims)
        # Service events only for the survivors whose `services` group is readable: one query per page.
        prefetch_related_objects(
            [victim for victim in victims if VictimGroup.SERVICES in access_map[victim.pk].readable],
            Prefetch("service_events", queryset=ServiceEvent.objects.select_related("providing_agency")),
        )
        data = VictimSerializer(victims, many=True, context={"access": access_map}).data
        _log_reads(self.request, {pk: record.readable for pk, record in access_map.items()})
        return data

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.victims_visible_to(api_caller(request)))
        return self.get_paginated_response(self._render(list(page or [])))

    def retrieve(self, request: Request, pk: str) -> Response:
        victim = selectors.victim_get_visible(user=api_caller(request), pk=pk)
        return Response(self._render([victim])[0])

    @extend_schema(request=VictimWriteSerializer, responses={201: VictimSerializer, 400: INVALID, 403: FORBIDDEN})
    def create(self, request: Request) -> Response:
        user = api_caller(request)
        _refuse_unknown(request.data, VICTIM_WRITABLE_FIELDS)
        serializer = VictimWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        victim = _call(services.victim_create, actor=user, **serializer.validated_data)
        return Response(self._render([victim])[0], status=status.HTTP_201_CREATED)

    @extend_schema(
        request=VictimWriteSerializer, responses={200: VictimSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        user = api_caller(request)
        victim = selectors.victim_get_visible(user=user, pk=pk)
        _refuse_unknown(request.data, VICTIM_WRITABLE_FIELDS)
        # Refuse fields outside the writable groups before validating their values,
        # so a caller learns nothing about the record from the validation errors.
        touched = {victim_field_group(name) or "" for name in request.data}
        denied = sorted(touched - access.victim_access(user, victim).writable)
        if denied:
            raise FieldGroupForbidden(denied)
        serializer = VictimWriteSerializer(victim, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        victim = _call(services.victim_update, victim=victim, actor=user, changes=serializer.validated_data)
        return Response(self._render([victim])[0])

    @extend_schema(
        methods=["GET"],
        responses={
            200: inline_serializer(
                "PaginatedNoteList",
                fields={
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": NoteSerializer(many=True),
                },
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @extend_schema(methods=["POST"], request=NoteSerializer, responses={201: NoteSerializer, 403: FORBIDDEN})
    @action(detail=True, methods=["get", "post"], serializer_class=NoteSerializer)
    def notes(self, request: Request, pk: str) -> Response:
        """Privileged notes: the survivor's own agency only. 404 when the survivor
        is not visible; 403 when it is but the notes are not yours to read."""
        user = api_caller(request)
        victim = selectors.victim_get_visible(user=user, pk=pk)
        if request.method == "POST":
            _refuse_unknown(request.data, ("body", "privileged"))
            serializer = NoteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            note = _call(services.note_create, victim=victim, actor=user, **serializer.validated_data)
            _log_reads(request, {victim.pk: [VictimGroup.NOTES]})
            return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        if VictimGroup.NOTES not in access.victim_access(user, victim).readable:
            raise exceptions.PermissionDenied("Privileged notes never leave the agency that wrote them.")
        paginator = Cursor()
        page = paginator.paginate_queryset(selectors.notes_of(victim), request, view=self)
        data = NoteSerializer(page, many=True).data
        _log_reads(request, {victim.pk: [VictimGroup.NOTES]})
        return paginator.get_paginated_response(data)

    @extend_schema(responses={200: AccessReportSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["get"], url_path="access-log", serializer_class=AccessReportSerializer)
    def access_log(self, request: Request, pk: str) -> Response:
        """Who saw what about this survivor, and every disclosure to another agency.
        For the people of the survivor's own agency who manage their record."""
        user = api_caller(request)
        victim = selectors.victim_get_visible(user=user, pk=pk)
        if not access.can_read_access_report(user, victim):
            raise exceptions.PermissionDenied("Only the survivor's own agency reads their access report.")
        return Response(AccessReportSerializer(selectors.access_report(victim)).data)


# --- Cases --------------------------------------------------------------------------------
@extend_schema(tags=["cases"])
class CaseViewSet(viewsets.GenericViewSet):
    """Cases visible to the caller, each cut to the field groups they may read."""

    serializer_class = CaseSerializer
    queryset = Case.objects.none()  # for the schema; requests go through cases.selectors
    pagination_class = Cursor
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _render(self, cases: list[Case]) -> Any:
        user = api_caller(self.request)
        access_map = access.cases_access(user, cases)

        def readable(group: str) -> list[Case]:
            return [case for case in cases if group in access_map[case.pk].readable]

        # Related rows only for the cases whose group is readable: a fixed number of queries per page.
        summary = readable(CaseGroup.SUMMARY)
        prefetch_related_objects(summary, "participants")
        visible_victims = selectors.case_victim_ids_visible(user=user, case_ids=[case.pk for case in summary])
        prefetch_related_objects(
            readable(CaseGroup.INVESTIGATION),
            Prefetch("suspects", queryset=Suspect.objects.order_by("id")),
            Prefetch("arrests", queryset=Arrest.objects.select_related("arresting_agency").order_by("id")),
        )
        prefetch_related_objects(
            readable(CaseGroup.PROSECUTION),
            Prefetch(
                "charges",
                queryset=Charge.objects.select_related("filing_agency").prefetch_related("dispositions").order_by("id"),
            ),
        )
        context = {"access": access_map, "visible_victims": visible_victims}
        return CaseSerializer(cases, many=True, context=context).data

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.cases_visible_to(api_caller(request)))
        return self.get_paginated_response(self._render(list(page or [])))

    def retrieve(self, request: Request, pk: str) -> Response:
        case = selectors.case_get_visible(user=api_caller(request), pk=pk)
        return Response(self._render([case])[0])

    @extend_schema(request=CaseWriteSerializer, responses={201: CaseSerializer, 400: INVALID, 403: FORBIDDEN})
    def create(self, request: Request) -> Response:
        user = api_caller(request)
        _refuse_unknown(request.data, CASE_WRITABLE_FIELDS)
        serializer = CaseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = _call(services.case_create, actor=user, **serializer.validated_data)
        return Response(self._render([case])[0], status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CaseWriteSerializer, responses={200: CaseSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        user = api_caller(request)
        case = selectors.case_get_visible(user=user, pk=pk)
        _refuse_unknown(request.data, CASE_WRITABLE_FIELDS)
        touched = {case_field_group(name) or "" for name in request.data}
        denied = sorted(touched - access.case_access(user, case).writable)
        if denied:
            raise FieldGroupForbidden(denied)
        serializer = CaseWriteSerializer(case, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        case = _call(services.case_update, case=case, actor=user, changes=serializer.validated_data)
        return Response(self._render([case])[0])

    @extend_schema(
        request=CaseParticipantAddSerializer,
        responses={201: CaseSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], serializer_class=CaseParticipantAddSerializer)
    def participants(self, request: Request, pk: str) -> Response:
        """The lead agency brings another agency into the case."""
        user = api_caller(request)
        case = selectors.case_get_visible(user=user, pk=pk)
        serializer = CaseParticipantAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = _active_agency(serializer.validated_data["agency"], "agency")
        _call(services.case_add_participant, case=case, agency=agency, actor=user)
        return Response(self._render([case])[0], status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CaseVictimLinkSerializer,
        responses={201: CaseSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], serializer_class=CaseVictimLinkSerializer)
    def victims(self, request: Request, pk: str) -> Response:
        """Link a survivor you can see to this case; the link by itself shares nothing."""
        user = api_caller(request)
        case = selectors.case_get_visible(user=user, pk=pk)
        serializer = CaseVictimLinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        victim = _visible_victim_from_body(user, serializer.validated_data["victim"])
        _call(services.case_link_victim, case=case, victim=victim, actor=user)
        return Response(self._render([case])[0], status=status.HTTP_201_CREATED)


# --- Consents ---------------------------------------------------------------------------
@extend_schema(tags=["consents"])
class ConsentViewSet(viewsets.GenericViewSet):
    """Consents of the survivors of the caller's agency; only that agency records and revokes them."""

    serializer_class = ConsentSerializer
    queryset = Consent.objects.none()  # for the schema; requests go through cases.selectors
    pagination_class = Cursor
    http_method_names = ["get", "post", "head", "options"]

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.consents_visible_to(api_caller(request)))
        return self.get_paginated_response(ConsentSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ConsentSerializer(self._get(request, pk)).data)

    def _get(self, request: Request, pk: str) -> Consent:
        consent = selectors.consents_visible_to(api_caller(request)).filter(pk=pk).first() if pk.isdigit() else None
        if consent is None:
            raise exceptions.NotFound
        return consent

    @extend_schema(request=ConsentCreateSerializer, responses={201: ConsentSerializer, 400: INVALID, 403: FORBIDDEN})
    def create(self, request: Request) -> Response:
        user = api_caller(request)
        serializer = ConsentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        victim = _visible_victim_from_body(user, data.pop("victim"))
        recipient = _active_agency(data.pop("recipient_agency"), "recipient_agency")
        consent = _call(services.consent_create, victim=victim, actor=user, recipient_agency=recipient, **data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ConsentSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        """Takes effect on the next request: the recipient's grants go in the same transaction."""
        consent = _call(services.consent_revoke, consent=self._get(request, pk), actor=api_caller(request))
        return Response(ConsentSerializer(consent).data)


# --- Services -----------------------------------------------------------------------------
@extend_schema(tags=["services"])
class ServiceEventViewSet(viewsets.GenericViewSet):
    """Services delivered to the survivors whose `services` group the caller may read."""

    serializer_class = ServiceEventSerializer
    queryset = ServiceEvent.objects.none()  # for the schema; requests go through cases.selectors
    pagination_class = Cursor
    http_method_names = ["get", "post", "head", "options"]

    def list(self, request: Request) -> Response:
        user = api_caller(request)
        page = list(self.paginate_queryset(selectors.service_events_visible_to(user)) or [])
        # Checked again per page: the consent behind a covered owner's grant must name `services`.
        victims = {event.victim_id: event.victim for event in page}
        access_map = access.victims_access(user, list(victims.values()))
        readable = [event for event in page if VictimGroup.SERVICES in access_map[event.victim_id].readable]
        return self.get_paginated_response(ServiceEventSerializer(readable, many=True).data)

    @extend_schema(
        request=ServiceEventCreateSerializer, responses={201: ServiceEventSerializer, 400: INVALID, 403: FORBIDDEN}
    )
    def create(self, request: Request) -> Response:
        user = api_caller(request)
        serializer = ServiceEventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        victim = _visible_victim_from_body(user, data.pop("victim"))
        data["family_member_id"] = data.pop("family_member", None)
        event = _call(services.service_event_create, victim=victim, actor=user, **data)
        return Response(ServiceEventSerializer(event).data, status=status.HTTP_201_CREATED)
