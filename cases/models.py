"""Cases, survivors, law-enforcement events, consents, services and notes.

Reporting attributes of a survivor live in plain columns of ``Victim`` (the
``profile`` group); personally identifying information lives in the
``identity``, ``contact`` and ``immigration`` groups, so that reports never read
PII. Who may see which group of which record is data: direct-foreign-key
django-guardian grants to agency groups, computed by ``cases.access``.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase

from cases.catalog import ServiceType
from cases.field_groups import case_permissions, victim_permissions
from cases.fields import ChoiceSetField
from partners.models import Agency, User


class TraffickingType(models.TextChoices):
    SEX = "sex", _("Sex")
    LABOR = "labor", _("Labor")
    BOTH = "both", _("Both sex and labor")
    UNKNOWN = "unknown", _("Unknown")


# --- Cases ---------------------------------------------------------------------
class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIVE_INVESTIGATION = "active_investigation", _("Active investigation")
    PENDING_PROSECUTION = "pending_prosecution", _("Pending prosecution")
    CLOSED = "closed", _("Closed")


class CaseOrigin(models.TextChoices):
    TIP_LINE = "tip_line", _("Tip line")
    PATROL = "patrol", _("Patrol")
    PROACTIVE_OPERATION = "proactive_operation", _("Proactive operation")
    PROVIDER_REFERRAL = "provider_referral", _("Referral from a provider")
    OTHER = "other", _("Other")


class Confirmation(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed trafficking")
    NOT_TRAFFICKING = "not_trafficking", _("Not trafficking")
    UNDETERMINED = "undetermined", _("Undetermined")


class CaseNumberSequence(models.Model):
    """The last case number issued per year; the row is locked while a number is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    case_number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    title = models.CharField(pgettext_lazy("case", "title"), max_length=200)
    trafficking_type = models.CharField(
        _("trafficking type"), max_length=10, choices=TraffickingType.choices, default=TraffickingType.UNKNOWN
    )
    status = models.CharField(_("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    origin = models.CharField(_("origin"), max_length=24, choices=CaseOrigin.choices, default=CaseOrigin.OTHER)
    confirmation = models.CharField(
        _("confirmation"), max_length=20, choices=Confirmation.choices, default=Confirmation.UNDETERMINED
    )
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_cases")
    participants: models.ManyToManyField[Agency, CaseParticipant] = models.ManyToManyField(
        Agency, through="CaseParticipant", related_name="participating_cases", blank=True
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        permissions = case_permissions()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                name="cases_case_closed_after_opened",
            )
        ]
        indexes = [models.Index(fields=["lead_agency", "status"], name="cases_case_lead_status")]

    def __str__(self) -> str:
        return self.case_number


class CaseParticipant(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_participations")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="cases_participant_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.agency_id}"


# --- Survivors -----------------------------------------------------------------
class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman/female")
    MAN = "man", _("Man/male")
    TRANSGENDER_WOMAN = "transgender_woman", _("Transgender woman")
    TRANSGENDER_MAN = "transgender_man", _("Transgender man")
    NONBINARY = "nonbinary", _("Nonbinary")
    ANOTHER = "another", _("Another gender identity")
    DECLINED = "declined", _("Declined to answer")
    NOT_ASKED = "not_asked", _("Not asked")


class AgeGroup(models.TextChoices):
    MINOR = "minor", _("Minor (under 18)")
    ADULT = "adult", _("Adult (18 or over)")
    UNKNOWN = "unknown", _("Unknown")


class Citizenship(models.TextChoices):
    US_CITIZEN = "us_citizen", _("U.S. citizen")
    LPR = "lpr", _("Lawful permanent resident")
    FOREIGN_NATIONAL = "foreign_national", _("Foreign national")
    UNKNOWN = "unknown", _("Unknown")


class RaceEthnicity(models.TextChoices):
    # One category per person, as the VOCA report counts it (several races: "multiple").
    AMERICAN_INDIAN = "american_indian", _("American Indian or Alaska Native")
    ASIAN = "asian", _("Asian")
    BLACK = "black", _("Black or African American")
    HISPANIC = "hispanic", _("Hispanic or Latino")
    PACIFIC_ISLANDER = "pacific_islander", _("Native Hawaiian or other Pacific Islander")
    WHITE = "white", _("White non-Latino or Caucasian")
    OTHER = "other", _("Some other race")
    MULTIPLE = "multiple", _("Multiple races")
    DECLINED = "declined", _("Declined to answer")
    NOT_ASKED = "not_asked", _("Not asked")


class Victimization(models.TextChoices):
    """Victimizations besides the trafficking itself (VOCA Q5A); the trafficking type gives the rest."""

    ADULT_PHYSICAL_ASSAULT = "adult_physical_assault", _("Adult physical assault")
    ADULT_SEXUAL_ASSAULT = "adult_sexual_assault", _("Adult sexual assault")
    ADULTS_ABUSED_AS_CHILDREN = "adults_abused_as_children", _("Adult sexually abused or assaulted as a child")
    ARSON = "arson", _("Arson")
    BULLYING = "bullying", _("Bullying")
    BURGLARY = "burglary", _("Burglary")
    CHILD_PHYSICAL_ABUSE = "child_physical_abuse", _("Child physical abuse or neglect")
    CHILD_PORNOGRAPHY = "child_pornography", _("Child pornography")
    CHILD_SEXUAL_ABUSE = "child_sexual_abuse", _("Child sexual abuse or assault")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic and/or family violence")
    DUI = "dui", _("DUI/DWI incident")
    ELDER_ABUSE = "elder_abuse", _("Elder abuse or neglect")
    HATE_CRIME = "hate_crime", _("Hate crime")
    IDENTITY_THEFT = "identity_theft", _("Identity theft, fraud or financial crime")
    KIDNAPPING_NON_CUSTODIAL = "kidnapping_non_custodial", _("Kidnapping (non-custodial)")
    KIDNAPPING_CUSTODIAL = "kidnapping_custodial", _("Kidnapping (custodial)")
    MASS_VIOLENCE = "mass_violence", _("Mass violence")
    OTHER_VEHICULAR = "other_vehicular", _("Other vehicular victimization")
    ROBBERY = "robbery", _("Robbery")
    STALKING = "stalking", _("Stalking or harassment")
    HOMICIDE_SURVIVOR = "homicide_survivor", _("Survivor of a homicide victim")
    TEEN_DATING = "teen_dating", _("Teen dating victimization")
    TERRORISM = "terrorism", _("Terrorism")
    OTHER = "other", _("Other")


class SpecialClassification(models.TextChoices):
    DEAF = "deaf", _("Deaf or hard of hearing")
    HOMELESS = "homeless", _("Homeless")
    IMMIGRANT = "immigrant", _("Immigrant, refugee or asylum seeker")
    LGBTQ = "lgbtq", _("LGBTQ")
    VETERAN = "veteran", _("Veteran")
    DISABILITY = "disability", _("Victim with a disability")
    LIMITED_ENGLISH = "limited_english", _("Limited English proficiency")
    OTHER = "other", _("Other")


class VictimStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed victim")
    POTENTIAL = "potential", _("Potential victim")


class ReferralSource(models.TextChoices):
    FEDERAL_LE = "federal_le", _("Federal law enforcement")
    LOCAL_LE = "local_le", _("State or local law enforcement")
    FEDERAL_PROSECUTOR = "federal_prosecutor", _("Federal prosecutor")
    LOCAL_PROSECUTOR = "local_prosecutor", _("State or local prosecutor")
    PROVIDER = "provider", _("Victim service provider or NGO")
    HOTLINE = "hotline", _("National Human Trafficking Hotline")
    HEALTH_CARE = "health_care", _("Health care")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    SCHOOL = "school", _("School")
    FAITH = "faith", _("Faith-based organization")
    LEGAL = "legal", _("Attorney or legal aid")
    SELF = "self", _("Self")
    FAMILY_FRIEND = "family_friend", _("Family or friend")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Victim(models.Model):
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="victims")
    # profile: reporting attributes, no PII
    pseudonym = models.CharField(_("pseudonym"), max_length=100)
    trafficking_type = models.CharField(_("trafficking type"), max_length=10, choices=TraffickingType.choices)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, default=Gender.NOT_ASKED)
    estimated_age = models.PositiveSmallIntegerField(_("estimated age at intake"), null=True, blank=True)
    # Derived by cases.services from the date of birth or the estimated age, so
    # reports read the age group without touching the date of birth.
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    # Derived the same way, in years: reports bin it (VOCA age bands) without the date of birth.
    age_at_intake = models.PositiveSmallIntegerField(_("age at intake"), null=True, blank=True)
    citizenship = models.CharField(
        _("citizenship"), max_length=20, choices=Citizenship.choices, default=Citizenship.UNKNOWN
    )
    primary_language = models.CharField(_("primary language"), max_length=40, blank=True)
    race_ethnicity = models.CharField(
        _("race or ethnicity"), max_length=20, choices=RaceEthnicity.choices, default=RaceEthnicity.NOT_ASKED
    )
    victimizations = ChoiceSetField(
        _("other victimizations"),
        choice_set=Victimization.choices,
        help_text=_("Crimes suffered besides the trafficking itself."),
    )
    special_classifications = ChoiceSetField(_("special classifications"), choice_set=SpecialClassification.choices)
    status = models.CharField(_("status"), max_length=10, choices=VictimStatus.choices, default=VictimStatus.POTENTIAL)
    referral_source = models.CharField(
        _("referral source"), max_length=24, choices=ReferralSource.choices, default=ReferralSource.UNKNOWN
    )
    intake_date = models.DateField(_("intake date"), default=timezone.localdate)
    # identity
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    aliases = models.CharField(_("aliases"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # contact
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True)
    safe_contact_notes = models.TextField(_("safe contact instructions"), blank=True)
    # immigration
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    immigration_status = models.CharField(_("immigration status"), max_length=200, blank=True)
    immigration_relief = models.CharField(_("immigration relief"), max_length=300, blank=True)

    cases: models.ManyToManyField[Case, CaseVictim] = models.ManyToManyField(
        Case, through="CaseVictim", related_name="victims", blank=True
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-intake_date", "-id"]
        permissions = victim_permissions()
        indexes = [models.Index(fields=["owner_agency", "-intake_date"], name="cases_victim_owner_intake")]

    def __str__(self) -> str:
        # Opaque: the pseudonym is shared more widely than the name, never the name itself.
        return f"victim {self.pk}"


class CaseVictim(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victim_links")
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="case_links")
    linked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "victim"], name="cases_casevictim_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.victim_id}"


class FamilyMember(models.Model):
    """An eligible family member of a principal victim; counted apart in OVC reports."""

    class Relationship(models.TextChoices):
        PARENT = "parent", _("Parent")
        SPOUSE = "spouse", _("Spouse or partner")
        CHILD = "child", _("Child")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="family_members")
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    pseudonym = models.CharField(_("pseudonym"), max_length=100)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, default=Gender.NOT_ASKED)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"family member {self.pk} of victim {self.victim_id}"


