"""API of partner monthly submissions: ``GET/POST /api/v1/reports/submissions/``.

Thin: the list comes through ``reporting.submissions.submissions_visible_to``
(task force administrators and analysts see every agency's, members of a
submitting agency their own), and a POST goes through ``submission_save``,
which checks who may send figures for which agency (403) and replaces an
earlier submission of the same month.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from partners.models import Agency
from partners.requests import api_caller
from reporting.models import AgencySubmission
from reporting.submissions import (
    FIGURE_MAX,
    SOURCE_API,
    current_figures,
    may_see_tracker,
    may_submit,
    month_parse,
    submission_save,
    submissions_visible_to,
)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A month as ``YYYY-MM``."""

    def to_representation(self, value: date) -> str:
        return value.strftime("%Y-%m")

    def to_internal_value(self, data: Any) -> date:
        try:
            return month_parse(str(data))
        except ValueError as exc:
            raise serializers.ValidationError("Enter the month as YYYY-MM.") from exc


class FiguresField(serializers.DictField):
    """``{item: value}``; on output, read from the submission's figure rows."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.IntegerField(min_value=0, max_value=FIGURE_MAX), **kwargs)

    def to_representation(self, value: Any) -> dict[str, int]:
        if hasattr(value, "all"):
            return {figure.item: figure.value for figure in value.all()}
        return super().to_representation(value)


class SubmissionSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", queryset=Agency.objects.all())
    month = MonthField()
    figures = FiguresField(help_text="Values by item (see the SubmissionItem codes), whole numbers ≥ 0.")
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)

    class Meta:
        model = AgencySubmission
        fields = ["id", "agency", "month", "figures", "submitted_by", "submitted_at", "source"]
        read_only_fields = ["id", "submitted_at", "source"]
        # A second POST for the same agency and month replaces the figures: no uniqueness check here.
        validators: list[Any] = []


@extend_schema(tags=["reports"])
class SubmissionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Monthly figures of partners that keep their records elsewhere.

    A POST for a month already sent replaces its figures (one submission per
    agency and month) and answers 200; a first one answers 201.
    """

    queryset = AgencySubmission.objects.none()  # for the schema only; get_queryset applies visibility
    serializer_class = SubmissionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[AgencySubmission]:
        user = api_caller(self.request)
        if not may_see_tracker(user):
            raise exceptions.PermissionDenied("Only the task force and submitting partners see submissions.")
        return submissions_visible_to(user=user).order_by("-month", "agency__name")

    @extend_schema(
        request=SubmissionSerializer,
        responses={
            201: OpenApiResponse(response=SubmissionSerializer, description="The figures of a new month."),
            200: OpenApiResponse(response=SubmissionSerializer, description="The month's earlier figures, replaced."),
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT, description="An unknown item, a negative value, a month in the future."
            ),
            403: OpenApiResponse(description="Not a submitting member of that agency."),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = api_caller(request)
        if not may_submit(actor):
            # Refused before the body is read: a 400 would tell an outsider which agencies exist.
            raise exceptions.PermissionDenied("Only members of a submitting agency, or the task force, submit figures.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = AgencySubmission.objects.filter(agency=data["agency"], month=data["month"]).exists()
        try:
            with transaction.atomic():
                submission = submission_save(
                    actor=actor, agency=data["agency"], month=data["month"], figures=data["figures"], source=SOURCE_API
                )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        fresh = AgencySubmission.objects.select_related("agency", "submitted_by").prefetch_related(current_figures())
        body = self.get_serializer(fresh.get(pk=submission.pk)).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)
