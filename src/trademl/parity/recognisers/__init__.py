"""One recogniser table per target: capability id -> a function of the target's synthesized JSON."""

from __future__ import annotations

from trademl.model import TargetName
from trademl.parity.evidence import Recogniser
from trademl.parity.recognisers.aws_flavours import AWS_ECS, AWS_EKS
from trademl.parity.recognisers.azure import AZURE
from trademl.parity.recognisers.gcp import GCP

RECOGNISERS: dict[TargetName, dict[str, Recogniser]] = {
    TargetName.AWS_EKS: AWS_EKS,
    TargetName.AWS_ECS: AWS_ECS,
    TargetName.AZURE: AZURE,
    TargetName.GCP: GCP,
}
