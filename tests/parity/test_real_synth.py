"""Parity on the session's real synth of profiles/example.yaml (all four targets)."""

from __future__ import annotations

import copy

import pytest

from parity.fixtures import EXAMPLE, ctx
from trademl.model import TargetName, load_profile
from trademl.parity.graph import load_out
from trademl.parity.matrix import Status, build
from trademl.parity.recognisers import aws

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def matrix(synth_out):
    return build(load_profile(EXAMPLE), load_out(synth_out))


@pytest.mark.parametrize("target", list(TargetName))
def test_keys_rotate_on_every_target(matrix, target):
    assert matrix.cell("key-rotation", target).status is Status.PRESENT


@pytest.mark.parametrize("target", [TargetName.AWS_EKS, TargetName.AWS_ECS, TargetName.GCP])
def test_artifact_stores_versioned_and_cmk(matrix, target):
    assert matrix.cell("artifact-store", target).status is Status.PRESENT


def test_removing_one_real_versioning_resource_fails_the_store(synth_out):
    stacks = copy.deepcopy(load_out(synth_out))
    name = "alpha-aws-eks-foundation"
    versioning = stacks[name]["resource"]["aws_s3_bucket_versioning"]
    del versioning[next(k for k in sorted(versioning) if "Store-data" in k)]
    assert not aws.artifact_store(ctx(stacks)).found


@pytest.mark.parametrize("target", list(TargetName))
def test_every_requested_capability_on_target(matrix, target):
    missing = [f"{c.capability.id}: {c.evidence.missing}" for c in matrix.failures if c.target is target]
    assert not missing, "\n".join(missing)
