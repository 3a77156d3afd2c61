"""The demo organisation's cast: teams, people, words for titles, and the story's constants.

A regional bank's continuous-delivery transformation (ARCHITECTURE.md): three teams that released
to production once a month and took about two months from a requirement to production, moving to
weekly releases and about two weeks. Everything here is fixed data; randomness lives in
:mod:`data.demo.simulate`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DAY", "HOUR", "MINUTE", "STATUSES", "WEEK", "Team", "teams"]

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY

#: The ticket workflow; exactly the statuses of resources/streams/demo.toml, with Jira categories.
STATUSES: dict[str, str] = {
    "Backlog": "new",
    "Ready for Analysis": "new",
    "Analysis": "indeterminate",
    "Selected for Development": "indeterminate",
    "In Progress": "indeterminate",
    "Ready for Review": "indeterminate",
    "In Review": "indeterminate",
    "Ready for Test": "indeterminate",
    "Testing": "indeterminate",
    "Awaiting Release": "indeterminate",
    "Releasing": "indeterminate",
    "Done": "done",
    "Closed": "done",
}


@dataclass(frozen=True, slots=True)
class Team:
    """One team: its Jira project, its repository and pipelines, its people and release day."""

    index: int
    name: str
    prefix: str
    members: tuple[str, ...]
    nouns: tuple[str, ...]
    #: 0 = Monday. Releases happen at 12:00 UTC (20:00 in the bank's UTC+8 evening window).
    release_weekday: int

    @property
    def repo(self) -> str:
        """The team's repository (``bank/<name>``)."""
        return f"bank/{self.name}"


_SURNAMES = ("li", "wang", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun", "ma", "zhu")
_GIVEN = ("wei", "fang", "min", "jie", "lei", "jing", "yan", "tao", "hui", "ling", "qiang", "xin", "yu", "bo")

_NOUNS = {
    "payments": (
        "card limit check",
        "instant transfer",
        "refund workflow",
        "fee calculation",
        "SWIFT message parser",
        "payment retry",
        "merchant onboarding",
        "QR payment",
        "chargeback form",
        "daily settlement report",
        "FX rate cache",
        "beneficiary validation",
    ),
    "mobile": (
        "login with face ID",
        "balance widget",
        "push notifications",
        "account statement PDF",
        "dark mode",
        "transfer confirmation screen",
        "card freeze toggle",
        "onboarding wizard",
        "spending chart",
        "offline banner",
        "accessibility labels",
        "session timeout dialog",
    ),
    "core-banking": (
        "interest accrual job",
        "account closing batch",
        "GL posting",
        "overdraft rules",
        "loan schedule",
        "customer master data",
        "end-of-day batch",
        "regulatory report",
        "deposit product",
        "audit trail",
        "KYC status sync",
        "ledger reconciliation",
    ),
}
_EXTRA_TEAMS = (
    "cards",
    "loans",
    "treasury",
    "risk",
    "aml",
    "crm",
    "branch",
    "atm",
    "fx",
    "wealth",
    "insurance",
    "ledger",
    "fraud",
    "onboarding",
    "statements",
    "notifications",
    "identity",
    "pricing",
    "collections",
)
VERBS = ("Add", "Fix", "Improve", "Refactor", "Support", "Speed up", "Validate", "Migrate", "Log", "Rework")
CHORES = (
    "Bump spring-boot",
    "Update base image",
    "Renew test certificates",
    "Tidy Gradle build",
    "Bump jackson",
    "Rotate CI cache key",
    "Upgrade Node.js for the web build",
    "Remove dead feature flag",
)
INCIDENT_TITLES = (
    "Payment timeouts after release",
    "Login failures for some customers",
    "Batch job stuck",
    "Slow balance queries",
    "Wrong fee shown",
    "Push notifications delayed",
)


def _people(index: int, count: int = 6) -> tuple[str, ...]:
    out = []
    for k in range(count):
        n = index * count + k
        out.append(f"{_SURNAMES[n % len(_SURNAMES)]}.{_GIVEN[(n * 5 + index) % len(_GIVEN)]}")
    return tuple(out)


def teams(count: int) -> list[Team]:
    """The first ``count`` teams: payments, mobile, core-banking, then generated ones (large scale)."""
    out = [
        Team(0, "payments", "PAY", _people(0), _NOUNS["payments"], 1),
        Team(1, "mobile", "MOB", _people(1), _NOUNS["mobile"], 2),
        Team(2, "core-banking", "CORE", _people(2), _NOUNS["core-banking"], 3),
    ]
    all_nouns = tuple(n for group in _NOUNS.values() for n in group)
    i = 3
    while len(out) < count:
        base = _EXTRA_TEAMS[(i - 3) % len(_EXTRA_TEAMS)]
        round_ = (i - 3) // len(_EXTRA_TEAMS)
        name = base if round_ == 0 else f"{base}-{round_ + 1}"
        prefix = f"{base[:3].upper()}{round_ + 1 if round_ else ''}"
        out.append(Team(i, name, prefix, _people(i), all_nouns, 1 + i % 3))
        i += 1
    return out[:count]
