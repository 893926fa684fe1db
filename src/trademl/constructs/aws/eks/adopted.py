"""An EKS cluster as its dependents see it (node groups, IRSA roles, the ALB rule, the workloads layer's
providers), and the adopted one: read by name at plan time through data sources keyed by the given ARN, so
synth stays offline. PlatformCluster is the created one; the target picks between them, nowhere else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktn import Fn, ITerraformDependable, Token
from cdktn_provider_aws.data_aws_eks_cluster import DataAwsEksCluster
from cdktn_provider_aws.data_aws_iam_openid_connect_provider import DataAwsIamOpenidConnectProvider
from cdktn_provider_aws.eks_addon import EksAddon
from constructs import Construct

from trademl.constructs.aws.eks.irsa import IrsaRole
from trademl.constructs.aws.identity import OidcIssuer, account_of
from trademl.constructs.aws.kms import EncryptionKey, EncryptionKeyProps, KeyRef
from trademl.constructs.context import BuildContext
from trademl.model.adopt import AwsEksArn


def node_volume_statements(account: str) -> tuple[Mapping[str, object], ...]:
    """Key-policy statement letting the EC2 Auto Scaling service-linked role encrypt node volumes."""
    return (
        {
            "Sid": "AutoScalingEncryptsNodeVolumes",
            "Effect": "Allow",
            "Principal": {
                "AWS": f"arn:aws:iam::{account}:role/aws-service-role/autoscaling.amazonaws.com/"
                "AWSServiceRoleForAutoScaling"
            },
            "Action": [
                "kms:CreateGrant",
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:GenerateDataKey*",
                "kms:ReEncrypt*",
            ],
            "Resource": "*",
        },
    )


class ClusterRef:
    """`name` is the plain name (for naming); `cluster_name` the reference node groups depend on.
    `key` encrypts the node volumes trademl adds; `ready` is what node groups wait for."""

    name: str
    cluster_name: str
    endpoint: str
    ca_data: str
    issuer: OidcIssuer
    security_group_id: str
    key: KeyRef
    ready: list[ITerraformDependable]
    secondary: bool = False
    adopted: bool = False
    _region: str | None = None

    def add_addon(
        self,
        id: str,
        name: str,
        role: IrsaRole | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
    ) -> EksAddon | None:
        """A managed add-on. Default: none (an adopted cluster's add-ons belong to its owner)."""
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class AdoptedClusterProps:
    ctx: BuildContext
    arn: AwsEksArn


class AdoptedCluster(Construct, ClusterRef):
    """The owner keeps the control plane, its logs, its add-ons (vpc-cni with network policy, coredns,
    kube-proxy, aws-ebs-csi-driver) and its IAM OIDC provider, which must exist (`trademl doctor`);
    trademl adds node groups (with their own volume key), IRSA roles and the workloads on top."""

    def __init__(self, scope: Construct, id: str, props: AdoptedClusterProps) -> None:
        super().__init__(scope, id)
        ctx = props.ctx
        self.name = props.arn.rsplit("/", 1)[1]
        self.data = DataAwsEksCluster(self, "Cluster", name=self.name)
        self.cluster_name = self.data.name
        self.endpoint = self.data.endpoint
        self.ca_data = self.data.certificate_authority.get(0).data
        self.security_group_id = self.data.vpc_config.get(0).cluster_security_group_id
        issuer_url = self.data.identity.get(0).oidc.get(0).issuer
        provider = DataAwsIamOpenidConnectProvider(self, "Oidc", url=issuer_url)
        self.issuer = OidcIssuer(
            provider_arn=provider.arn, issuer_host=Token.as_string(Fn.replace(issuer_url, "https://", ""))
        )
        self.key = EncryptionKey(
            self,
            "NodeKey",
            EncryptionKeyProps(
                ctx=ctx,
                purpose="eks-nodes",
                service_principals=(),
                policy_statements=node_volume_statements(account_of(ctx)),
            ),
        )
        self.ready = []
        self.adopted = True
