"""The survivor pages, per persona: what each one sees, what each one may change."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.field_groups import WITHHELD_REASONS
from cases.models import AccessLogEntry, CaseVictim, Consent, Note, ServiceEvent, Victim

pytestmark = pytest.mark.django_db

GROUPS = ("profile", "identity", "contact", "immigration", "services", "notes")


@pytest.fixture
def world(personas):
    """Safe Harbor's survivor Rose on a Bayview case; Safe Harbor shares profiles with Bayview."""
    advocate, detective = personas["advocate"], personas["detective"]
    services.sharing_agreement_set(
        owner=advocate.agency, partner=detective.agency, actor=personas["tfadmin"], victim_groups=["profile"]
    )
    case = services.case_create(actor=detective, title="Harbor Street massage businesses", trafficking_type="sex")
    victim = services.victim_create(
        actor=advocate,
        pseudonym="Rose",
        trafficking_type="sex",
        legal_name="Maria Example",
        phone="555-0142",
        nationality="Honduras",
    )
    services.note_create(victim=victim, actor=advocate, body="Told me about the night shift.")
    services.case_link_victim(case=case, victim=victim, actor=advocate)
    return {"case": case, "victim": victim, **personas}


def sections(response) -> dict[str, str]:
    """{group: "data" | "withheld"} of each field-group section of a survivor page."""
    html = response.content.decode()
    found = {}
    for group in GROUPS:
        match = re.search(rf'data-testid="group-{group}">(.*?)</section>', html, re.S)
        assert match, group
        found[group] = "withheld" if f'data-testid="withheld-{group}"' in match.group(1) else "data"
    return found


def url(victim: Victim, suffix: str = "") -> str:
    return f"/survivors/{victim.pk}/{suffix}"


# --- Reading ---------------------------------------------------------------------------
def test_the_advocate_sees_her_survivor_with_every_group(world, client_for):
    response = client_for("advocate").get(url(world["victim"]))

    assert response.status_code == 200
    assert sections(response) == dict.fromkeys(GROUPS, "data")
    html = response.content.decode()
    assert "Maria Example" in html
    assert "Told me about the night shift." in html
    assert 'data-testid="consents"' in html


def test_the_detective_sees_only_the_profile_until_consent(world, client_for):
    client = client_for("detective")
    response = client.get(url(world["victim"]))

    assert response.status_code == 200
    assert sections(response) == {
        "profile": "data",
        "identity": "withheld",
        "contact": "withheld",
        "immigration": "withheld",
        "services": "withheld",
        "notes": "withheld",
    }
    html = response.content.decode()
    assert "Rose" in html
    assert "Maria Example" not in html
    assert "555-0142" not in html
    assert "night shift" not in html
    assert "Shared only with the survivor&#x27;s written consent; none is on file for your agency." in html
    assert str(WITHHELD_REASONS["owner_only"]) in html
    assert 'data-testid="consents"' not in html  # consents are the owner's business
    profile = re.search(r'data-testid="group-profile">(.*?)</section>', html, re.S)
    assert profile
    assert "<form" not in profile.group(1)


