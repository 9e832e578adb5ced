"""Grants and awards, time and effort, expenditures, measure definitions and report runs.

Reports are computed from the dated records of the other apps by measure
definitions that are data (``MeasureDefinition``), so an official questionnaire
can replace a definition without a code change (grant-measures.md §6).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Agency


class Funder(models.TextChoices):
    OVC = "ovc", _("OVC")
    BJA = "bja", _("BJA")
    OVW = "ovw", _("OVW")
    STATE_VOCA = "state_voca", _("State VOCA")
    STATE_OTHER = "state_other", _("State (other)")
    HHS = "hhs", _("HHS")
    PRIVATE = "private", _("Private")


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Semiannual")


class ReportKind(models.TextChoices):
    OVC_HT = "ovc_ht", _("OVC human trafficking")
    BJA_ECM = "bja_ecm", _("BJA ECM task force")
    VOCA = "voca", _("VOCA victim assistance")
    STATE = "state", _("State grant")


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    FRINGE = "fringe", _("Fringe benefits")
    TRAVEL = "travel", _("Travel")
    EQUIPMENT = "equipment", _("Equipment")
    SUPPLIES = "supplies", _("Supplies")
    CONTRACTUAL = "contractual", _("Contractual and subawards")
    OTHER = "other", _("Other")
    INDIRECT = "indirect", _("Indirect costs")


class Activity(models.TextChoices):
    DIRECT_SERVICES = "direct_services", _("Direct services to survivors")
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    TRAINING = "training", _("Training")
    OUTREACH = "outreach", _("Outreach")
    COORDINATION = "coordination", _("Task force coordination")
    DATA_REPORTING = "data_reporting", _("Data collection and reporting")
    ADMINISTRATION = "administration", _("Grant administration")
    OTHER = "other", _("Other")


class Award(models.Model):
    funder = models.CharField(_("funder"), max_length=16, choices=Funder.choices)
    program = models.CharField(_("program"), max_length=200)
    award_number = models.CharField(_("award number"), max_length=60, unique=True)
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="awards", verbose_name=_("recipient"))
    starts_on = models.DateField(_("period starts on"))
    ends_on = models.DateField(_("period ends on"))
    # {budget category: amount as a decimal string}; validated by the services.
    budget = models.JSONField(_("budget by category"), default=dict, blank=True)
    match_required = models.DecimalField(
        _("match required"), max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=10, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    cadence = models.CharField(
        _("reporting cadence"), max_length=12, choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    reports = models.JSONField(_("reports"), default=list, help_text=_("The funders' reports this award files."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["funder", "award_number"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="award_period")]

    def __str__(self) -> str:
        return f"{self.award_number} ({self.get_funder_display()})"


class TimeEntry(models.Model):
    """Personnel hours charged to an award: certified by the person, approved by a
    supervisor (2 CFR 200.430(g))."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("award"))
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-worked_on", "-id"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [models.Index(fields=["award", "worked_on"], name="reporting_time_award_date")]

    def __str__(self) -> str:
        return f"time entry {self.pk}"


class FundSource(models.TextChoices):
    FEDERAL = "federal", _("Federal share")
    MATCH = "match", _("Match")


class SpendState(models.TextChoices):
    PAID = "paid", _("Paid")
    OBLIGATED = "obligated", _("Obligated, not yet paid")


