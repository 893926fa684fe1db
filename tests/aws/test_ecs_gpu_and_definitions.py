"""Construct-level and pure tests for aws-ecs: the EC2 GPU capacity path (Fargate has no GPUs), the
pipeline definition's determinism and the state machine without on-demand fallback."""

from __future__ import annotations

import json
from pathlib import Path

import cdktn
import pytest
import yaml

from trademl.constructs.aws.ecs.cluster import EcsPlatformCluster, EcsPlatformClusterProps
from trademl.constructs.aws.ecs.images import PublicImageCache, PublicImageCacheProps, image_ref
from trademl.constructs.aws.ecs.inference import Inference, InferenceProps
from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.ecs.service import BalancedService, BalancedServiceProps, Capacity, Deployment
from trademl.constructs.aws.foundation import Foundation, FoundationProps
from trademl.constructs.aws.sagemaker.definition import PipelineInputs, render
from trademl.constructs.aws.sagemaker.orchestration import state_machine_definition
from trademl.constructs.context import BuildContext
from trademl.model import TargetName, load_profile

from tfjson import assert_resource_like, one

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gpu_stack(tmp_path_factory):
    data = yaml.safe_load((ROOT / "profiles" / "example.yaml").read_text())
    data["serving"]["gpu"] = "t4"
    data["desks"] = []
    path = tmp_path_factory.mktemp("gpu") / "gpu.yaml"
    path.write_text(yaml.safe_dump(data))
    ctx = BuildContext(profile=load_profile(path), target=TargetName.AWS_ECS)
    stack = cdktn.TerraformStack(cdktn.Testing.app(), "gpu")
    foundation = Foundation(stack, "Foundation", FoundationProps(ctx=ctx))
    placement = Placement(ctx=ctx)
    cluster = EcsPlatformCluster(
        stack, "Cluster", EcsPlatformClusterProps(placement=placement, network=foundation.network)
    )
    Inference(
        stack,
        "Inference",
        InferenceProps(
            placement=placement,
            cluster=cluster,
            network=foundation.network,
            key=foundation.key,
            public_images=PublicImageCache(stack, "PublicImages", PublicImageCacheProps(placement=placement)),
            image="222222222222.dkr.ecr.ap-northeast-1.amazonaws.com/alpha-prod/runtime:1.0.0",
        ),
    )
    return json.loads(cdktn.Testing.synth(stack))


def test_gpu_inference_uses_an_ec2_capacity_provider(gpu_stack):
    provider = one(gpu_stack, "aws_ecs_capacity_provider")
    asg = provider["auto_scaling_group_provider"]
    assert asg["managed_scaling"]["status"] == "ENABLED"
    assert asg["managed_termination_protection"] == "ENABLED"
    service = one(gpu_stack, "aws_ecs_service")
    assert service["capacity_provider_strategy"] == [
        {
            "capacity_provider": "${aws_ecs_capacity_provider."
            + next(iter(gpu_stack["resource"]["aws_ecs_capacity_provider"]))
            + ".name}",
            "base": 0,
            "weight": 1,
        }
    ]
    assert service["ordered_placement_strategy"] == [
        {"type": "spread", "field": "attribute:ecs.availability-zone"}
    ]
    app = json.loads(one(gpu_stack, "aws_ecs_task_definition")["container_definitions"])[0]
    assert app["resourceRequirements"] == [{"type": "GPU", "value": "1"}]


def test_gpu_instances_use_the_ecs_gpu_ami_and_mix_spot(gpu_stack):
    ami = gpu_stack["data"]["aws_ssm_parameter"]
    assert next(iter(ami.values()))["name"].endswith("/gpu/recommended/image_id")
    template = one(gpu_stack, "aws_launch_template")
    assert template["metadata_options"]["http_tokens"] == "required"
    assert template["block_device_mappings"][0]["ebs"]["encrypted"] == "true"
    group = one(gpu_stack, "aws_autoscaling_group")
    distribution = group["mixed_instances_policy"]["instances_distribution"]
    assert distribution["on_demand_base_capacity"] == 2
    assert distribution["on_demand_percentage_above_base_capacity"] == 30
    overrides = group["mixed_instances_policy"]["launch_template"]["override"]
    assert overrides[0]["instance_type"] == "g4dn.xlarge"
    assert_resource_like(gpu_stack, "aws_ecs_cluster_capacity_providers", {})


def _inputs(**overrides):
    base = dict(
        role_arn="arn:role",
        image="img:1",
        instance_type="ml.g4dn.xlarge",
        data_uri="s3://d/",
        output_uri="s3://m/training/x",
        key_arn="arn:key",
        subnet_ids=("s1",),
        security_group_ids=("g",),
        model_package_group="grp",
        max_runtime_hours=2,
        retries=3,
        spot_default=True,
    )
    return PipelineInputs(**{**base, **overrides})


def test_pipeline_definition_is_deterministic():
    assert render(_inputs()) == render(_inputs())
    assert json.loads(render(_inputs(spot_default=False)))["Parameters"][1]["DefaultValue"] is False


def test_state_machine_without_fallback_has_no_on_demand_branch():
    asl = json.loads(
        state_machine_definition(
            pipeline="p", model_group="g", cluster="c", service="s", topic_arn="t", retries=2, fallback=False
        )
    )
    assert "TrainOnDemand" not in asl["States"]


def test_fails_blue_green_without_its_settings(gpu_stack):
    stack = cdktn.TerraformStack(cdktn.Testing.app(), "bad")
    with pytest.raises(ValueError, match="BLUE_GREEN needs blue_green"):
        BalancedService(
            stack,
            "Bad",
            BalancedServiceProps(
                placement=None,
                name="x",
                cluster=None,
                network=None,
                task=None,  # type: ignore[arg-type]
                target_group_arn="",
                balancer_security_group_id="",
                port=1,
                capacity=Capacity(on_demand_base=1, spot_percent=0),
                min_count=1,
                max_count=1,
                target_utilization=50,
                deployment=Deployment.BLUE_GREEN,
            ),
        )


def test_image_ref_keeps_tag_or_digest():
    assert image_ref("ghcr.io/a/b:1.2.3") == ":1.2.3"
    assert image_ref("ghcr.io/a/b@sha256:" + "0" * 64) == "@sha256:" + "0" * 64
