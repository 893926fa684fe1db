"""The EKS control plane: private API endpoint, secrets encrypted with a CMK, every control-plane log
type into a pre-created encrypted log group, access entries (API mode), the IAM OIDC provider for IRSA
and the VPC CNI with network policy enforcement."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktn import Fn, ITerraformDependable, Token
from cdktn_provider_aws.eks_addon import EksAddon
from cdktn_provider_aws.eks_cluster import (
    EksCluster,
    EksClusterAccessConfig,
    EksClusterEncryptionConfig,
    EksClusterEncryptionConfigProvider,
    EksClusterUpgradePolicy,
    EksClusterVpcConfig,
)
from cdktn_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from constructs import Construct

from trademl.constructs.aws.eks.adopted import ClusterRef, node_volume_statements
from trademl.constructs.aws.eks.irsa import IrsaRole, IrsaRoleProps
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    OidcIssuer,
    account_of,
    service_trust,
)
from trademl.constructs.aws.kms import EncryptionKey, EncryptionKeyProps
from trademl.constructs.aws.logs import LogGroup, LogGroupProps
from trademl.constructs.aws.network import NetworkRef
from trademl.constructs.context import BuildContext

KUBERNETES_VERSION = "1.34"
CONTROL_PLANE_LOGS = ("api", "audit", "authenticator", "controllerManager", "scheduler")


@dataclass(frozen=True, kw_only=True, slots=True)
class PlatformClusterProps:
    ctx: BuildContext
    network: NetworkRef
    secondary: bool = False
    """The failover region's cluster (region from the model)."""
    version: str = KUBERNETES_VERSION


class PlatformCluster(Construct, ClusterRef):
    def __init__(self, scope: Construct, id: str, props: PlatformClusterProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.aws(ctx.target)
        self.region: str = (spec.secondary_region or spec.region) if props.secondary else spec.region
        self._region = self.region if props.secondary else None
        self.name = ctx.name("eks", "secondary" if props.secondary else "")
        account = account_of(ctx)
        # Its own key: the EC2 Auto Scaling service-linked role must be allowed to encrypt node volumes.
        self.key = EncryptionKey(
            self,
            "Key",
            EncryptionKeyProps(
                ctx=ctx,
                purpose="eks-secondary" if props.secondary else "eks",
                region=self._region,
                service_principals=("logs.amazonaws.com",),
                policy_statements=node_volume_statements(account),
            ),
        )
        # EKS would create this group itself, unencrypted and kept forever: create it first.
        self.log_group = LogGroup(
            self,
            "ControlPlaneLogs",
            LogGroupProps(
                ctx=ctx, name=f"/aws/eks/{self.name}/cluster", key=self.key, audit=True, region=self._region
            ),
        )
        self.role = LeastPrivilegeRole(
            self,
            "ClusterRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("eks-cluster", "secondary" if props.secondary else ""),
                trust_policy=service_trust(["eks.amazonaws.com"]),
                managed_policy_arns=("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",),
            ),
        )
        self.cluster = self._create_cluster()
        self.secondary = props.secondary
        self.cluster_name = self.cluster.name
        self.security_group_id = self.cluster.vpc_config.cluster_security_group_id
        self.endpoint: str = self.cluster.endpoint
        self.ca_data: str = self.cluster.certificate_authority.get(0).data
        issuer_url = self.cluster.identity.get(0).oidc.get(0).issuer
        self.oidc = IamOpenidConnectProvider(
            self, "Oidc", url=issuer_url, client_id_list=["sts.amazonaws.com"]
        )
        self.issuer = OidcIssuer(
            provider_arn=self.oidc.arn, issuer_host=Token.as_string(Fn.replace(issuer_url, "https://", ""))
        )
        self.cni_role = IrsaRole(
            self,
            "CniRole",
            IrsaRoleProps(
                ctx=ctx,
                issuer=self.issuer,
                namespace="kube-system",
                service_account="aws-node",
                name=ctx.name("irsa-vpc-cni", "secondary" if props.secondary else ""),
                managed_policy_arns=("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",),
            ),
        )
        # NetworkPolicies are enforced only when the VPC CNI runs its network policy agent.
        self.vpc_cni = EksAddon(
            self,
            "VpcCni",
            cluster_name=self.cluster.name,
            addon_name="vpc-cni",
            region=self._region,
            service_account_role_arn=self.cni_role.arn,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            configuration_values=json.dumps({"enableNetworkPolicy": "true"}, sort_keys=True),
        )
        self.ready: list[ITerraformDependable] = [self.vpc_cni]

    def _create_cluster(self) -> EksCluster:
        """Extension point: the control plane."""
        ctx = self.props.ctx
        private = ctx.profile.security.private_networking
        return EksCluster(
            self,
            "Cluster",
            name=self.name,
            role_arn=self.role.arn,
            version=self.props.version,
            region=self._region,
            vpc_config=EksClusterVpcConfig(
                subnet_ids=self.props.network.private_subnet_ids,
                endpoint_private_access=True,
                endpoint_public_access=not private,
            ),
            encryption_config=EksClusterEncryptionConfig(
                resources=["secrets"], provider=EksClusterEncryptionConfigProvider(key_arn=self.key.arn)
            ),
            enabled_cluster_log_types=list(CONTROL_PLANE_LOGS),
            # API mode: access entries only, no aws-auth ConfigMap. The identity that applies the platform
            # stack stays cluster admin so the workloads stack can install charts.
            access_config=EksClusterAccessConfig(
                authentication_mode="API", bootstrap_cluster_creator_admin_permissions=True
            ),
            upgrade_policy=EksClusterUpgradePolicy(support_type="STANDARD"),
            deletion_protection=ctx.profile.protect_stateful,
            bootstrap_self_managed_addons=False,
            depends_on=[self.log_group.group, self.role.policy],
        )

    def add_addon(
        self,
        id: str,
        name: str,
        role: IrsaRole | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
    ) -> EksAddon:
        return EksAddon(
            self,
            id,
            cluster_name=self.cluster.name,
            addon_name=name,
            region=self._region,
            service_account_role_arn=role.arn if role else None,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            depends_on=depends_on,
        )
