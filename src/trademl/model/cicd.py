"""Keyless CI: which GitHub repository may deploy a profile, through which environments, reviewed by whom.

The naming here (environments, OIDC subjects, variable names) is decided once for every cloud and must
match .github/workflows/pr.yml (environment `<profile>-plan`) and apply.yml (environment `<profile>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field

from trademl.model.base import Strict
from trademl.model.targets import TargetName

GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com"
# Job names in pr.yml that must pass before main moves (branch protection's required checks).
REQUIRED_CHECKS = ("test, synth, check, parity", "stack matrix")


class CicdSpec(Strict):
    """The GitHub side of the platform's CI. Omit the section to manage CI identities by hand."""

    repository: str = Field(
        pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$",
        description="GitHub repository <owner>/<name> whose workflows may plan and apply this profile.",
    )
    reviewers: tuple[str, ...] = Field(
        default=(),
        description="Who approves applies in staging and prod: team slugs of the owner organisation, or "
        "@login for a single user. Required in prod.",
    )
    enabled: bool = Field(default=True, description="Default: the cicd layer is planned for every target.")
    branch_protection: bool = Field(
        default=True,
        description="Manage main's branch protection from this profile. A repository has one main: when "
        "several profiles share it, leave this on in exactly one of them.",
    )

    @property
    def owner(self) -> str:
        return self.repository.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.repository.split("/", 1)[1]

    @property
    def reviewer_teams(self) -> tuple[str, ...]:
        return tuple(r for r in self.reviewers if not r.startswith("@"))

    @property
    def reviewer_users(self) -> tuple[str, ...]:
        return tuple(r[1:] for r in self.reviewers if r.startswith("@"))


class CiRole(StrEnum):
    """Plan identities are read-only and used on pull requests; apply identities only after review."""

    PLAN = "plan"
    APPLY = "apply"


@dataclass(frozen=True, slots=True)
class CiIdentity:
    role: CiRole
    environment: str  # the GitHub environment the job runs in
    subject: str  # the OIDC `sub` claim GitHub issues for a job in that environment


def ci_environment(profile_name: str, role: CiRole) -> str:
    return f"{profile_name}-plan" if role is CiRole.PLAN else profile_name


def ci_identities(profile_name: str, cicd: CicdSpec) -> tuple[CiIdentity, ...]:
    """The plan and apply identities, each trusted only for its own environment of this repository."""
    out = []
    for role in CiRole:
        environment = ci_environment(profile_name, role)
        out.append(CiIdentity(role, environment, f"repo:{cicd.repository}:environment:{environment}"))
    return tuple(out)


def aws_variable_names(target: TargetName, aws_targets: list[TargetName]) -> dict[str, str]:
    """Variable names one AWS target writes: a flavour-suffixed pair always, the plain AWS_ROLE_ARN /
    AWS_REGION the workflows read only when it is the profile's one AWS target (two would overwrite
    each other in the same environment)."""
    flavour = target.value.upper().replace("-", "_")
    names = {"role_arn": f"{flavour}_ROLE_ARN", "region": f"{flavour}_REGION"}
    if aws_targets == [target]:
        names |= {"role_arn_plain": "AWS_ROLE_ARN", "region_plain": "AWS_REGION"}
    return names


def github_owner_target(targets: list[TargetName]) -> TargetName:
    """The target whose cicd stack owns the profile's GitHub environments and branch protection: the first
    one in registry order (aws-eks, aws-ecs, azure, gcp). Apply that cicd stack first."""
    return targets[0]
