"""How synth deals targets to worker processes."""

from __future__ import annotations

from trademl.model import TargetName
from trademl.synth.groups import plan_groups

EKS, ECS, AZURE, GCP = (TargetName(t) for t in ("aws-eks", "aws-ecs", "azure", "gcp"))


def test_one_process_per_core_with_the_aws_flavours_together() -> None:
    groups = plan_groups({EKS: 8, ECS: 7, AZURE: 8, GCP: 8}, workers=2)
    assert sorted(groups) == sorted([(EKS, ECS), (AZURE, GCP)])
    assert groups[0] == (AZURE, GCP)  # 16 stacks to build before 15: heaviest first


def test_more_cores_than_units_gives_each_unit_its_own_process() -> None:
    assert plan_groups({EKS: 8, ECS: 7, AZURE: 8, GCP: 8}, workers=8) == [(EKS, ECS), (AZURE,), (GCP,)]


def test_weights_steer_the_split() -> None:
    # An incremental job builds few stacks: the big full synth gets a process of its own.
    assert plan_groups({EKS: 2, ECS: 1, AZURE: 9, GCP: 2}, workers=2) == [(AZURE,), (EKS, ECS, GCP)]


def test_one_core_runs_everything_in_one_process() -> None:
    assert plan_groups({GCP: 3, EKS: 5}, workers=1) == [(EKS, GCP)]
