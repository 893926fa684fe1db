"""serving.exposure: public on aws-eks: API Gateway HTTP API -> VPC link -> the internal ALB, and no
plaintext Global Accelerator. One synthesis of a profile variant written to this module's tmp dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from trademl.model import TargetName

from tfjson import assert_resource_like, one, resources, stack

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PLATFORM, FAILOVER = "alpha-aws-eks-platform", "alpha-aws-eks-failover"


@pytest.fixture(scope="module")
def public_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from trademl.synth import synthesize

    tmp = tmp_path_factory.mktemp("eks-public")
    profile = yaml.safe_load((ROOT / "profiles" / "example.yaml").read_text())
    profile["serving"]["exposure"] = "public"
    for desk in profile.get("desks", []):
        if desk.get("extension"):  # relative to profiles/: make it absolute for the copy
            desk["extension"] = str((ROOT / "profiles" / desk["extension"]).resolve())
    path = tmp / "public.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    out = tmp / "cdktf.out"
    synthesize([path], [TargetName.AWS_EKS], out=out)
    return out


def test_http_api_reaches_internal_alb_through_vpc_link(public_out):
    s = stack(public_out, PLATFORM)
    api = one(s, "aws_apigatewayv2_api")
    assert api["protocol_type"] == "HTTP"
    link = one(s, "aws_apigatewayv2_vpc_link")
    assert link["subnet_ids"] and link["security_group_ids"]
    integration = one(s, "aws_apigatewayv2_integration")
    assert integration["connection_type"] == "VPC_LINK" and integration["integration_type"] == "HTTP_PROXY"
    assert "aws_lb_listener.Serving_Listener" in integration["integration_uri"]
    assert "aws_apigatewayv2_vpc_link" in integration["connection_id"]
    assert one(s, "aws_lb")["internal"] is True


def test_route_requires_iam_and_stage_logs_and_throttles(public_out):
    s = stack(public_out, PLATFORM)
    assert_resource_like(
        s, "aws_apigatewayv2_route", {"route_key": "ANY /{proxy+}", "authorization_type": "AWS_IAM"}
    )
    stage = one(s, "aws_apigatewayv2_stage")
    assert stage["auto_deploy"] is True and stage["name"] == "$default"
    assert json.loads(stage["access_log_settings"]["format"])["requestId"] == "$context.requestId"
    assert stage["default_route_settings"]["throttling_rate_limit"] > 0
    group = assert_resource_like(s, "aws_cloudwatch_log_group", {"name": "/trademl/alpha-prod/serving-api"})
    assert group["kms_key_id"] and group["retention_in_days"] >= 365


def test_vpc_link_egress_only_to_alb(public_out):
    s = stack(public_out, PLATFORM)
    rule = assert_resource_like(
        s, "aws_vpc_security_group_egress_rule", {"description": "internal serving ALB"}
    )
    assert rule["from_port"] == rule["to_port"] == 80
    assert "Serving_SecurityGroup" in rule["referenced_security_group_id"]


def test_no_plaintext_accelerator_when_public(public_out):
    assert not resources(stack(public_out, FAILOVER), "aws_globalaccelerator_accelerator")


def test_private_profile_has_no_public_entry(synth_out):
    assert not resources(stack(synth_out, PLATFORM), "aws_apigatewayv2_api")
