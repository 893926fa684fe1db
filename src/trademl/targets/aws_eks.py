"""Target aws-eks: EKS + JupyterHub + Kubeflow + KServe + Argo CD (seed 000's AWS column)."""

from __future__ import annotations

from trademl.model import TargetName
from trademl.targets.aws import AwsTargetBuilder


class AwsEksTarget(AwsTargetBuilder):
    target = TargetName.AWS_EKS
