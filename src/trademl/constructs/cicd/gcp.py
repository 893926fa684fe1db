"""Google Cloud side of keyless CI: a workload identity pool whose GitHub provider admits only this
repository's tokens, and service accounts `plan` and `apply`, each impersonable only by jobs of one
GitHub environment.

Each service account trusts `principal://…/subject/repo:<owner>/<repo>:environment:<env>`: the exact
subject, the same string AWS and Azure trust, so repository and environment are pinned in one claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.iam_workload_identity_pool import IamWorkloadIdentityPool
from cdktn_provider_google.iam_workload_identity_pool_provider import (
    IamWorkloadIdentityPoolProvider,
    IamWorkloadIdentityPoolProviderOidc,
)
from cdktn_provider_google.project_iam_member import ProjectIamMember, ProjectIamMemberCondition
from cdktn_provider_google.service_account import ServiceAccount
from cdktn_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktn_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from trademl.constructs.cicd.github import Variables
from trademl.constructs.context import BuildContext
from trademl.model.cicd import GITHUB_OIDC_ISSUER, CicdSpec, CiIdentity, CiRole, ci_identities
from trademl.model.targets import GcsState

# Read configuration and IAM policies, never data (roles/viewer has no storage.objects.get).
PLAN_ROLES = ("roles/viewer", "roles/iam.securityReviewer")
# One admin role per service trademl's GCP layers create resources in (see constructs/gcp).
APPLY_ROLES = (
    "roles/aiplatform.admin", "roles/artifactregistry.admin", "roles/bigquery.dataOwner",
    "roles/cloudfunctions.admin", "roles/cloudkms.admin", "roles/cloudscheduler.admin",
    "roles/compute.networkAdmin", "roles/compute.securityAdmin", "roles/container.admin", "roles/dlp.admin",
    "roles/dns.admin", "roles/eventarc.admin", "roles/iam.serviceAccountAdmin", "roles/iam.serviceAccountUser",
    "roles/logging.configWriter", "roles/monitoring.editor", "roles/notebooks.admin", "roles/pubsub.admin",
    "roles/run.admin", "roles/serviceusage.serviceUsageAdmin", "roles/storage.admin", "roles/workflows.admin",
)  # fmt: skip
# Project-level roles the platform grants its own service accounts: all the apply identity may grant.
GRANTABLE_ROLES = (
    "roles/aiplatform.user", "roles/artifactregistry.reader", "roles/cloudkms.cryptoKeyEncrypterDecrypter",
    "roles/dns.admin", "roles/eventarc.eventReceiver", "roles/iam.serviceAccountUser", "roles/logging.logWriter",
    "roles/monitoring.metricWriter", "roles/monitoring.viewer", "roles/pubsub.publisher",
    "roles/stackdriver.resourceMetadata.writer", "roles/storage.objectAdmin", "roles/storage.objectCreator",
    "roles/storage.objectViewer", "roles/workflows.invoker",
)  # fmt: skip


def repository_condition(repository: str, identities: tuple[CiIdentity, ...]) -> str:
    """CEL the provider evaluates on every token: only this repository's jobs in the profile's two
    environments get in (the service-account bindings then tell plan from apply)."""
    subjects = " || ".join(f"assertion.sub == '{i.subject}'" for i in identities)
    return f"assertion.repository == '{repository}' && ({subjects})"


@dataclass(frozen=True, kw_only=True, slots=True)
class GcpCicdProps:
    ctx: BuildContext
    cicd: CicdSpec


class GcpCicd(Construct):
    def __init__(self, scope: Construct, id: str, props: GcpCicdProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.project = props.ctx.profile.gcp().project_id
        self.pool = self._create_pool()
        self.provider = self._create_provider()
        self.service_accounts: dict[CiRole, ServiceAccount] = {}
        for identity in ci_identities(props.ctx.profile.name, props.cicd):
            sa = self._create_service_account(identity.role)
            self.service_accounts[identity.role] = sa
            self._trust(sa, identity)
        self._grant_plan(self.service_accounts[CiRole.PLAN])
        self._grant_apply(self.service_accounts[CiRole.APPLY])

    def _create_pool(self) -> IamWorkloadIdentityPool:
        """Extension point: the pool (ids are 4-32 characters and stay reserved 30 days after deletion)."""
        return IamWorkloadIdentityPool(
            self,
            "Pool",
            project=self.project,
            workload_identity_pool_id=self.props.ctx.name("github", max_len=32),
            display_name="GitHub Actions",
            description=f"Keyless CI for {self.props.cicd.repository}",
        )

    def _create_provider(self) -> IamWorkloadIdentityPoolProvider:
        """Extension point: GitHub's issuer, admitting only this repository's tokens."""
        provider = IamWorkloadIdentityPoolProvider(
            self,
            "Provider",
            project=self.project,
            workload_identity_pool_id=self.pool.workload_identity_pool_id,
            workload_identity_pool_provider_id="github",
            display_name="GitHub",
            attribute_condition=repository_condition(
                self.props.cicd.repository, ci_identities(self.props.ctx.profile.name, self.props.cicd)
            ),
            oidc=IamWorkloadIdentityPoolProviderOidc(issuer_uri=GITHUB_OIDC_ISSUER),
        )
        # An override: jsii would rewrite the map's dotted keys.
        provider.add_override(
            "attribute_mapping",
            {
                "google.subject": "assertion.sub",
                "attribute.repository": "assertion.repository",
                "attribute.environment": "assertion.environment",
            },
        )
        return provider

    def _create_service_account(self, role: CiRole) -> ServiceAccount:
        """Extension point: one CI service account."""
        return ServiceAccount(
            self,
            f"ServiceAccount-{role.value}",
            project=self.project,
            account_id=self.props.ctx.name("ci", role.value, max_len=30),
            display_name=f"trademl CI {role.value}",
        )

    def _trust(self, sa: ServiceAccount, identity: CiIdentity) -> ServiceAccountIamMember:
        return ServiceAccountIamMember(
            self,
            f"Federation-{identity.role.value}",
            service_account_id=sa.name,
            role="roles/iam.workloadIdentityUser",
            member=f"principal://iam.googleapis.com/{self.pool.name}/subject/{identity.subject}",
        )

    def _member(self, sa: ServiceAccount) -> str:
        return f"serviceAccount:{sa.email}"

    def _grant_state(self, sa: ServiceAccount, role: CiRole, bucket_role: str) -> None:
        state = self.props.ctx.profile.gcp().state
        if isinstance(state, GcsState):
            StorageBucketIamMember(
                self, f"State-{role.value}", bucket=state.bucket, role=bucket_role, member=self._member(sa)
            )

    def _grant_plan(self, sa: ServiceAccount) -> None:
        for role in PLAN_ROLES:
            ProjectIamMember(self, f"Plan-{role}", project=self.project, role=role, member=self._member(sa))
        # The workflow plans with -lock=false: reading the state is enough.
        self._grant_state(sa, CiRole.PLAN, "roles/storage.objectViewer")

    def _grant_apply(self, sa: ServiceAccount) -> None:
        for role in APPLY_ROLES:
            ProjectIamMember(self, f"Apply-{role}", project=self.project, role=role, member=self._member(sa))
        granted = ", ".join(f"'{r}'" for r in GRANTABLE_ROLES)
        ProjectIamMember(
            self,
            "Apply-roles/resourcemanager.projectIamAdmin",
            project=self.project,
            role="roles/resourcemanager.projectIamAdmin",
            member=self._member(sa),
            condition=ProjectIamMemberCondition(
                title="platform-roles-only",
                description="May grant only the roles trademl's layers give their service accounts",
                expression=f"api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([{granted}])",
            ),
        )
        self._grant_state(sa, CiRole.APPLY, "roles/storage.objectAdmin")

    @property
    def variables(self) -> Variables:
        return {
            role: {"GCP_WORKLOAD_IDENTITY_PROVIDER": self.provider.name, "GCP_SERVICE_ACCOUNT": sa.email}
            for role, sa in self.service_accounts.items()
        }
