"""The cicd section of the profile: naming shared by every cloud, and when the layer is planned."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from trademl.model import Layer, Profile, TargetName, plan_stacks
from trademl.model.cicd import (
    CicdSpec,
    CiRole,
    aws_variable_names,
    ci_identities,
    github_owner_target,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "profiles" / "example.yaml"


def example(**changes: object) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(EXAMPLE.read_text())
    data.update(changes)
    return data


def test_subjects_match_the_workflow_environments() -> None:
    spec = CicdSpec(repository="acme/trading-platform", reviewers=("platform-leads",))
    plan, apply = ci_identities("alpha", spec)
    assert (plan.role, plan.environment, plan.subject) == (
        CiRole.PLAN,
        "alpha-plan",
        "repo:acme/trading-platform:environment:alpha-plan",
    )
    assert (apply.role, apply.environment, apply.subject) == (
        CiRole.APPLY,
        "alpha",
        "repo:acme/trading-platform:environment:alpha",
    )


def test_reviewers_split_into_teams_and_users() -> None:
    spec = CicdSpec(repository="acme/x", reviewers=("platform-leads", "@alice"))
    assert spec.reviewer_teams == ("platform-leads",) and spec.reviewer_users == ("alice",)
    assert (spec.owner, spec.name) == ("acme", "x")


@pytest.mark.parametrize("bad", ["acme", "acme/", "/repo", "acme/repo/extra", "ac me/repo"])
def test_fails_on_a_repository_that_is_not_owner_slash_name(bad: str) -> None:
    with pytest.raises(ValidationError, match="repository"):
        CicdSpec(repository=bad)


def test_fails_in_prod_without_reviewers() -> None:
    with pytest.raises(ValidationError, match=r"cicd\.reviewers is empty in prod"):
        Profile.model_validate(example(cicd={"repository": "acme/trading-platform"}))


def test_cicd_layer_is_planned_only_when_set_and_enabled() -> None:
    layers = [Layer.FOUNDATION, Layer.CICD]
    with_cicd = Profile.model_validate(example())
    assert [p.name for p in plan_stacks(with_cicd, TargetName.GCP, layers)] == [
        "alpha-gcp-foundation",
        "alpha-gcp-cicd",
    ]
    without = Profile.model_validate(example(cicd=None))
    disabled = Profile.model_validate(
        example(cicd={"repository": "acme/trading-platform", "reviewers": ["x"], "enabled": False})
    )
    for profile in (without, disabled):
        assert [p.layer for p in plan_stacks(profile, TargetName.GCP, layers)] == [Layer.FOUNDATION]


def test_aws_variables_are_flavour_suffixed_and_plain_only_for_a_single_aws_target() -> None:
    both = [TargetName.AWS_EKS, TargetName.AWS_ECS]
    assert aws_variable_names(TargetName.AWS_ECS, both) == {
        "role_arn": "AWS_ECS_ROLE_ARN",
        "region": "AWS_ECS_REGION",
    }
    single = aws_variable_names(TargetName.AWS_EKS, [TargetName.AWS_EKS])
    assert single["role_arn_plain"] == "AWS_ROLE_ARN" and single["region_plain"] == "AWS_REGION"


def test_the_first_target_owns_the_github_environments() -> None:
    assert github_owner_target([TargetName.AZURE, TargetName.GCP]) is TargetName.AZURE
