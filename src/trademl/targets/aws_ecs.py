"""Target aws-ecs: ECS Fargate + SageMaker, the resilient-by-design flavour (seed 001's AWS column)."""

from __future__ import annotations

from trademl.model import TargetName
from trademl.targets.aws import AwsTargetBuilder


class AwsEcsTarget(AwsTargetBuilder):
    target = TargetName.AWS_ECS
