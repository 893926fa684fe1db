"""The GitHub side of keyless CI: the profile's environments, the identity ids they hold as variables
(never secrets), and main's branch protection.

The provider takes `owner` from the profile and its token from GITHUB_TOKEN at apply time, so no
credential is ever synthesized.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktn import Token
from cdktn_provider_github.actions_environment_variable import ActionsEnvironmentVariable
from cdktn_provider_github.branch_protection import (
    BranchProtection,
    BranchProtectionRequiredPullRequestReviews,
    BranchProtectionRequiredStatusChecks,
)
from cdktn_provider_github.data_github_team import DataGithubTeam
from cdktn_provider_github.data_github_user import DataGithubUser
from cdktn_provider_github.provider import GithubProvider
from cdktn_provider_github.repository_environment import (
    RepositoryEnvironment,
    RepositoryEnvironmentDeploymentBranchPolicy,
    RepositoryEnvironmentReviewers,
)
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model.cicd import REQUIRED_CHECKS, CicdSpec, CiRole, ci_environment, github_owner_target

Variables = Mapping[CiRole, Mapping[str, str]]
"""Per identity (plan, apply): GitHub variable name -> value (Terraform expressions allowed)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class GithubCicdProps:
    ctx: BuildContext
    cicd: CicdSpec
    variables: Variables = field(default_factory=dict)
    """What this target's identities need the workflows to know. Default: none."""
    own_environments: bool = False
    """Create the profile's two environments (exactly one target per profile does). Default: only
    write variables into environments another target's cicd stack created."""


class GithubCicd(Construct):
    """Environments `<profile>-plan` (no reviewers: plans are read-only) and `<profile>` (reviewers outside
    dev, only from protected branches), their variables, and main's protection."""

    def __init__(self, scope: Construct, id: str, props: GithubCicdProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.provider = GithubProvider(self, "Provider", owner=props.cicd.owner)
        self.environments: dict[CiRole, RepositoryEnvironment] = {}
        if props.own_environments:
            self.environments = {role: self._create_environment(role) for role in CiRole}
            if props.cicd.branch_protection:
                self.branch_protection = self._create_branch_protection()
        self.variables = [
            self._create_variable(role, name, value)
            for role, values in sorted(props.variables.items())
            for name, value in sorted(values.items())
        ]

    @property
    def _requires_review(self) -> bool:
        return self.props.ctx.profile.environment != "dev"

    def _reviewers(self) -> RepositoryEnvironmentReviewers:
        # GitHub takes numeric ids; resolved by name when Terraform runs, never at synth.
        cicd = self.props.cicd
        teams = [
            Token.as_number(DataGithubTeam(self, f"Team-{slug}", slug=slug, summary_only=True).id)
            for slug in cicd.reviewer_teams
        ]
        users = [
            Token.as_number(DataGithubUser(self, f"User-{login}", username=login).id)
            for login in cicd.reviewer_users
        ]
        return RepositoryEnvironmentReviewers(teams=teams or None, users=users or None)

    def _create_environment(self, role: CiRole) -> RepositoryEnvironment:
        """Extension point: one environment. Apply runs only from protected branches, after review."""
        name = ci_environment(self.props.ctx.profile.name, role)
        if role is CiRole.PLAN:
            # Plans run on pull_request refs, so no branch policy; the identity behind it is read-only.
            return RepositoryEnvironment(
                self, f"Environment-{role.value}", repository=self.props.cicd.name, environment=name
            )
        review = self._requires_review
        return RepositoryEnvironment(
            self,
            f"Environment-{role.value}",
            repository=self.props.cicd.name,
            environment=name,
            reviewers=self._reviewers() if review and self.props.cicd.reviewers else None,
            prevent_self_review=review,
            can_admins_bypass=not review,
            deployment_branch_policy=RepositoryEnvironmentDeploymentBranchPolicy(
                protected_branches=True, custom_branch_policies=False
            ),
        )

    def _create_variable(self, role: CiRole, name: str, value: str) -> ActionsEnvironmentVariable:
        env = self.environments.get(role)
        return ActionsEnvironmentVariable(
            self,
            f"Variable-{role.value}-{name}",
            repository=self.props.cicd.name,
            environment=env.environment if env else ci_environment(self.props.ctx.profile.name, role),
            variable_name=name,
            value=value,
        )

    def _create_branch_protection(self) -> BranchProtection:
        """Extension point: main moves only through reviewed pull requests whose checks passed."""
        return BranchProtection(
            self,
            "BranchProtection",
            repository_id=self.props.cicd.name,
            pattern="main",
            enforce_admins=True,
            allows_force_pushes=False,
            allows_deletions=False,
            require_conversation_resolution=True,
            required_linear_history=True,
            require_signed_commits=True,
            required_status_checks=[
                BranchProtectionRequiredStatusChecks(strict=True, contexts=list(REQUIRED_CHECKS))
            ],
            required_pull_request_reviews=[
                BranchProtectionRequiredPullRequestReviews(
                    # Four eyes beyond the author in prod: two approvals, the last push approved too.
                    required_approving_review_count=2 if self.props.ctx.profile.is_prod else 1,
                    dismiss_stale_reviews=True,
                    require_last_push_approval=True,
                )
            ],
        )


def github_cicd(scope: Construct, ctx: BuildContext, variables: Variables) -> GithubCicd:
    """The GitHub side for one target's cicd stack; the first target (registry order) owns the environments
    and branch protection, so apply its cicd stack before the others'."""
    cicd = ctx.profile.cicd
    assert cicd is not None, "the cicd layer is planned only when the profile has a cicd section"
    owner = github_owner_target(ctx.profile.targets.names()) is ctx.target
    return GithubCicd(
        scope, "GitHub", GithubCicdProps(ctx=ctx, cicd=cicd, variables=variables, own_environments=owner)
    )