# --- Law-enforcement events (case `investigation` and `prosecution` groups) -----
class Suspect(models.Model):
    class Role(models.TextChoices):
        TRAFFICKER = "trafficker", _("Trafficker")
        FACILITATOR = "facilitator", _("Facilitator")
        PURCHASER = "purchaser", _("Purchaser")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspects")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200)
    aliases = models.CharField(_("aliases"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"suspect {self.pk}"


class Arrest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="arrests")
    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="arrests")
    arrested_on = models.DateField(_("arrested on"))
    arresting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"arrest {self.pk}"


class Charge(models.Model):
    class Jurisdiction(models.TextChoices):
        STATE = "state", _("State")
        FEDERAL = "federal", _("Federal")
        TRIBAL = "tribal", _("Tribal")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="charges")
    jurisdiction = models.CharField(_("jurisdiction"), max_length=8, choices=Jurisdiction.choices)
    statute = models.CharField(_("statute"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_trafficking_statute = models.BooleanField(_("human-trafficking statute"), default=False)
    nibrs_code = models.CharField(_("NIBRS code"), max_length=8, blank=True)
    filed_on = models.DateField(_("filed on"))
    filing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"charge {self.pk}"


class Disposition(models.Model):
    class Outcome(models.TextChoices):
        CONVICTED_PLEA = "convicted_plea", _("Convicted (plea)")
        CONVICTED_TRIAL = "convicted_trial", _("Convicted (trial)")
        ACQUITTED = "acquitted", _("Acquitted")
        DISMISSED = "dismissed", _("Dismissed")
        DEFERRED = "deferred", _("Deferred adjudication")
        OTHER = "other", _("Other")

    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="dispositions")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    disposed_on = models.DateField(_("disposed on"))
    sentence = models.CharField(_("sentence"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"disposition {self.pk}"


# --- Services and notes (victim `services` and `notes` groups) -----------------
class ServiceEvent(models.Model):
    class Delivery(models.TextChoices):
        DIRECT = "direct", _("Delivered directly")
        REFERRAL = "referral", _("By referral")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="service_events")
    family_member = models.ForeignKey(
        FamilyMember, on_delete=models.CASCADE, null=True, blank=True, related_name="service_events"
    )
    delivered_on = models.DateField(_("date"))
    providing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="service_events")
    service_type = models.CharField(_("service"), max_length=40, choices=ServiceType.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.DIRECT)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=1)
    unit = models.CharField(_("unit"), max_length=20, default="session")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["delivered_on", "service_type"], name="cases_service_date_type")]

    def __str__(self) -> str:
        return f"service {self.pk}"


