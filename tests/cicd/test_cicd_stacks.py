"""The cicd layer on every target, asserted on the synthesized JSON of profiles/example.yaml."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tfjson import assert_resource_like, one, resources, stack

REPO = "acme/trading-platform"
PLAN_SUB = f"repo:{REPO}:environment:alpha-plan"
APPLY_SUB = f"repo:{REPO}:environment:alpha"
TARGETS = ["aws-eks", "aws-ecs", "azure", "gcp"]


def cicd(out: Path, target: str) -> dict:
    return stack(out, f"alpha-{target}-cicd")


def roles_by_name(s: dict) -> dict[str, dict]:
    return {r["name"]: r for r in resources(s, "aws_iam_role").values()}


def inline_policy(s: dict, role_name: str) -> dict:
    role_id = next(k for k, r in resources(s, "aws_iam_role").items() if r["name"] == role_name)
    for body in resources(s, "aws_iam_role_policy").values():
        if body["role"] == f"${{aws_iam_role.{role_id}.id}}":
            return json.loads(body["policy"])
    raise AssertionError(f"no inline policy for {role_name}")


@pytest.mark.parametrize("target", ["aws-eks", "aws-ecs"])
def test_aws_trust_is_pinned_to_the_repository_environment(synth_out: Path, target: str) -> None:
    s = cicd(synth_out, target)
    assert_resource_like(
        s,
        "aws_iam_openid_connect_provider",
        {"url": "https://token.actions.githubusercontent.com", "client_id_list": ["sts.amazonaws.com"]},
    )
    roles = roles_by_name(s)
    for name, subject in (("alpha-prod-cicd-plan", PLAN_SUB), ("alpha-prod-cicd-apply", APPLY_SUB)):
        (statement,) = json.loads(roles[name]["assume_role_policy"])["Statement"]
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Condition"] == {
            "StringEquals": {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": subject,
            }
        }


@pytest.mark.parametrize("target", ["aws-eks", "aws-ecs"])
def test_aws_plan_role_is_read_only(synth_out: Path, target: str) -> None:
    s = cicd(synth_out, target)
    plan_id = next(k for k, r in resources(s, "aws_iam_role").items() if r["name"] == "alpha-prod-cicd-plan")
    attached = [
        a["policy_arn"]
        for a in resources(s, "aws_iam_role_policy_attachment").values()
        if plan_id in a["role"]
    ]
    assert attached == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    statements = inline_policy(s, "alpha-prod-cicd-plan")["Statement"]
    writes = {
        action
        for st in statements
        if st["Effect"] == "Allow"
        for action in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
        if not re.match(r"s3:(Get|List)", action)
    }
    assert writes == {"s3:PutObject", "s3:DeleteObject"}
    (lock,) = [st for st in statements if st.get("Sid") == "StateLockFile"]
    assert lock["Resource"].endswith("/trademl/*.tflock")
    assert any(st.get("Sid") == "DenyDataReads" and st["Effect"] == "Deny" for st in statements)


@pytest.mark.parametrize("target", ["aws-eks", "aws-ecs"])
def test_aws_apply_role_is_bounded_and_cannot_change_ci_identities(synth_out: Path, target: str) -> None:
    s = cicd(synth_out, target)
    apply = roles_by_name(s)["alpha-prod-cicd-apply"]
    policy_id = next(iter(resources(s, "aws_iam_policy")))
    assert apply["permissions_boundary"] == f"${{aws_iam_policy.{policy_id}.arn}}"
    document = json.loads(one(s, "aws_iam_policy")["policy"])
    by_sid = {st["Sid"]: st for st in document["Statement"]}
    assert "iam:*" not in by_sid["PlatformServices"]["Action"]
    assert "*:*" not in by_sid["PlatformServices"]["Action"]
    assert all(r.startswith("arn:aws:iam::") for r in by_sid["PlatformIam"]["Resource"])
    assert (
        "iam:*" not in by_sid["PlatformIam"]["Action"]
        and "iam:CreateUser" not in by_sid["PlatformIam"]["Action"]
    )
    denied = by_sid["DenyCiIdentityChanges"]
    assert denied["Effect"] == "Deny" and any(
        r.endswith("role/alpha-prod-cicd-apply") for r in denied["Resource"]
    )
    state = inline_policy(s, "alpha-prod-cicd-apply")["Statement"]
    (own,) = [st for st in state if st.get("Sid") == "DenyOwnState"]
    assert own["Resource"].endswith(f"/trademl/alpha-{target}-cicd.tfstate*")


def test_azure_federated_credentials_match_the_workflow_subjects(synth_out: Path) -> None:
    s = cicd(synth_out, "azure")
    assert len(resources(s, "azurerm_user_assigned_identity")) == 2
    for subject in (PLAN_SUB, APPLY_SUB):
        assert_resource_like(
            s,
            "azurerm_federated_identity_credential",
            {
                "issuer": "https://token.actions.githubusercontent.com",
                "subject": subject,
                "audience": ["api://AzureADTokenExchange"],
            },
        )


def test_azure_plan_reads_and_apply_is_constrained(synth_out: Path) -> None:
    s = cicd(synth_out, "azure")
    identities = {k: r["name"] for k, r in resources(s, "azurerm_user_assigned_identity").items()}
    granted: dict[str, set[str]] = {"alpha-prod-cicd-plan": set(), "alpha-prod-cicd-apply": set()}
    for body in resources(s, "azurerm_role_assignment").values():
        who = next(n for k, n in identities.items() if k in body["principal_id"])
        granted[who].add(body.get("role_definition_name") or "custom")
        if body.get("role_definition_name") == "Role Based Access Control Administrator":
            assert body["condition_version"] == "2.0"
            assert "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" in body["condition"]  # Owner may never be granted
    assert granted["alpha-prod-cicd-plan"] == {"Reader", "Storage Blob Data Reader"}
    assert granted["alpha-prod-cicd-apply"] == {
        "custom",
        "Role Based Access Control Administrator",
        "Storage Blob Data Contributor",
    }
    assert "Owner" not in {r for roles in granted.values() for r in roles}
    actions = one(s, "azurerm_role_definition")["permissions"][0]["actions"]
    assert "*" not in actions and "Microsoft.Network/*" in actions
    assert not [a for a in actions if a.startswith("Microsoft.Authorization/") and not a.endswith("/read")]
    assert_resource_like(
        s,
        "azurerm_role_assignment",
        {
            "role_definition_name": "Storage Blob Data Reader",
            "scope": "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/alpha-tfstate/providers/"
            "Microsoft.Storage/storageAccounts/alphatfstate01/blobServices/default/containers/tfstate",
        },
    )


def test_gcp_provider_admits_only_the_repository(synth_out: Path) -> None:
    s = cicd(synth_out, "gcp")
    assert_resource_like(
        s,
        "google_iam_workload_identity_pool_provider",
        {
            "attribute_condition": f"assertion.repository == '{REPO}' && (assertion.sub == '{PLAN_SUB}' || assertion.sub == '{APPLY_SUB}')",
            "attribute_mapping": {
                "google.subject": "assertion.sub",
                "attribute.repository": "assertion.repository",
            },
            "oidc": {"issuer_uri": "https://token.actions.githubusercontent.com"},
        },
    )
    members = sorted(r["member"] for r in resources(s, "google_service_account_iam_member").values())
    assert all(
        r["role"] == "roles/iam.workloadIdentityUser"
        for r in resources(s, "google_service_account_iam_member").values()
    )
    assert [m.rsplit("/subject/", 1)[1] for m in members] == sorted([APPLY_SUB, PLAN_SUB])


def test_gcp_plan_is_viewer_level_and_apply_grants_only_platform_roles(synth_out: Path) -> None:
    s = cicd(synth_out, "gcp")
    by_member: dict[str, set[str]] = {}
    for body in resources(s, "google_project_iam_member").values():
        by_member.setdefault(body["member"], set()).add(body["role"])
        if body["role"] == "roles/resourcemanager.projectIamAdmin":
            assert "modifiedGrantsByRole" in body["condition"]["expression"]
            assert "roles/owner" not in body["condition"]["expression"]
    plan = next(roles for member, roles in by_member.items() if "ServiceAccount-plan" in member)
    apply = next(roles for member, roles in by_member.items() if "ServiceAccount-apply" in member)
    assert plan == {"roles/viewer", "roles/iam.securityReviewer"}
    assert not apply & {"roles/owner", "roles/editor"}
    assert_resource_like(
        s,
        "google_storage_bucket_iam_member",
        {"bucket": "alpha-tfstate-prod", "role": "roles/storage.objectViewer"},
    )


def test_environments_and_branch_protection_live_once_in_the_first_target(synth_out: Path) -> None:
    owner = cicd(synth_out, "aws-eks")
    envs = {r["environment"]: r for r in resources(owner, "github_repository_environment").values()}
    assert set(envs) == {"alpha-plan", "alpha"}
    assert "reviewers" not in envs["alpha-plan"]
    prod = envs["alpha"]
    assert prod["prevent_self_review"] is True and prod["can_admins_bypass"] is False
    assert prod["deployment_branch_policy"] == {"protected_branches": True, "custom_branch_policies": False}
    (team,) = owner["data"]["github_team"].values()
    assert team["slug"] == "platform-leads"
    assert "data.github_team." in json.dumps(prod["reviewers"])
    assert_resource_like(
        owner,
        "github_branch_protection",
        {
            "pattern": "main",
            "repository_id": "trading-platform",
            "allows_force_pushes": False,
            "allows_deletions": False,
            "enforce_admins": True,
            "require_signed_commits": True,
            "required_status_checks": [
                {"strict": True, "contexts": ["test, synth, check, parity", "stack matrix"]}
            ],
            "required_pull_request_reviews": [
                {"required_approving_review_count": 2, "dismiss_stale_reviews": True}
            ],
        },
    )
    assert owner["provider"]["github"] == [{"owner": "acme"}]
    for target in ("aws-ecs", "azure", "gcp"):
        other = cicd(synth_out, target)
        assert not resources(other, "github_repository_environment")
        assert not resources(other, "github_branch_protection")


@pytest.mark.parametrize(
    ("target", "names"),
    [
        ("aws-eks", {"AWS_EKS_ROLE_ARN", "AWS_EKS_REGION"}),
        ("aws-ecs", {"AWS_ECS_ROLE_ARN", "AWS_ECS_REGION"}),
        ("azure", {"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID"}),
        ("gcp", {"GCP_WORKLOAD_IDENTITY_PROVIDER", "GCP_SERVICE_ACCOUNT"}),
    ],
)
def test_each_target_writes_its_variables_into_both_environments(
    synth_out: Path, target: str, names: set[str]
) -> None:
    variables = resources(cicd(synth_out, target), "github_actions_environment_variable").values()
    for environment in ("alpha-plan", "alpha"):
        written = {v["variable_name"] for v in variables if environment in (v["environment"], _env_ref(v))}
        assert written == names, environment


def _env_ref(variable: dict) -> str:
    # The owner target references its own environment resource; the name is in the construct path.
    path = variable["//"]["metadata"]["path"]
    return "alpha-plan" if "Variable-plan-" in path else "alpha"


@pytest.mark.parametrize("target", TARGETS)
def test_no_secret_literal_is_synthesized(synth_out: Path, target: str) -> None:
    text = json.dumps(cicd(synth_out, target))
    assert not re.search(r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|AKIA[0-9A-Z]{16}|\"token\"\s*:", text)
    assert "github_actions_secret" not in text and "github_actions_environment_secret" not in text
