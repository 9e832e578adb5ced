"""API endpoints of report runs: start one, follow it, lock it, export it.

Thin views: runs come through ``reporting.selectors`` and every write goes
through ``reporting.services``. Only task force administrators and analysts
use these endpoints (403 to anyone else, before the body is read).

``POST /reports/runs/`` names the award by its id (``award``, optional: no award
is the whole task force) and answers 202 with the queued run's id and status;
a worker compiles it, so poll ``GET /reports/runs/{id}/`` until the status is
``done`` or ``failed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, negotiation, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from partners.models import User
from partners.requests import api_caller
from reporting import exports, selectors, services
from reporting.access import may_run_reports
from reporting.models import Award, ReportKind, ReportRun, RunStatus
from taskforce.api import IsVerifiedUser

EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
EXPORT_FORMAT_NAMES = tuple(EXPORT_FORMATS)


class MayRunReports(permissions.BasePermission):
    message = "Only task force administrators and analysts run, read, lock and export reports."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, User) and may_run_reports(request.user)


class RunConflict(exceptions.APIException):
    """409: the run's state does not allow this (not finished, or already locked)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The run's state does not allow this."
    default_code = "run_state"


class IgnoreFormatNegotiation(negotiation.DefaultContentNegotiation):
    """The export's ``?format=`` names the file type, not a DRF renderer."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


# --- Representation ------------------------------------------------------------------
class RunStartSerializer(serializers.Serializer[Any]):
    report = serializers.ChoiceField(choices=ReportKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    award = serializers.PrimaryKeyRelatedField(
        queryset=Award.objects.all(),
        required=False,
        allow_null=True,
        help_text="The award's id; omit for the task force.",
    )


class RunQueuedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RunStatus.choices)


class DifferenceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    category = serializers.CharField(help_text='The category, or "" for a single number.')
    locked = serializers.FloatField(allow_null=True, help_text="The value in the locked run.")
    now = serializers.FloatField(allow_null=True, help_text="The value in this run.")


class RunSummarySerializer(serializers.ModelSerializer[ReportRun]):
    locked_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "report",
            "award",
            "period_start",
            "period_end",
            "status",
            "progress",
            "definition_version",
            "cutoff_at",
            "locked_at",
            "locked_by",
            "supersedes",
            "created_at",
        ]
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer[ReportRun]):
    locked_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    results = serializers.JSONField(
        read_only=True, help_text="Measure code -> number, or -> {category: number}; empty until done."
    )
    differences = serializers.SerializerMethodField(
        help_text="For a run that recomputes a locked one: each measure and category whose value changed."
    )

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "report",
            "award",
            "period_start",
            "period_end",
            "status",
            "progress",
            "error",
            "results",
            "definition_version",
            "cutoff_at",
            "locked_at",
            "locked_by",
            "supersedes",
            "differences",
        ]
        read_only_fields = fields

    @extend_schema_field(DifferenceSerializer(many=True))
    def get_differences(self, run: ReportRun) -> list[dict[str, Any]]:
        return [
            {"code": item.code, "category": item.category, "locked": item.locked, "now": item.now}
            for item in selectors.run_differences(run)
        ]


# --- Endpoints -------------------------------------------------------------------------

FORBIDDEN = OpenApiResponse(description="Only task force administrators and analysts use reports.")
NOT_FOUND = OpenApiResponse(description="No such run.")
CONFLICT = OpenApiResponse(description="The run is not finished, or is already locked.")


@extend_schema(tags=["reports"])
class ReportRunViewSet(viewsets.GenericViewSet):
    """Report runs: aggregates only, for task force administrators and analysts."""

    queryset = ReportRun.objects.none()  # for the schema; requests go through reporting.selectors
    serializer_class = RunSerializer
    permission_classes = [IsVerifiedUser, MayRunReports]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.runs_visible_to(api_caller(self.request))

    @extend_schema(responses={200: RunSummarySerializer(many=True), 403: FORBIDDEN})
    def list(self, request: Request) -> Response:
        """Runs, newest first (without results: read a run for those)."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RunSummarySerializer(page, many=True).data)

    @extend_schema(responses={200: RunSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def retrieve(self, request: Request, pk: str) -> Response:
        run = selectors.run_get(user=api_caller(request), pk=pk)
        return Response(RunSerializer(run).data)

    @extend_schema(
        request=RunStartSerializer,
        responses={
            202: RunQueuedSerializer,
            400: OpenApiResponse(description="Invalid fields; nothing was saved."),
            403: FORBIDDEN,
        },
    )
    def create(self, request: Request) -> Response:
        """Queue a run; a worker compiles it. The `Location` header names the run to poll."""
        user = api_caller(request)
        serializer = RunStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                run = services.report_run_start(
                    actor=user,
                    report=data["report"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    award=data.get("award"),
                )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        location = request.build_absolute_uri(reverse("report-run-detail", kwargs={"pk": run.pk}))
        return Response(
            {"id": run.pk, "status": run.status}, status=status.HTTP_202_ACCEPTED, headers={"Location": location}
        )

    @extend_schema(request=None, responses={200: RunSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def lock(self, request: Request, pk: str) -> Response:
        """Freeze a finished run: what was (or will be) submitted. A later run of the
        same report and period shows its differences from this one."""
        user = api_caller(request)
        run = selectors.run_get(user=user, pk=pk)
        try:
            services.report_run_lock(run=run, actor=user)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc
        except DjangoValidationError as exc:
            # The lock takes no input: a refusal is always the run's state.
            raise RunConflict(" ".join(exc.messages)) from exc
        return Response(RunSerializer(selectors.run_get(user=user, pk=pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("format", enum=EXPORT_FORMAT_NAMES, default="xlsx", description="The file type.")],
        responses={
            (200, EXPORT_FORMATS["xlsx"]): OpenApiResponse(response=OpenApiTypes.BINARY, description="The workbook."),
            (200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="The CSV file."),
            400: OpenApiResponse(description="Unknown format."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The run is not finished."),
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreFormatNegotiation)
    def export(self, request: Request, pk: str) -> HttpResponse:
        """The run as a file: a workbook (cover and one sheet per section) or CSV."""
        wanted = request.query_params.get("format", "xlsx")
        if wanted not in EXPORT_FORMATS:
            raise serializers.ValidationError({"format": [f"Use one of: {', '.join(EXPORT_FORMATS)}."]})
        run = selectors.run_get(user=api_caller(request), pk=pk)
        if run.status != RunStatus.DONE:
            raise RunConflict("Only a finished run can be exported.")
        return export_response(run, wanted)


def export_response(run: ReportRun, wanted: str) -> HttpResponse:
    """The run as an attachment (shared by the API and the browser pages)."""
    body: bytes | str = exports.run_xlsx(run) if wanted == "xlsx" else exports.run_csv(run)
    response = HttpResponse(body, content_type=EXPORT_FORMATS[wanted])
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(run, wanted)}"'
    response["Cache-Control"] = "no-store"
    return response
