"""Node pools: a system pool for controllers and serving, and GPU training capacity as a SPOT managed node
group with an ON_DEMAND fallback group carrying the same labels and the nvidia.com/gpu taint, spread over
the private subnets of every zone. Sizes come from training.spot_share and training.max_nodes."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import ITerraformDependable, TerraformResourceLifecycle, Token
from cdktn_provider_aws.eks_addon import EksAddon
from cdktn_provider_aws.eks_node_group import (
    EksNodeGroup,
    EksNodeGroupLaunchTemplate,
    EksNodeGroupNodeRepairConfig,
    EksNodeGroupScalingConfig,
    EksNodeGroupTaint,
    EksNodeGroupUpdateConfig,
)
from cdktn_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateMetadataOptions,
)
from constructs import Construct

from trademl.constructs.aws.eks.adopted import ClusterRef
from trademl.constructs.aws.eks.irsa import IrsaRole, IrsaRoleProps
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    grant_key,
    service_trust,
)
from trademl.constructs.aws.network import NetworkRef
from trademl.constructs.context import BuildContext
from trademl.model.gpu import GpuClass, aws_instance_types

GPU_LABEL = "trademl.io/pool"
GPU_TAINT = EksNodeGroupTaint(key="nvidia.com/gpu", value="true", effect="NO_SCHEDULE")
NODE_POLICIES = (
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
)


def gpu_split(max_nodes: int, spot_share: float, fallback: bool) -> tuple[int, int]:
    """(spot max, on-demand max): spot takes its share, on-demand the rest (at least one when it is on)."""
    spot = max(1, round(max_nodes * spot_share)) if spot_share > 0 else 0
    on_demand = max(1, max_nodes - spot) if fallback or spot == 0 else max(0, max_nodes - spot)
    return spot, on_demand


@dataclass(frozen=True, kw_only=True, slots=True)
class NodePoolsProps:
    ctx: BuildContext
    cluster: ClusterRef
    """Created (PlatformCluster) or adopted (AdoptedCluster): node groups join either alike."""
    network: NetworkRef
    training: bool = True
    """Create the GPU training pools. Off for the failover region, which only serves."""


class NodePools(Construct):
    def __init__(self, scope: Construct, id: str, props: NodePoolsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx, cluster = props.ctx, props.cluster
        suffix = "secondary" if cluster.secondary else ""
        self.role = LeastPrivilegeRole(
            self,
            "NodeRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("eks-node", suffix),
                trust_policy=service_trust(["ec2.amazonaws.com"]),
                managed_policy_arns=NODE_POLICIES,
            ),
        )
        self.groups: dict[str, EksNodeGroup] = {}
        serving = ctx.profile.serving
        cpu = aws_instance_types(GpuClass.NONE)
        self.groups["system"] = self._create_group(
            "system",
            "ON_DEMAND",
            cpu,
            minimum=max(2, serving.min_replicas),
            maximum=max(6, serving.max_replicas),
            labels={GPU_LABEL: "system"},
            gpu=False,
        )
        if props.training:
            training = ctx.profile.training
            spot, on_demand = gpu_split(training.max_nodes, training.spot_share, training.on_demand_fallback)
            types = aws_instance_types(training.gpu)
            labels = {GPU_LABEL: "gpu-training", "nvidia.com/gpu.present": "true"}
            if spot:
                self.groups["gpu-spot"] = self._create_group(
                    "gpu-spot", "SPOT", types, 0, spot, labels, gpu=True
                )
            if on_demand:
                self.groups["gpu-on-demand"] = self._create_group(
                    "gpu-on-demand", "ON_DEMAND", types, 0, on_demand, labels, gpu=True
                )
        nodes: list[ITerraformDependable] = list(self.groups.values())
        # An adopted cluster's add-ons are its owner's: add_addon returns None there.
        addons = {
            "kube-proxy": cluster.add_addon("KubeProxy", "kube-proxy", depends_on=cluster.ready),
            "coredns": cluster.add_addon("CoreDns", "coredns", depends_on=nodes),
        }
        ebs = IrsaRole(
            self,
            "EbsCsiRole",
            IrsaRoleProps(
                ctx=ctx,
                issuer=cluster.issuer,
                namespace="kube-system",
                service_account="ebs-csi-controller-sa",
                name=ctx.name("irsa-ebs-csi", suffix),
                managed_policy_arns=("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",),
            ),
        )
        grant_key(ebs, cluster.key, write=True)
        addons["aws-ebs-csi-driver"] = cluster.add_addon("EbsCsi", "aws-ebs-csi-driver", ebs, nodes)
        self.addons: dict[str, EksAddon] = {k: v for k, v in addons.items() if v is not None}

    def _launch_template(self, name: str, gpu: bool) -> LaunchTemplate:
        """IMDSv2 only with hop limit 1 (pods cannot borrow the node's role), encrypted root volume."""
        cluster = self.props.cluster
        return LaunchTemplate(
            self,
            f"LaunchTemplate-{name}",
            name=self.props.ctx.name(name, cluster.name),
            region=cluster._region,
            update_default_version=True,
            metadata_options=LaunchTemplateMetadataOptions(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
            ),
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name="/dev/xvda",
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        volume_size=200 if gpu else 80,
                        volume_type="gp3",
                        encrypted="true",
                        kms_key_id=cluster.key.arn,
                        delete_on_termination="true",
                    ),
                )
            ],
        )

    def _create_group(
        self,
        name: str,
        capacity: str,
        types: tuple[str, ...],
        minimum: int,
        maximum: int,
        labels: dict[str, str],
        gpu: bool,
    ) -> EksNodeGroup:
        """Extension point: one managed node group over the private subnets of every zone."""
        cluster = self.props.cluster
        template = self._launch_template(name, gpu)
        # Scale-from-zero hints for the cluster autoscaler: the labels and taint a new node will carry.
        hints = {f"k8s.io/cluster-autoscaler/node-template/label/{k}": v for k, v in labels.items()}
        if gpu:
            hints["k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu"] = "true:NoSchedule"
        return EksNodeGroup(
            self,
            f"NodeGroup-{name}",
            cluster_name=cluster.cluster_name,
            node_group_name=name,
            node_role_arn=self.role.arn,
            subnet_ids=self.props.network.private_subnet_ids,
            capacity_type=capacity,
            instance_types=list(types),
            ami_type="AL2023_x86_64_NVIDIA" if gpu else "AL2023_x86_64_STANDARD",
            scaling_config=EksNodeGroupScalingConfig(
                min_size=minimum, max_size=maximum, desired_size=minimum
            ),
            labels=labels,
            taint=[GPU_TAINT] if gpu else None,
            region=cluster._region,
            launch_template=EksNodeGroupLaunchTemplate(
                id=template.id, version=Token.as_string(template.latest_version)
            ),
            update_config=EksNodeGroupUpdateConfig(max_unavailable_percentage=33),
            node_repair_config=EksNodeGroupNodeRepairConfig(enabled=True),
            tags={
                **hints,
                "k8s.io/cluster-autoscaler/enabled": "true",
                f"k8s.io/cluster-autoscaler/{cluster.name}": "owned",
            },
            lifecycle=TerraformResourceLifecycle(ignore_changes=["scaling_config[0].desired_size"]),
            depends_on=[self.role.policy, *cluster.ready],
        )
