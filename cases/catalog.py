"""Canonical service types and their crosswalks to the funders' categories.

The canonical list is richer than any one report (grant-measures.md §6.5): each
type maps many-to-one to a VOCA service item (A1-E11) and to an OVC human
trafficking category (H11, inferred; kept as data so the official list can
replace it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    INFO_CRIMINAL_JUSTICE = "info_criminal_justice", _("Information about the criminal justice process")
    INFO_VICTIM_RIGHTS = "info_victim_rights", _("Information about victim rights")
    REFERRAL_VICTIM_SERVICES = "referral_victim_services", _("Referral to other victim service programs")
    REFERRAL_OTHER = "referral_other", _("Referral to other services and resources")
    CASE_MANAGEMENT = "case_management", _("Case management")
    MEDICAL_ADVOCACY = "medical_advocacy", _("Advocacy/accompaniment to medical care")
    FORENSIC_EXAM_ADVOCACY = "forensic_exam_advocacy", _("Advocacy/accompaniment to a forensic exam")
    LE_INTERVIEW_ADVOCACY = "le_interview_advocacy", _("Law enforcement interview advocacy")
    INDIVIDUAL_ADVOCACY = "individual_advocacy", _("Individual advocacy (benefits, property)")
    PUBLIC_BENEFITS = "public_benefits", _("Public benefits assistance")
    EMPLOYER_LANDLORD_INTERVENTION = (
        "employer_landlord_intervention",
        _("Intervention with employer, creditor or landlord"),
    )
    CHILDCARE = "childcare", _("Child or dependent care assistance")
    TRANSPORTATION = "transportation", _("Transportation assistance")
    INTERPRETATION = "interpretation", _("Interpretation/translation")
    CRISIS_INTERVENTION = "crisis_intervention", _("Crisis intervention and safety planning")
    HOTLINE = "hotline", _("Hotline/crisis line counseling")
    ON_SCENE_RESPONSE = "on_scene_response", _("On-scene crisis response")
    COUNSELING = "counseling", _("Individual counseling/mental health")
    SUPPORT_GROUP = "support_group", _("Support groups")
    OTHER_THERAPY = "other_therapy", _("Other therapy (cultural, art, alternative healing)")
    EMERGENCY_FINANCIAL = "emergency_financial", _("Emergency financial assistance")
    BASIC_NECESSITIES = "basic_necessities", _("Basic necessities and personal items")
    MEDICAL = "medical", _("Medical care")
    DENTAL = "dental", _("Dental care")
    SUBSTANCE_USE = "substance_use", _("Substance use treatment")
    EMERGENCY_SHELTER = "emergency_shelter", _("Emergency shelter or safe house")
    TRANSITIONAL_HOUSING = "transitional_housing", _("Transitional housing")
    RELOCATION = "relocation", _("Relocation and housing assistance")
    CJ_NOTIFICATION = "cj_notification", _("Notification of criminal justice events")
    IMPACT_STATEMENT = "impact_statement", _("Victim impact statement assistance")
    RESTITUTION = "restitution", _("Assistance with restitution")
    PROTECTION_ORDER = "protection_order", _("Legal help with a protection order")
    FAMILY_LAW = "family_law", _("Legal help with family law")
    IMMIGRATION_LEGAL = "immigration_legal", _("Immigration legal assistance (T/U visa, Continued Presence)")
    PROSECUTION_ADVOCACY = "prosecution_advocacy", _("Prosecution interview advocacy")
    CRIMINAL_ADVOCACY = "criminal_advocacy", _("Criminal justice advocacy/accompaniment")
    CIVIL_LEGAL = "civil_legal", _("Other civil legal assistance")
    COMPENSATION_APPLICATION = "compensation_application", _("Help with a victim compensation application")
    CRIMINAL_RECORD_RELIEF = "criminal_record_relief", _("Criminal record relief")
    EDUCATION = "education", _("Education (ESL, GED)")
    EMPLOYMENT = "employment", _("Employment and job training")
    LIFE_SKILLS = "life_skills", _("Life skills")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification/repatriation")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class Crosswalk:
    voca: str  # VOCA PMT service item, A1-E11 ("" when VOCA has none)
    ovc: str  # OVC human-trafficking service category (H11)


S = ServiceType
CROSSWALK: dict[str, Crosswalk] = {
    S.INFO_CRIMINAL_JUSTICE: Crosswalk("A1", "criminal_justice_advocacy"),
    S.INFO_VICTIM_RIGHTS: Crosswalk("A2", "case_management"),
    S.REFERRAL_VICTIM_SERVICES: Crosswalk("A3", "case_management"),
    S.REFERRAL_OTHER: Crosswalk("A4", "case_management"),
    S.CASE_MANAGEMENT: Crosswalk("B4", "case_management"),
    S.MEDICAL_ADVOCACY: Crosswalk("B1", "medical"),
    S.FORENSIC_EXAM_ADVOCACY: Crosswalk("B2", "medical"),
    S.LE_INTERVIEW_ADVOCACY: Crosswalk("B3", "criminal_justice_advocacy"),
    S.INDIVIDUAL_ADVOCACY: Crosswalk("B4", "case_management"),
    S.PUBLIC_BENEFITS: Crosswalk("B4", "public_benefits"),
    S.EMPLOYER_LANDLORD_INTERVENTION: Crosswalk("B7", "case_management"),
    S.CHILDCARE: Crosswalk("B8", "childcare"),
    S.TRANSPORTATION: Crosswalk("B9", "transportation"),
    S.INTERPRETATION: Crosswalk("B10", "interpretation"),
    S.CRISIS_INTERVENTION: Crosswalk("C1", "crisis_intervention"),
    S.HOTLINE: Crosswalk("C2", "crisis_intervention"),
    S.ON_SCENE_RESPONSE: Crosswalk("C3", "crisis_intervention"),
    S.COUNSELING: Crosswalk("C4", "mental_health"),
    S.SUPPORT_GROUP: Crosswalk("C5", "mental_health"),
    S.OTHER_THERAPY: Crosswalk("C6", "mental_health"),
    S.EMERGENCY_FINANCIAL: Crosswalk("C7", "emergency_financial"),
    S.BASIC_NECESSITIES: Crosswalk("", "basic_necessities"),
    S.MEDICAL: Crosswalk("", "medical"),
    S.DENTAL: Crosswalk("", "dental"),
    S.SUBSTANCE_USE: Crosswalk("", "substance_use"),
    S.EMERGENCY_SHELTER: Crosswalk("D1", "housing_emergency"),
    S.TRANSITIONAL_HOUSING: Crosswalk("D2", "housing_transitional"),
    S.RELOCATION: Crosswalk("D3", "housing_long_term"),
    S.CJ_NOTIFICATION: Crosswalk("E1", "criminal_justice_advocacy"),
    S.IMPACT_STATEMENT: Crosswalk("E2", "criminal_justice_advocacy"),
    S.RESTITUTION: Crosswalk("E3", "criminal_justice_advocacy"),
    S.PROTECTION_ORDER: Crosswalk("E4", "civil_legal"),
    S.FAMILY_LAW: Crosswalk("E5", "civil_legal"),
    S.IMMIGRATION_LEGAL: Crosswalk("E7", "immigration_legal"),
    S.PROSECUTION_ADVOCACY: Crosswalk("E8", "criminal_justice_advocacy"),
    S.CRIMINAL_ADVOCACY: Crosswalk("E10", "criminal_justice_advocacy"),
    S.CIVIL_LEGAL: Crosswalk("E11", "civil_legal"),
    S.CRIMINAL_RECORD_RELIEF: Crosswalk("E11", "civil_legal"),
    # VOCA counts it apart (Q6), not as a service item.
    S.COMPENSATION_APPLICATION: Crosswalk("", "criminal_justice_advocacy"),
    S.EDUCATION: Crosswalk("", "education"),
    S.EMPLOYMENT: Crosswalk("", "employment"),
    S.LIFE_SKILLS: Crosswalk("", "life_skills"),
    S.FAMILY_REUNIFICATION: Crosswalk("", "family_reunification"),
    S.OTHER: Crosswalk("", "other"),
}
