"""The workloads layer of the gcp target: what runs inside the platform's GKE cluster (reached through
cross-stack references, see kube.py): the serving workload, and per desk a locked namespace and the
Kubernetes service account `desk-<name>/desk-<name>` that Workload Identity maps to the desk's Google
service account (the binding itself is made in the desk's stack)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.constructs.k8s.tenancy import TenantNamespace, TenantNamespaceProps, desk_quota
from trademl.model import DeskSpec
from trademl.model.gpu import gcp_machine

from .desk import desk_namespace
from .identity import account_email
from .serving_workload import ServingWorkload, ServingWorkloadProps


@dataclass(frozen=True, kw_only=True, slots=True)
class GcpWorkloadsProps:
    ctx: BuildContext
    image: str
    """serving.image as the nodes pull it."""
    address: str
    """The primary region's reserved internal load-balancer address."""


class GcpWorkloads(Construct):
    def __init__(self, scope: Construct, id: str, props: GcpWorkloadsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.serving = ServingWorkload(
            self, "Serving", ServingWorkloadProps(ctx=props.ctx, image=props.image, address=props.address)
        )
        self.desks: dict[str, TenantNamespace] = {}
        self.service_accounts: dict[str, ServiceAccountV1] = {}
        for desk in props.ctx.profile.desks:
            self.desks[desk.name] = self._create_namespace(desk)
            self.service_accounts[desk.name] = self._create_service_account(desk)

    def _create_namespace(self, desk: DeskSpec) -> TenantNamespace:
        """Extension point: the desk's namespace (Pod Security, default deny, quota)."""
        profile = self.props.ctx.profile
        gpus = gcp_machine(profile.desk_gpu(desk)).count
        return TenantNamespace(
            self,
            f"Desk-{desk.name}",
            TenantNamespaceProps(
                name=desk_namespace(desk),
                pod_security=profile.security.pod_security,
                quota=desk_quota(profile, desk, gpus),
            ),
        )

    def _create_service_account(self, desk: DeskSpec) -> ServiceAccountV1:
        """Extension point: `desk-<name>/desk-<name>`, annotated with the desk's Google service account."""
        name = desk_namespace(desk)
        return ServiceAccountV1(
            self,
            f"ServiceAccount-{desk.name}",
            metadata=ServiceAccountV1Metadata(
                name=name,
                namespace=name,
                annotations={"iam.gke.io/gcp-service-account": account_email(self.props.ctx, name)},
            ),
            automount_service_account_token=False,
            depends_on=[self.desks[desk.name].namespace],
        )