def test_after_consent_the_detective_sees_identity_and_never_notes(world, client_for):
    advocate = client_for("advocate")
    response = advocate.post(
        url(world["victim"], "consents/"),
        {
            "recipient_agency": "bayview-pd",
            "field_groups": ["identity"],
            "purpose": "Investigation of the Harbor Street case",
            "obtained_on": timezone.localdate().isoformat(),
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(victim=world["victim"])

    detective = client_for("detective")
    found = sections(detective.get(url(world["victim"])))
    assert found["identity"] == "data"
    assert found["contact"] == "withheld"
    assert found["notes"] == "withheld"

    assert advocate.post(url(world["victim"], f"consents/{consent.pk}/revoke/")).status_code == 302
    assert sections(detective.get(url(world["victim"])))["identity"] == "withheld"


@pytest.mark.parametrize("persona", ["advocate2", "detective2", "prosecutor", "volunteer", "tfadmin"])
def test_other_agencies_get_404_for_the_survivor_and_its_actions(world, client_for, persona):
    client = client_for(persona)
    victim = world["victim"]
    assert client.get(url(victim)).status_code == 404
    for suffix in ("groups/identity/", "consents/", "services/", "notes/", "cases/"):
        assert client.post(url(victim, suffix), {}).status_code == 404, suffix
    assert "Rose" not in client.get("/survivors/").content.decode() or persona == "volunteer"


def test_the_list_shows_her_agencys_survivors_and_searches_by_pseudonym(world, client_for):
    client = client_for("advocate")
    assert "Rose" in client.get("/survivors/").content.decode()
    assert "Rose" not in client.get("/survivors/?q=Lily").content.decode()
    assert "Rose" in client.get("/survivors/?q=ros").content.decode()
    assert "No survivors yet" in client_for("advocate2").get("/survivors/").content.decode()
    assert client_for("volunteer").get("/survivors/").status_code == 403


def test_the_detective_lists_the_shared_survivor_by_pseudonym(world, client_for):
    html = client_for("detective").get("/survivors/").content.decode()
    assert "Rose" in html
    assert "Shared by Safe Harbor" in html


# --- Access log --------------------------------------------------------------------------
def test_a_pii_read_is_written_to_the_access_log_and_a_profile_read_is_not(world, client_for):
    victim = world["victim"]
    client_for("detective").get(url(victim))
    assert not AccessLogEntry.objects.exists()

    client_for("advocate").get(url(victim))

    entry = AccessLogEntry.objects.get()
    assert entry.user.username == "advocate"
    assert entry.path == url(victim)
    assert entry.field_groups == ["contact", "identity", "immigration", "notes"]
    assert list(entry.victim_rows.values_list("victim_id", flat=True)) == [victim.pk]


# --- Intake ------------------------------------------------------------------------------
def test_intake_needs_only_a_pseudonym_and_a_trafficking_type(personas, client_for):
    client = client_for("advocate")
    assert client.get("/survivors/new/").status_code == 200

    response = client.post("/survivors/new/", {"pseudonym": "Lily", "trafficking_type": "labor"})

    victim = Victim.objects.get(pseudonym="Lily")
    assert response.status_code == 302
    assert response["Location"] == url(victim)
    assert victim.owner_agency.slug == "safe-harbor"
    assert (victim.gender, victim.legal_name, victim.age_group) == ("not_asked", "", "unknown")


def test_intake_takes_declined_and_optional_sections(personas, client_for):
    client_for("advocate").post(
        "/survivors/new/",
        {
            "pseudonym": "Iris",
            "trafficking_type": "sex",
            "gender": "declined",
            "legal_name": "Ivy Example",
            "date_of_birth": "2010-01-02",
            "safe_contact_notes": "Text only",
        },
    )
    victim = Victim.objects.get(pseudonym="Iris")
    assert (victim.gender, victim.legal_name, victim.age_group) == ("declined", "Ivy Example", "minor")


def test_an_invalid_intake_changes_nothing(personas, client_for):
    response = client_for("advocate").post("/survivors/new/", {"pseudonym": "", "email": "not-an-email"})

    assert response.status_code == 400
    assert not Victim.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_intake_is_refused_to_roles_without_survivors(personas, client_for):
    assert client_for("volunteer").get("/survivors/new/").status_code == 403
    assert (
        client_for("analyst").post("/survivors/new/", {"pseudonym": "X", "trafficking_type": "sex"}).status_code == 403
    )
    assert not Victim.objects.exists()


# --- Editing a field group -------------------------------------------------------------
def test_the_advocate_edits_a_group(world, client_for):
    response = client_for("advocate").post(
        url(world["victim"], "groups/contact/"),
        {"phone": "555-0199", "email": "", "address": "", "safe_contact_notes": ""},
    )
    assert response.status_code == 302
    assert Victim.objects.get(pk=world["victim"].pk).phone == "555-0199"


def test_an_invalid_edit_changes_nothing(world, client_for):
    response = client_for("advocate").post(url(world["victim"], "groups/contact/"), {"phone": "1", "email": "nope"})
    assert response.status_code == 400
    assert Victim.objects.get(pk=world["victim"].pk).phone == "555-0142"


def test_a_write_outside_the_writable_groups_is_refused(world, client_for):
    client = client_for("detective")
    victim = world["victim"]
    assert client.post(url(victim, "groups/profile/"), {"pseudonym": "X", "trafficking_type": "sex"}).status_code == 403
    assert client.post(url(victim, "groups/identity/"), {"legal_name": "Someone"}).status_code == 403
    assert client.post(url(victim, "notes/"), {"body": "x", "privileged": "on"}).status_code == 403
    assert (
        client.post(url(victim, "services/"), {"service_type": "medical", "delivered_on": "2026-01-02"}).status_code
        == 403
    )
    fresh = Victim.objects.get(pk=victim.pk)
    assert (fresh.pseudonym, fresh.legal_name) == ("Rose", "Maria Example")
    assert Note.objects.count() == 1
    assert not ServiceEvent.objects.exists()


def test_an_unknown_group_is_404(world, client_for):
    assert client_for("advocate").post(url(world["victim"], "groups/notes/"), {}).status_code == 404


# --- Consent ---------------------------------------------------------------------------
def test_consent_defaults_to_90_days_and_lists_with_its_status(world, client_for):
    client = client_for("advocate")
    page = client.get(url(world["victim"])).content.decode()
    in_90_days = (timezone.localdate() + timedelta(days=90)).isoformat()
    assert f'value="{in_90_days}"' in page

    client.post(
        url(world["victim"], "consents/"),
        {
            "recipient_agency": "hsi",
            "field_groups": ["identity", "immigration"],
            "purpose": "Continued Presence",
            "obtained_on": timezone.localdate().isoformat(),
            "expires_on": in_90_days,
        },
    )
    consent = Consent.objects.get()
    assert consent.recipient_agency.slug == "hsi"
    assert consent.field_groups == ["identity", "immigration"]
    row = re.search(
        rf'data-testid="consent-{consent.pk}">(.*?)</tr>', client.get(url(world["victim"])).content.decode(), re.S
    )
    assert row
    assert "Active" in row.group(1)
    assert "Revoke consent for" in row.group(1)

    client.post(url(world["victim"], f"consents/{consent.pk}/revoke/"))
    row = re.search(
        rf'data-testid="consent-{consent.pk}">(.*?)</tr>', client.get(url(world["victim"])).content.decode(), re.S
    )
    assert row
    assert "Revoked" in row.group(1)
    assert "Revoke consent for" not in row.group(1)


def test_an_invalid_consent_changes_nothing(world, client_for):
    response = client_for("advocate").post(
        url(world["victim"], "consents/"),
        {
            "recipient_agency": "bayview-pd",
            "field_groups": ["identity"],
            "purpose": "Too long",
            "obtained_on": "2026-01-01",
            "expires_on": "2027-06-01",
        },
    )
    assert response.status_code == 400
    assert "A consent lasts at most 365 days." in response.content.decode()
    assert not Consent.objects.exists()


def test_notes_cannot_be_consented(world, client_for):
    response = client_for("advocate").post(
        url(world["victim"], "consents/"),
        {
            "recipient_agency": "bayview-pd",
            "field_groups": ["notes"],
            "purpose": "x",
            "obtained_on": "2026-01-01",
            "expires_on": "2026-02-01",
        },
    )
    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_the_printable_consent_form_in_english_and_spanish(world, client_for):
    consent = services.consent_create(
        victim=world["victim"],
        actor=world["advocate"],
        recipient_agency=world["detective"].agency,
        field_groups=["identity", "contact"],
        purpose="Investigation of the Harbor Street case",
        obtained_on=date(2026, 3, 1),
        expires_on=date(2026, 3, 31),
    )
    client = client_for("advocate")
    english = client.get(url(world["victim"], f"consents/{consent.pk}/form/")).content.decode()
    assert '<html lang="en">' in english
    for text in (
        "Rose",
        "Bayview",
        "Investigation of the Harbor Street case",
        "legal name",
        "address",
        "March 31, 2026",
    ):
        assert text in english, text
    assert "immigration status" not in english
    assert "Signature of the survivor" in english

    spanish = client.get(url(world["victim"], f"consents/{consent.pk}/form/?lang=es")).content.decode()
    assert '<html lang="es">' in spanish
    assert "Rose" in spanish
    assert "2026" in spanish
    # Someone else's survivor's consent form is not reachable.
    assert client_for("detective").get(url(world["victim"], f"consents/{consent.pk}/form/")).status_code == 404
    assert client_for("detective").post(url(world["victim"], f"consents/{consent.pk}/revoke/")).status_code == 404


# --- Services, notes, links -----------------------------------------------------------
def test_logging_a_service_and_a_privileged_note(world, client_for):
    client = client_for("advocate")
    victim = world["victim"]
    assert (
        client.post(
            url(victim, "services/"), {"service_type": "medical", "delivered_on": "2026-01-02", "quantity": "2"}
        ).status_code
        == 302
    )
    event = ServiceEvent.objects.get()
    assert (event.service_type, event.quantity, event.providing_agency.slug) == ("medical", 2, "safe-harbor")

    assert client.post(url(victim, "notes/"), {"body": "Wants to move.", "privileged": "on"}).status_code == 302
    assert Note.objects.get(body="Wants to move.").privileged is True
    assert client.post(url(victim, "notes/"), {"body": ""}).status_code == 400
    assert Note.objects.count() == 2


def test_linking_to_a_case_by_number(world, client_for, personas):
    other_case = services.case_create(actor=personas["detective2"], title="Farm labor", trafficking_type="labor")
    victim = services.victim_create(actor=world["advocate"], pseudonym="Lily", trafficking_type="labor")
    client = client_for("advocate")

    response = client.post(url(victim, "cases/"), {"case_number": other_case.case_number.lower()})

    assert response.status_code == 302
    assert CaseVictim.objects.filter(case=other_case, victim=victim).exists()


def test_a_wrong_case_number_and_a_refused_link_give_the_same_answer(world, client_for, personas):
    # The detective sees Rose (profile) but does not work Harbor PD's case: refused.
    harbor_case = services.case_create(actor=personas["detective2"], title="Farm labor", trafficking_type="labor")
    client = client_for("detective")
    victim = world["victim"]

    refused = client.post(url(victim, "cases/"), {"case_number": harbor_case.case_number})
    wrong = client.post(url(victim, "cases/"), {"case_number": "TF-1999-9999"})

    assert refused.status_code == wrong.status_code == 400
    message = "No case with that number can be linked to this survivor."
    assert message in refused.content.decode()
    assert message in wrong.content.decode()
    assert not CaseVictim.objects.filter(case=harbor_case).exists()


def test_the_access_report_page_lists_reads_and_disclosures_for_the_owner_only(world, client_for, personas):
    rose, advocate, detective = world["victim"], personas["advocate"], personas["detective"]
    services.consent_create(
        victim=rose,
        actor=advocate,
        recipient_agency=detective.agency,
        field_groups=["identity"],
        purpose="Interview scheduling",
    )
    client_for("detective").get(f"/survivors/{rose.pk}/")  # the detective reads Rose's identity

    page = client_for("advocate").get(f"/survivors/{rose.pk}/access-report/")

    assert page.status_code == 200
    html = page.content.decode()
    disclosures = html.split('data-testid="disclosures"')[1].split("</section>")[0]
    reads = html.split('data-testid="reads"')[1].split("</section>")[0]
    assert "bayview-pd" in disclosures
    assert "identity" in disclosures
    assert "detective" in reads
    assert "identity" in reads
    assert client_for("detective").get(f"/survivors/{rose.pk}/access-report/").status_code == 403
    assert client_for("advocate2").get(f"/survivors/{rose.pk}/access-report/").status_code == 404


def test_family_members_are_recorded_and_can_receive_services(world, client_for):
    rose = world["victim"]
    client = client_for("advocate")

    added = client.post(
        f"/survivors/{rose.pk}/family/",
        {"pseudonym": "Little R", "relationship": "child", "age_group": "minor", "gender": "not_asked"},
    )
    member = rose.family_members.get()
    logged = client.post(
        f"/survivors/{rose.pk}/services/",
        {"service_type": "childcare", "delivered_on": "2026-11-02", "quantity": "1", "family_member_id": member.pk},
    )

    assert added.status_code == 302
    assert logged.status_code == 302
    assert rose.service_events.get().family_member == member
    page = client.get(f"/survivors/{rose.pk}/").content.decode()
    assert "Little R" in page
    # Only the survivor's own agency records family members.
    assert (
        client_for("detective")
        .post(f"/survivors/{rose.pk}/family/", {"pseudonym": "X", "relationship": "child"})
        .status_code
        == 403
    )