class Expenditure(models.Model):
    spent_on = models.DateField(_("date"))
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="expenditures", verbose_name=_("award"))
    category = models.CharField(_("budget category"), max_length=16, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    source = models.CharField(_("federal or match"), max_length=8, choices=FundSource.choices)
    state = models.CharField(_("paid or obligated"), max_length=10, choices=SpendState.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        indexes = [models.Index(fields=["award", "spent_on"], name="reporting_spend_award_date")]

    def __str__(self) -> str:
        return f"expenditure {self.pk}"


class AnonymousContact(models.Model):
    """Contacts whose identity was not collected (hotline calls, walk-ins): VOCA Q2."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    contacted_on = models.DateField(_("date"))
    contacts = models.PositiveIntegerField(_("contacts"), validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]

    def __str__(self) -> str:
        return f"anonymous contacts {self.pk}"


# --- Measure definitions -------------------------------------------------------
class PeriodRule(models.TextChoices):
    IN_PERIOD = "in_period", _("Dated in the period")
    NEW_IN_FY = "new_in_fy", _("First in the fiscal year, in the period")
    POINT_IN_TIME = "point_in_time", _("Open at the end of the period")


class Aggregation(models.TextChoices):
    DISTINCT_PERSONS = "distinct_persons", _("Distinct persons")
    DISTINCT_AGENCIES = "distinct_agencies", _("Distinct agencies")
    COUNT_EVENTS = "count_events", _("Count of events")
    SUM_QUANTITY = "sum_quantity", _("Sum of quantity")
    SUM_HOURS = "sum_hours", _("Sum of hours")
    SUM_AMOUNT = "sum_amount", _("Sum of amounts")
    DIFFERENCE = "difference", _("Difference of two measures")


class MeasureDefinition(models.Model):
    """One measure of one report, in one version. Rows are data: a new questionnaire
    is a new version, never an edit of a version a run has used.

    ``population`` names a registered population (``reporting.populations``) that
    fixes the table, its date, person and agency columns and the columns a filter
    or a dimension may read, none of them personal. ``filters`` are ORM lookups on
    those columns. ``dimension`` is empty (one number), ``{"field", "map",
    "categories"}`` (each value mapped to a category), ``{"field", "bins",
    "categories", "missing"}`` (numeric ranges) or ``{"categories": [{"label",
    "where"}]}`` (multi-select: each category its own filter).
    """

    report = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    code = models.CharField(_("code"), max_length=12)
    section = models.CharField(_("section"), max_length=120)
    label = models.CharField(_("label"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"))
    population = models.CharField(_("population"), max_length=40)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    named_filters = models.JSONField(_("named filters"), default=list, blank=True)
    period_rule = models.CharField(_("period rule"), max_length=16, choices=PeriodRule.choices)
    dimension = models.JSONField(_("dimension"), default=dict, blank=True)
    aggregation = models.CharField(_("aggregation"), max_length=20, choices=Aggregation.choices)
    operands = models.JSONField(_("operands"), default=list, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source_note = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["report", "version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version", "code"], name="reporting_measure_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.version} {self.code}"


# --- Runs ------------------------------------------------------------------------
class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportRun(models.Model):
    report = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    award = models.ForeignKey(
        Award, on_delete=models.PROTECT, null=True, blank=True, related_name="runs", verbose_name=_("award")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    fiscal_year_start = models.DateField(_("fiscal year start"))
    definition_version = models.PositiveSmallIntegerField(_("definition version"))
    cutoff_at = models.DateTimeField(_("data cut-off"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    results = models.JSONField(_("results"), default=dict, blank=True)
    # The locked run of the same report and period this one recomputes, if any.
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="recomputations"
    )
    scheduled = models.BooleanField(_("started by the schedule"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_run_period"),
            # The schedule starts one run per report, award and period, however often beat fires.
            models.UniqueConstraint(
                fields=["report", "award", "period_start", "period_end"],
                condition=Q(scheduled=True),
                name="report_run_scheduled_once",
            ),
        ]
        indexes = [models.Index(fields=["report", "period_start", "period_end"], name="report_run_period_idx")]

    def __str__(self) -> str:
        return f"{self.report} {self.period_start}..{self.period_end}"

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


# --- Partner submissions -----------------------------------------------------------
class SubmissionItem(models.TextChoices):
    """Monthly figures a partner that keeps its records elsewhere sends in."""

    INVESTIGATIONS_OPENED = "investigations_opened", _("Investigations opened")
    VICTIMS_CONFIRMED = "victims_confirmed", _("Victims identified (confirmed)")
    VICTIMS_POTENTIAL = "victims_potential", _("Victims identified (potential)")
    VICTIMS_REFERRED = "victims_referred", _("Victims referred to services")
    ARRESTS = "arrests", _("Arrests")
    CHARGES_STATE = "charges_state", _("Charges filed (state)")
    CHARGES_FEDERAL = "charges_federal", _("Charges filed (federal)")
    CONVICTIONS = "convictions", _("Convictions")


class AgencySubmission(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="submissions")
    month = models.DateField(_("month"), help_text=_("The first day of the month the figures cover."))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=10, default="form")

    class Meta:
        ordering = ["-month", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="reporting_submission_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="reporting_submission_month_start"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m}"


class SubmissionFigure(models.Model):
    """One figure of a month. A resubmission supersedes the figures it replaces instead of
    deleting them, so a run cut off before it still counts what was known then."""

    submission = models.ForeignKey(AgencySubmission, on_delete=models.CASCADE, related_name="figures")
    item = models.CharField(_("item"), max_length=24, choices=SubmissionItem.choices)
    value = models.PositiveIntegerField(_("value"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "item"], condition=Q(superseded_at__isnull=True), name="reporting_figure_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}={self.value}"


class SubmissionReminder(models.Model):
    """One reminder per agency, month and day sent: the daily task may run twice."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "month", "sent_on"], name="reporting_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"reminder {self.agency_id} {self.month:%Y-%m}"


class SubmittingAgency(models.Model):
    """A partner expected to send its monthly figures (it keeps its records elsewhere)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="submitting")
    since = models.DateField(_("expected since"), help_text=_("The first month expected."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name_plural = _("submitting agencies")

    def __str__(self) -> str:
        return f"submitting {self.agency_id}"
