"""The seed's tables: typical validation per change category, and release troubleshooting."""

from __future__ import annotations

from relboard.domain.plan import Category, Plan, Troubleshooting

CATEGORY_TITLES: dict[Category, str] = {
    Category.PLATFORM_RELEASE: "Platform release",
    Category.MODULE_UPDATE: "Product module update",
    Category.CONNECTOR_CHANGE: "Connector or data change",
    Category.CERTIFICATE_CHANGE: "Certificate or domain change",
    Category.API_SCOPE_CHANGE: "API or MCP scope change",
}

TYPICAL_VALIDATION: dict[Category, tuple[str, ...]] = {
    Category.PLATFORM_RELEASE: ("Login", "Tenant access", "Navigation", "Product smoke tests", "Key integrations"),
    Category.MODULE_UPDATE: (
        "Target product workflows",
        "Role permissions",
        "Data display",
        "User acceptance sample",
    ),
    Category.CONNECTOR_CHANGE: (
        "Source connectivity",
        "Mapping",
        "Sample records",
        "Sync schedule",
        "Failure handling",
    ),
    Category.CERTIFICATE_CHANGE: ("Browser access", "Client access", "SSO callback", "API calls", "Monitoring checks"),
    Category.API_SCOPE_CHANGE: ("Tool discovery", "Allowed calls", "Service identity ownership", "Audit record"),
}

# The seed's validation steps, in order, with the phase each belongs to.
VALIDATION_STEPS: tuple[tuple[str, str, str], ...] = (
    ("confirm-scope", "prepare", "Confirm the exact environment and release scope"),
    ("review-notes", "prepare", "Review release notes or change description with product owners"),
    ("confirm-affected", "prepare", "Confirm affected users, integrations, and critical workflows"),
    ("prepare-checklist", "prepare", "Prepare a validation checklist for the maintenance window"),
    ("notify-start", "communicate", "Communicate timing and expected impact"),
    ("apply", "apply", "Apply the release or configuration change"),
    ("validate", "validate", "Validate login, tenant access, product workflow, integration, and monitoring"),
    ("notify-done", "communicate", "Communicate completion, open issues, and follow-up owners"),
)

_ALL = list(Category)

TROUBLESHOOTING: tuple[Troubleshooting, ...] = (
    Troubleshooting(
        symptom="Users report missing access after release",
        checks=[
            "Role package",
            "Tenant membership",
            "Session refresh",
            "Navigation permission",
            "Changed product entitlement",
        ],
        categories=[
            Category.PLATFORM_RELEASE,
            Category.MODULE_UPDATE,
            Category.CERTIFICATE_CHANGE,
            Category.API_SCOPE_CHANGE,
        ],
    ),
    Troubleshooting(
        symptom="Client behavior differs from web console",
        checks=["Client version", "Environment setting", "SSO redirect support", "Cache", "Supported feature set"],
        categories=[Category.PLATFORM_RELEASE, Category.MODULE_UPDATE, Category.CERTIFICATE_CHANGE],
    ),
    Troubleshooting(
        symptom="Connector fails after upgrade",
        checks=[
            "Credential",
            "Schema change",
            "Source-system availability",
            "Network route",
            "Connector configuration",
        ],
        categories=[Category.PLATFORM_RELEASE, Category.CONNECTOR_CHANGE, Category.CERTIFICATE_CHANGE],
    ),
    Troubleshooting(
        symptom="Rollback decision is unclear",
        checks=["Pre-agreed rollback criteria", "Business owner", "Technical owner", "Impact statement"],
        categories=_ALL,
    ),
)


def troubleshooting_for(plan: Plan) -> list[Troubleshooting]:
    """The plan's own entries first, then the catalog's entries for its category not already there."""
    category = plan.release.category
    own = [t for t in plan.troubleshooting if not t.categories or category in t.categories]
    seen = {t.symptom.casefold() for t in own}
    catalog = [t for t in TROUBLESHOOTING if category in t.categories and t.symptom.casefold() not in seen]
    return own + catalog
