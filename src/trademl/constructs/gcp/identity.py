"""Service accounts with least privilege: every grant is on one resource where the API allows it, and
project-level grants carry an IAM condition that narrows them (to the region, or to one resource)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.project_iam_member import ProjectIamMember, ProjectIamMemberCondition
from cdktn_provider_google.service_account import ServiceAccount
from cdktn_provider_google.service_account_iam_member import ServiceAccountIamMember
from constructs import Construct

from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class Condition:
    """An IAM condition: a CEL expression and a title that says why."""

    title: str
    expression: str


def in_region(project_id: str, region: str) -> Condition:
    """Only resources of the platform's region (Vertex AI, Workflows and Scheduler names carry it)."""
    return Condition(
        title="platform-region-only",
        expression=f'resource.name.startsWith("projects/{project_id}/locations/{region}")',
    )


def account_id(ctx: BuildContext, name: str) -> str:
    """The account id of the service identity `name`: <prefix>-<name>, clipped to 30 characters."""
    return ctx.name(name, max_len=30)


def account_email(ctx: BuildContext, name: str) -> str:
    """The e-mail of the service identity `name`, known at synth: later layers annotate Kubernetes service
    accounts with it without a reference to a stack applied after them."""
    return f"{account_id(ctx, name)}@{ctx.profile.gcp().project_id}.iam.gserviceaccount.com"


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceIdentityProps:
    ctx: BuildContext
    name: str
    """Short name; the account id is <prefix>-<name>, clipped to 30 characters."""
    description: str


class ServiceIdentity(Construct):
    """A Google service account that keys never leave (no key resource is ever made for it)."""

    def __init__(self, scope: Construct, id: str, props: ServiceIdentityProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.account = self._create_account()
        self.email = self.account.email
        self.member = self.account.member
        self.id = self.account.id

    def _create_account(self) -> ServiceAccount:
        """Extension point: the service account."""
        ctx = self.props.ctx
        return ServiceAccount(
            self,
            "Account",
            account_id=account_id(ctx, self.props.name),
            display_name=f"{ctx.prefix} {self.props.name} (trademl)",
            description=self.props.description,
            project=ctx.profile.gcp().project_id,
        )

    def grant_project(self, role: str, condition: Condition | None = None) -> ProjectIamMember:
        """A project-level role; pass a condition whenever the role's resources can be named."""
        return ProjectIamMember(
            self,
            f"Role-{role.rsplit('/', 1)[1]}",
            project=self.props.ctx.profile.gcp().project_id,
            role=role,
            member=self.member,
            condition=ProjectIamMemberCondition(title=condition.title, expression=condition.expression)
            if condition is not None
            else None,
        )

    def allow_act_as(self, id: str, member: str) -> ServiceAccountIamMember:
        """Let `member` run things as this account (serviceAccountUser on this account only)."""
        return ServiceAccountIamMember(
            self, id, service_account_id=self.account.name, role="roles/iam.serviceAccountUser", member=member
        )
