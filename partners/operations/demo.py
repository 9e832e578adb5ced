"""A year of the demo task force's meetings, trainings, outreach and volunteer shifts, and two MOUs.

Idempotent: a second run finds the marker rows and changes nothing. Dates are
relative to the day of seeding, so the calendar is never empty and one MOU is
always about to expire.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from partners.models import Agency, Committee, User, Volunteer
from partners.operations import services
from partners.operations.models import AudienceDiscipline, CommitteeKind, MOUStatus, OutreachKind, TrainingTopic

_TRAININGS = (
    ("Recognizing trafficking indicators for patrol", "bayview-pd", TrainingTopic.SEX, {"law_enforcement": 42}),
    ("Labor trafficking in agriculture", "comunidad", TrainingTopic.LABOR, {"labor_regulatory": 9, "community": 25}),
    ("Trauma-informed interviewing", "safe-harbor", TrainingTopic.BOTH, {"law_enforcement": 18, "prosecution": 6}),
    ("Trafficking and the emergency department", "tf-office", TrainingTopic.BOTH, {"health": 31}),
)
_OUTREACH = (
    (OutreachKind.PRESENTATION, "High school assembly", "Students and teachers", 320, "tf-office"),
    (OutreachKind.STREET_OUTREACH, "Harbor Street outreach night", "People in the area", 45, "safe-harbor"),
    (OutreachKind.COMMUNITY_EVENT, "Feria de salud", "Farmworker families", 210, "comunidad"),
    (OutreachKind.MEDIA, "Radio interview", "Listeners", 5000, "tf-office"),
)


def seed() -> dict[str, int]:
    created = {"meetings": 0, "trainings": 0, "outreach": 0, "mous": 0, "volunteers": 0}
    if Committee.objects.filter(name="Core group").exists():
        return created
    agencies = {agency.slug: agency for agency in Agency.objects.all()}
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    if "tf-office" not in agencies or "tfadmin" not in people:
        return created
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    with transaction.atomic():
        core = services.committee_create(
            actor=None,
            name="Core group",
            kind=CommitteeKind.CORE_GROUP,
            members=[people[u] for u in ("detective", "advocate", "prosecutor", "agent") if u in people],
            chair=people["tfadmin"],
        )
        services.committee_create(actor=None, name="Victim services committee", kind=CommitteeKind.VICTIM_SERVICES)
        # Monthly general meetings for the past year and the next two months, the core group in between.
        for offset in range(-12, 3):
            day = (today.replace(day=1) + timedelta(days=32 * offset)).replace(day=10)
            starts = datetime.combine(day, time(10, 0), tzinfo=zone)
            meeting = services.meeting_create(
                actor=None,
                host_agency=agencies["tf-office"],
                title=f"Task force meeting, {day:%B %Y}",
                committee=core if offset % 3 == 0 else None,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                location="Bayview County building, room 4",
                agenda="1. Introductions\n2. Case review (no survivor names)\n3. Trainings and outreach\n4. Other",
                training_topic=TrainingTopic.GENERAL if offset % 4 == 0 else "",
                training_presenter="Pat Quinn" if offset % 4 == 0 else "",
                training_hours=Decimal("0.5") if offset % 4 == 0 else None,
            )
            if day < today:
                present = [people[u] for u in ("tfadmin", "detective", "advocate", "prosecutor") if u in people]
                services.meeting_attendance_set(
                    meeting=meeting,
                    actor=None,
                    people=present[: 2 + (offset % 3)],
                    agency_guests={agencies["comunidad"]: 2, agencies["hsi"]: 1 + offset % 2},
                )
                services.meeting_update(meeting=meeting, actor=None, minutes="Reviewed open referrals and trainings.")
            created["meetings"] += 1
        for month in range(12):
            title, slug, topic, audiences = _TRAININGS[month % len(_TRAININGS)]
            services.training_create(
                actor=None,
                delivered_by=agencies[slug],
                title=title,
                held_on=today - timedelta(days=30 * month + 5),
                hours=Decimal("2.0"),
                topic=topic,
                presenters="Task force trainers",
                location="Bayview",
                audiences={k: v + month for k, v in audiences.items() if k in AudienceDiscipline.values},
            )
            created["trainings"] += 1
            kind, title, audience, reached, slug = _OUTREACH[month % len(_OUTREACH)]
            services.outreach_create(
                actor=None,
                delivered_by=agencies[slug],
                kind=kind,
                title=title,
                audience=audience,
                people_reached=reached,
                held_on=today - timedelta(days=30 * month + 12),
            )
            created["outreach"] += 1
        parties = [agencies["bayview-pd"], agencies["safe-harbor"], agencies["tf-office"]]
        for title, expires in (
            ("Task force MOU: law enforcement and victim services", today + timedelta(days=25)),
            ("Data sharing protocol: county and federal partners", today + timedelta(days=700)),
        ):
            mou = services.mou_create(
                actor=None,
                title=title,
                parties=parties if "victim" in title else [agencies["county-da"], agencies["usao"], agencies["hsi"]],
                purpose="Roles, referral protocol and confidentiality of survivor information.",
                signed_on=today - timedelta(days=340),
                effective_from=today - timedelta(days=340),
                expires_on=expires,
            )
            services.mou_transition(mou=mou, actor=None, status=MOUStatus.IN_SIGNATURE)
            services.mou_transition(mou=mou, actor=None, status=MOUStatus.ACTIVE)
            created["mous"] += 1
        volunteer = services.volunteer_create(
            actor=None,
            agency=agencies["safe-harbor"],
            first_name="Casey",
            last_name="Lopez",
            user=people.get("volunteer"),
            skills=["hotline", "transport"],
            languages=["en", "es"],
            orientation_on=today - timedelta(days=360),
            confidentiality_signed_on=today - timedelta(days=360),
            training_completed_on=today - timedelta(days=350),
        )
        reserve = services.volunteer_create(
            actor=None, agency=agencies["bayview-pd"], first_name="Morgan", last_name="Reyes", law_enforcement=True
        )
        for week in range(52):
            services.volunteer_shift_create(
                volunteer=volunteer if week % 4 else reserve,
                actor=None,
                worked_on=today - timedelta(days=7 * week + 2),
                hours=Decimal(4),
                activity="Hotline" if week % 2 else "Transport",
            )
        created["volunteers"] = Volunteer.objects.count()
    return created
