"""Version 1 of the shipped measure definitions, written out as code for reading.

The data migration loads the frozen copy in ``reporting/measures/v1.json``;
a test keeps the two equal. A changed questionnaire, or a catalogue change that
alters these rows, becomes version 2 (a new file and a migration), so locked
runs keep meaning what they meant. Rows marked inferred in grant-measures.md are here as data for
the same reason: the official questionnaire replaces them without a code change.
Category labels are the questionnaires' own wording, in English.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.catalog import CROSSWALK
from cases.fields import choice_set_lookup
from cases.models import SpecialClassification, Victimization

EFFECTIVE_FROM = date(2020, 10, 1)

NOT_REPORTED = "Not reported"
NOT_TRACKED = "Not tracked"


def _m(
    code: str,
    section: str,
    label: str,
    population: str,
    aggregation: str,
    *,
    period: str = "in_period",
    filters: dict[str, Any] | None = None,
    named: list[str] | None = None,
    dimension: dict[str, Any] | None = None,
    operands: list[str] | None = None,
    source: str = "",
) -> dict[str, Any]:
    return {
        "code": code,
        "section": section,
        "label": label,
        "population": population,
        "aggregation": aggregation,
        "period_rule": period,
        "filters": filters or {},
        "named_filters": named or [],
        "dimension": dimension or {},
        "operands": operands or [],
        "source_note": source,
    }


def _map(field: str, mapping: dict[str, str], categories: list[str]) -> dict[str, Any]:
    return {"field": field, "map": mapping, "categories": categories}


TRAFFICKING = _map(
    "victim__trafficking_type",
    {"sex": "Sex", "labor": "Labor", "both": "Both sex and labor", "unknown": "Unknown/Other"},
    ["Sex", "Labor", "Both sex and labor", "Unknown/Other"],
)
OVC_GENDER = _map(
    "victim__gender",
    {
        "woman": "Female",
        "man": "Male",
        "transgender_woman": "Transgender",
        "transgender_man": "Transgender",
        "nonbinary": "Another gender identity",
        "another": "Another gender identity",
        "declined": NOT_REPORTED,
        "not_asked": NOT_TRACKED,
    },
    ["Female", "Male", "Transgender", "Another gender identity", NOT_REPORTED, NOT_TRACKED],
)
VOCA_GENDER = _map(
    "victim__gender",
    {
        "woman": "Female",
        "man": "Male",
        "transgender_woman": "Other",
        "transgender_man": "Other",
        "nonbinary": "Other",
        "another": "Other",
        "declined": NOT_REPORTED,
        "not_asked": NOT_TRACKED,
    },
    ["Male", "Female", "Other", NOT_REPORTED, NOT_TRACKED],
)
VOCA_RACE = _map(
    "victim__race_ethnicity",
    {
        "american_indian": "American Indian/Alaska Native",
        "asian": "Asian",
        "black": "Black/African American",
        "hispanic": "Hispanic or Latino",
        "pacific_islander": "Native Hawaiian and Other Pacific Islander",
        "white": "White Non-Latino/Caucasian",
        "other": "Some Other Race",
        "multiple": "Multiple Races",
        "declined": NOT_REPORTED,
        "not_asked": NOT_TRACKED,
    },
    [
        "American Indian/Alaska Native",
        "Asian",
        "Black/African American",
        "Hispanic or Latino",
        "Native Hawaiian and Other Pacific Islander",
        "White Non-Latino/Caucasian",
        "Some Other Race",
        "Multiple Races",
        NOT_REPORTED,
        NOT_TRACKED,
    ],
)
# Age at intake, derived by cases.services from the date of birth or the estimate: the date itself stays out.
VOCA_AGE = {
    "field": "victim__age_at_intake",
    "bins": [[0, 12, "0-12"], [13, 17, "13-17"], [18, 24, "18-24"], [25, 59, "25-59"], [60, 200, "60 and older"]],
    "missing": NOT_REPORTED,
    "categories": ["0-12", "13-17", "18-24", "25-59", "60 and older", NOT_REPORTED, NOT_TRACKED],
}
OVC_AGE = _map(
    "victim__age_group",
    {"adult": "Adult (18 and over)", "minor": "Minor (under 18)", "unknown": "Unknown"},
    ["Adult (18 and over)", "Minor (under 18)", "Unknown"],
)
CITIZENSHIP = _map(
    "victim__citizenship",
    {
        "us_citizen": "U.S. citizen or LPR",
        "lpr": "U.S. citizen or LPR",
        "foreign_national": "Foreign national",
        "unknown": "Unknown",
    },
    ["U.S. citizen or LPR", "Foreign national", "Unknown"],
)
REFERRAL_SOURCE = _map(
    "victim__referral_source",
    {
        "federal_le": "Federal law enforcement",
        "local_le": "State/local law enforcement",
        "federal_prosecutor": "Federal prosecutor",
        "local_prosecutor": "State/local prosecutor",
        "provider": "Community-based provider",
        "hotline": "National Human Trafficking Hotline",
        "health_care": "Health care",
        "child_welfare": "Child welfare",
        "school": "School",
        "faith": "Faith-based organization",
        "legal": "Attorney/legal aid",
        "self": "Self",
        "family_friend": "Family/friend",
        "other": "Other",
        "unknown": "Unknown",
    },
    [
        "Federal law enforcement",
        "State/local law enforcement",
        "Federal prosecutor",
        "State/local prosecutor",
        "Community-based provider",
        "National Human Trafficking Hotline",
        "Health care",
        "Child welfare",
        "School",
        "Faith-based organization",
        "Attorney/legal aid",
        "Self",
        "Family/friend",
        "Other",
        "Unknown",
    ],
)
# OVC HT service categories (H11, inferred): the catalogue's keys and the questionnaire's wording.
OVC_SERVICE_LABELS = {
    "case_management": "Case management",
    "crisis_intervention": "Crisis intervention",
    "emergency_financial": "Emergency financial assistance",
    "basic_necessities": "Basic necessities/personal items",
    "housing_emergency": "Housing: emergency shelter",
    "housing_transitional": "Housing: transitional",
    "housing_long_term": "Housing: long-term/rental assistance",
    "medical": "Medical",
    "dental": "Dental",
    "mental_health": "Mental health/counseling",
    "substance_use": "Substance use treatment",
    "interpretation": "Interpretation/translation",
    "transportation": "Transportation",
    "civil_legal": "Civil legal assistance",
    "criminal_justice_advocacy": "Criminal justice advocacy/accompaniment",
    "immigration_legal": "Immigration legal assistance",
    "public_benefits": "Public benefits assistance",
    "education": "Education",
    "employment": "Employment/job training",
    "life_skills": "Life skills",
    "childcare": "Childcare",
    "family_reunification": "Family reunification/repatriation",
    "other": "Other",
}
OVC_SERVICES = _map(
    "service_type",
    {code: OVC_SERVICE_LABELS[walk.ovc] for code, walk in CROSSWALK.items()},
    list(OVC_SERVICE_LABELS.values()),
)
VOCA_ITEMS = [
    *(f"A{n}" for n in range(1, 5)),
    *(f"B{n}" for n in range(1, 11)),
    *(f"C{n}" for n in range(1, 8)),
    *(f"D{n}" for n in range(1, 4)),
    *(f"E{n}" for n in range(1, 12)),
]
VOCA_SERVICE_CODES = [code for code, walk in CROSSWALK.items() if walk.voca]
VOCA_ITEM_MAP = _map("service_type", {code: CROSSWALK[code].voca for code in VOCA_SERVICE_CODES}, VOCA_ITEMS)
VOCA_CATEGORY_LABELS = {
    "A": "A. Information & referral",
    "B": "B. Personal advocacy/accompaniment",
    "C": "C. Emotional support or safety services",
    "D": "D. Shelter/housing services",
    "E": "E. Criminal/civil justice system assistance",
}
VOCA_CATEGORY_MAP = _map(
    "service_type",
    {code: VOCA_CATEGORY_LABELS[CROSSWALK[code].voca[0]] for code in VOCA_SERVICE_CODES},
    list(VOCA_CATEGORY_LABELS.values()),
)
VOCA_VICTIMIZATIONS = {
    "categories": [
        {"label": "Human Trafficking: Labor", "where": {"victim__trafficking_type__in": ["labor", "both"]}},
        {"label": "Human Trafficking: Sex", "where": {"victim__trafficking_type__in": ["sex", "both"]}},
        *(
            {"label": str(label), "where": {"victim__victimizations__contains": choice_set_lookup(code)}}
            for code, label in Victimization.choices
        ),
    ]
}
VOCA_SPECIAL = {
    "categories": [
        {"label": str(label), "where": {"victim__special_classifications__contains": choice_set_lookup(code)}}
        for code, label in SpecialClassification.choices
    ]
}
TRAINING_AUDIENCE = _map(
    "discipline",
    {
        "law_enforcement": "Law enforcement",
        "prosecution": "Prosecution",
        "victim_services": "Victim services",
        "health": "Health",
        "education": "Education",
        "child_welfare": "Child welfare",
        "labor_regulatory": "Labor/regulatory",
        "faith": "Faith",
        "business": "Business",
        "community": "Community",
        "other": "Other",
    },
    [
        "Law enforcement",
        "Prosecution",
        "Victim services",
        "Health",
        "Education",
        "Child welfare",
        "Labor/regulatory",
        "Faith",
        "Business",
        "Community",
        "Other",
    ],
)
TOPIC = _map(
    "topic",
    {"sex": "Sex trafficking", "labor": "Labor trafficking", "both": "Sex and labor", "general": "General"},
    ["Sex trafficking", "Labor trafficking", "Sex and labor", "General"],
)
CASE_TYPE = _map(
    "trafficking_type",
    {"sex": "Sex", "labor": "Labor", "both": "Both sex and labor", "unknown": "Unknown"},
    ["Sex", "Labor", "Both sex and labor", "Unknown"],
)
SUSPECT_ROLE = {
    "trafficker": "Trafficker",
    "facilitator": "Facilitator",
    "purchaser": "Purchaser",
    "other": "Other",
}
JURISDICTION = {"state": "State", "federal": "Federal", "tribal": "Tribal"}
CONVICTED = ["convicted_plea", "convicted_trial"]

_H = "OVC HT (grant-measures.md §2)"
_L = "BJA ECM (grant-measures.md §3.1)"
_Q = "VOCA PMT (grant-measures.md §4)"

OVC_HT: list[dict[str, Any]] = [
    _m("H1", "Clients", "Total clients served", "client_services", "distinct_persons", source=_H),
    _m(
        "H2",
        "Clients",
        "New clients (first service in the fiscal year falls in the period)",
        "client_services",
        "distinct_persons",
        period="new_in_fy",
        source=_H,
    ),
    _m("H3", "Clients", "Continuing clients", "", "difference", operands=["H1", "H2"], source=_H),
    _m("H4", "Clients", "Eligible family members served", "family_services", "distinct_persons", source=_H),
    _m("H5", "Demographics", "Type of trafficking", "client_services", "distinct_persons", dimension=TRAFFICKING),
    _m("H6", "Demographics", "Age group", "client_services", "distinct_persons", dimension=OVC_AGE),
    _m("H7", "Demographics", "Gender", "client_services", "distinct_persons", dimension=OVC_GENDER),
    _m("H8", "Demographics", "Citizenship", "client_services", "distinct_persons", dimension=CITIZENSHIP),
    _m(
        "H10",
        "Demographics",
        "Referral source of new clients",
        "client_services",
        "distinct_persons",
        period="new_in_fy",
        dimension=REFERRAL_SOURCE,
    ),
    _m(
        "H11",
        "Services",
        "Clients receiving each service",
        "client_services",
        "distinct_persons",
        dimension=OVC_SERVICES,
    ),
    _m(
        "H11B",
        "Services",
        "Times each service was provided",
        "client_services",
        "count_events",
        dimension=OVC_SERVICES,
    ),
    _m("H11F", "Services", "Services to family members", "family_services", "count_events"),
    _m("H12", "Partners", "Active partners providing direct services", "client_services", "distinct_agencies"),
    _m("H13", "Outreach and training", "Outreach events", "outreach", "count_events"),
    _m("H13B", "Outreach and training", "People reached by outreach", "outreach", "sum_quantity"),
    _m("H14", "Outreach and training", "Trainings conducted", "trainings", "count_events", dimension=TOPIC),
    _m(
        "H14B",
        "Outreach and training",
        "People trained, by discipline",
        "training_attendance",
        "sum_quantity",
        dimension=TRAINING_AUDIENCE,
    ),
    _m("H15", "Collaboration", "Task force meetings held", "meetings", "count_events"),
]

BJA_ECM: list[dict[str, Any]] = [
    _m("L1", "Investigations", "Investigations opened", "cases_opened", "count_events", dimension=CASE_TYPE, source=_L),
    _m(
        "L1B",
        "Investigations",
        "Investigations opened, by origin",
        "cases_opened",
        "count_events",
        dimension=_map(
            "origin",
            {
                "proactive_operation": "Proactive",
                "tip_line": "Tip or hotline",
                "provider_referral": "Referral from a provider",
                "patrol": "Patrol",
                "other": "Other",
            },
            ["Proactive", "Tip or hotline", "Referral from a provider", "Patrol", "Other"],
        ),
    ),
    _m(
        "L1S",
        "Investigations",
        "Investigations opened (partner submissions)",
        "submitted_figures",
        "sum_quantity",
        filters={"item": "investigations_opened"},
    ),
    _m(
        "L2",
        "Investigations",
        "Investigations open at the end of the period",
        "cases_opened",
        "count_events",
        period="point_in_time",
    ),
    _m("L2B", "Investigations", "Investigations closed", "cases_closed", "count_events"),
    _m(
        "L3",
        "Victims",
        "Victims identified: confirmed and potential",
        "case_victims",
        "distinct_persons",
        dimension=_map("status", {"confirmed": "Confirmed", "potential": "Potential"}, ["Confirmed", "Potential"]),
    ),
    _m(
        "L3B",
        "Victims",
        "Victims identified, by trafficking type",
        "case_victims",
        "distinct_persons",
        dimension=_map(
            "trafficking_type",
            {"sex": "Sex", "labor": "Labor", "both": "Both sex and labor", "unknown": "Unknown"},
            ["Sex", "Labor", "Both sex and labor", "Unknown"],
        ),
    ),
    _m(
        "L3C",
        "Victims",
        "Victims identified, by age group",
        "case_victims",
        "distinct_persons",
        dimension=_map(
            "age_group", {"adult": "Adult", "minor": "Minor", "unknown": "Unknown"}, ["Adult", "Minor", "Unknown"]
        ),
    ),
    _m(
        "L3S",
        "Victims",
        "Victims identified (partner submissions)",
        "submitted_figures",
        "sum_quantity",
        dimension={
            "categories": [
                {"label": "Confirmed", "where": {"item": "victims_confirmed"}},
                {"label": "Potential", "where": {"item": "victims_potential"}},
            ]
        },
    ),
    _m("L4", "Victims", "Victims referred to services", "referrals_sent", "distinct_persons"),
    _m(
        "L4S",
        "Victims",
        "Victims referred to services (partner submissions)",
        "submitted_figures",
        "sum_quantity",
        filters={"item": "victims_referred"},
    ),
    _m(
        "L5",
        "Suspects",
        "Suspects identified",
        "suspects",
        "distinct_persons",
        dimension=_map("role", SUSPECT_ROLE, list(SUSPECT_ROLE.values())),
    ),
    _m(
        "L6",
        "Arrests",
        "Arrests",
        "arrests",
        "count_events",
        dimension=_map("suspect__role", SUSPECT_ROLE, list(SUSPECT_ROLE.values())),
    ),
    _m(
        "L6S",
        "Arrests",
        "Arrests (partner submissions)",
        "submitted_figures",
        "sum_quantity",
        filters={"item": "arrests"},
    ),
    _m(
        "L7",
        "Prosecution",
        "Charges filed",
        "charges",
        "count_events",
        dimension=_map("jurisdiction", JURISDICTION, list(JURISDICTION.values())),
    ),
    _m(
        "L7B",
        "Prosecution",
        "Charges filed, human-trafficking statute or other",
        "charges",
        "count_events",
        dimension=_map(
            "is_trafficking_statute",
            {"true": "Trafficking statute", "false": "Related offense"},
            ["Trafficking statute", "Related offense"],
        ),
    ),
    _m(
        "L7S",
        "Prosecution",
        "Charges filed (partner submissions)",
        "submitted_figures",
        "sum_quantity",
        dimension={
            "categories": [
                {"label": "State", "where": {"item": "charges_state"}},
                {"label": "Federal", "where": {"item": "charges_federal"}},
            ]
        },
    ),
    _m(
        "L8",
        "Prosecution",
        "Convictions",
        "dispositions",
        "count_events",
        filters={"outcome__in": CONVICTED},
        dimension=_map("charge__jurisdiction", JURISDICTION, list(JURISDICTION.values())),
    ),
    _m(
        "L8B",
        "Prosecution",
        "Dispositions, by outcome",
        "dispositions",
        "count_events",
        dimension=_map(
            "outcome",
            {
                "convicted_plea": "Convicted (plea)",
                "convicted_trial": "Convicted (trial)",
                "acquitted": "Acquitted",
                "dismissed": "Dismissed",
                "deferred": "Deferred",
                "other": "Other",
            },
            ["Convicted (plea)", "Convicted (trial)", "Acquitted", "Dismissed", "Deferred", "Other"],
        ),
    ),
    _m(
        "L8S",
        "Prosecution",
        "Convictions (partner submissions)",
        "submitted_figures",
        "sum_quantity",
        filters={"item": "convictions"},
    ),
    _m("L9", "Training", "Trainings conducted", "trainings", "count_events", dimension=TOPIC),
    _m(
        "L9B",
        "Training",
        "People trained, by discipline",
        "training_attendance",
        "sum_quantity",
        dimension=TRAINING_AUDIENCE,
    ),
    _m("L10", "Collaboration", "Task force meetings held", "meetings", "count_events"),
    _m(
        "L10B",
        "Collaboration",
        "MOUs in force at the end of the period",
        "mous",
        "count_events",
        period="point_in_time",
    ),
    _m("L10C", "Collaboration", "Member agencies", "member_agencies", "count_events", period="point_in_time"),
    _m(
        "L11",
        "Operations",
        "Proactive operations opened",
        "cases_opened",
        "count_events",
        filters={"origin": "proactive_operation"},
    ),
]

VOCA: list[dict[str, Any]] = [
    _m("Q1", "Individuals", "Individuals who received services", "client_services", "distinct_persons", source=_Q),
    _m("Q2", "Individuals", "Anonymous contacts", "anonymous_contacts", "sum_quantity", source=_Q),
    _m(
        "Q3",
        "Individuals",
        "New individuals (first service in the fiscal year)",
        "client_services",
        "distinct_persons",
        period="new_in_fy",
        source=_Q,
    ),
    _m(
        "Q4A",
        "Demographics of new individuals",
        "Race/ethnicity",
        "client_services",
        "distinct_persons",
        period="new_in_fy",
        dimension=VOCA_RACE,
    ),
    _m(
        "Q4B",
        "Demographics of new individuals",
        "Gender identity",
        "client_services",
        "distinct_persons",
        period="new_in_fy",
        dimension=VOCA_GENDER,
    ),
    _m(
        "Q4C",
        "Demographics of new individuals",
        "Age",
        "client_services",
        "distinct_persons",
        period="new_in_fy",
        dimension=VOCA_AGE,
    ),
    _m(
        "Q5A",
        "Victimizations",
        "Individuals by type of victimization",
        "client_services",
        "distinct_persons",
        dimension=VOCA_VICTIMIZATIONS,
    ),
    _m(
        "Q5B",
        "Victimizations",
        "Individuals with more than one type of victimization",
        "client_services",
        "distinct_persons",
        named=["more_than_one_victimization"],
    ),
    _m(
        "Q5C",
        "Victimizations",
        "Special classifications",
        "client_services",
        "distinct_persons",
        dimension=VOCA_SPECIAL,
    ),
    _m(
        "Q6",
        "Compensation",
        "Individuals assisted with a victim compensation application",
        "client_services",
        "distinct_persons",
        filters={"service_type": "compensation_application"},
    ),
    _m(
        "Q7",
        "Services",
        "Individuals who received services, by category",
        "client_services",
        "distinct_persons",
        dimension=VOCA_CATEGORY_MAP,
    ),
    _m(
        "Q8",
        "Services",
        "Number of times each service was provided",
        "client_services",
        "count_events",
        dimension=VOCA_ITEM_MAP,
    ),
]

ACTIVITY = {
    "direct_services": "Direct services",
    "investigation": "Investigation",
    "prosecution": "Prosecution",
    "training": "Training",
    "outreach": "Outreach",
    "coordination": "Coordination",
    "data_reporting": "Data and reporting",
    "administration": "Administration",
    "other": "Other",
}
BUDGET = {
    "personnel": "Personnel",
    "fringe": "Fringe benefits",
    "travel": "Travel",
    "equipment": "Equipment",
    "supplies": "Supplies",
    "contractual": "Contractual/subawards",
    "other": "Other",
    "indirect": "Indirect",
}

STATE: list[dict[str, Any]] = [
    _m(
        "S1",
        "Personnel",
        "Approved personnel hours, by activity",
        "time_entries",
        "sum_hours",
        filters={"approved_at__isnull": False},
        dimension=_map("activity", ACTIVITY, list(ACTIVITY.values())),
    ),
    _m(
        "S1B",
        "Personnel",
        "Hours awaiting certification or approval",
        "time_entries",
        "sum_hours",
        filters={"approved_at__isnull": True},
    ),
    _m("S1C", "Personnel", "Staff charging time", "time_entries", "distinct_persons"),
    _m(
        "S2",
        "Expenditures",
        "Federal share paid, by budget category",
        "expenditures",
        "sum_amount",
        filters={"source": "federal", "state": "paid"},
        dimension=_map("category", BUDGET, list(BUDGET.values())),
    ),
    _m(
        "S2B",
        "Expenditures",
        "Match paid, by budget category",
        "expenditures",
        "sum_amount",
        filters={"source": "match", "state": "paid"},
        dimension=_map("category", BUDGET, list(BUDGET.values())),
    ),
    _m("S2C", "Expenditures", "Obligated, not yet paid", "expenditures", "sum_amount", filters={"state": "obligated"}),
    _m("S3", "Activities", "Individuals served", "client_services", "distinct_persons"),
    _m("S3B", "Activities", "Services provided", "client_services", "count_events"),
    _m("S3C", "Activities", "Trainings conducted", "trainings", "count_events"),
    _m("S3D", "Activities", "People trained", "training_attendance", "sum_quantity"),
    _m("S3E", "Activities", "Outreach events", "outreach", "count_events"),
]

V1: dict[str, list[dict[str, Any]]] = {"ovc_ht": OVC_HT, "bja_ecm": BJA_ECM, "voca": VOCA, "state": STATE}