class Note(models.Model):
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    privileged = models.BooleanField(
        _("privileged"),
        default=True,
        help_text=_("Advocate-survivor communication: never leaves the agency, not even with consent."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


# --- Consent -------------------------------------------------------------------
class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self, on: date | None = None) -> ConsentQuerySet:
        """Unrevoked and not past its expiry date (inclusive)."""
        today = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, obtained_on__lte=today, expires_on__gte=today)


class Consent(models.Model):
    """A survivor's written, time-limited release of named field groups to one agency."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="consents")
    recipient_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consents_received")
    field_groups = models.JSONField(_("field groups"))
    purpose = models.CharField(_("purpose"), max_length=300)
    obtained_on = models.DateField(_("obtained on"))
    obtained_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_form_reference = models.CharField(_("written form reference"), max_length=100, blank=True)
    expires_on = models.DateField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Set by the daily sweep once the grants of a lapsed consent are gone.
    lapse_processed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[ConsentQuerySet] = ConsentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-obtained_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("obtained_on")), name="cases_consent_expires_after_obtained"
            )
        ]
        indexes = [models.Index(fields=["victim", "recipient_agency"], name="cases_consent_victim_recipient")]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    def is_active(self, on: date | None = None) -> bool:
        today = on or timezone.localdate()
        return self.revoked_at is None and self.obtained_on <= today <= self.expires_on


# --- Grants (django-guardian, direct foreign keys, agency groups only) ----------
class VictimGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="grants")

    # guardian's unique (group, permission, content_object) is the index every lookup uses.
    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


# --- Access and disclosure logs ---------------------------------------------------
class AccessLogEntry(models.Model):
    """One entry per request that read survivor PII groups; opaque ids only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    field_groups = models.JSONField(default=list)
    victims: models.ManyToManyField[Victim, AccessLogVictim] = models.ManyToManyField(
        Victim, through="AccessLogVictim", related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"access {self.pk}"


class AccessLogVictim(models.Model):
    entry = models.ForeignKey(AccessLogEntry, on_delete=models.CASCADE, related_name="victim_rows")
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="access_rows")
    field_groups = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["victim", "entry"], name="cases_accessvictim_victim")]

    def __str__(self) -> str:
        return f"access {self.entry_id} of victim {self.victim_id}"


class Disclosure(models.Model):
    """A field group of a survivor made visible to another agency, and when it stopped."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Survivor's consent")
        AGREEMENT = "agreement", _("Sharing agreement on a shared case")
        REFERRAL = "referral", _("Accepted referral")

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="disclosures")
    recipient_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    field_group = models.CharField(max_length=16)
    basis = models.CharField(max_length=10, choices=Basis.choices)
    consent = models.ForeignKey(Consent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["victim", "recipient_agency", "withdrawn_at"], name="cases_disclosure_open")]

    def __str__(self) -> str:
        return f"disclosure {self.pk}"
