"""Bad adopted ids are refused by `trademl validate` with one line naming the file, the field and the fix,
before anything is synthesized."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from trademl.cli import main

BROWNFIELD = Path(__file__).resolve().parents[2] / "profiles" / "brownfield.yaml"
ACCT = "333333333333"
SUB = "/subscriptions/00000000-0000-4000-8000-000000000002/resourceGroups"


def adopt(data: dict[str, Any], target: str) -> dict[str, Any]:
    found: dict[str, Any] = data["targets"][target]["adopt"]
    return found


def validate(tmp_path: Path, change: Any) -> tuple[int, list[str], Path]:
    data = yaml.safe_load(BROWNFIELD.read_text())
    change(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    return result.exit_code, result.output.strip().splitlines(), path


def test_brownfield_is_valid() -> None:
    result = CliRunner().invoke(main, ["validate", str(BROWNFIELD)], catch_exceptions=False)
    assert result.exit_code == 0, result.output


BAD: dict[str, tuple[Any, str, str]] = {
    "eks-name-not-arn": (
        lambda d: adopt(d, "aws-eks").update(cluster="shared-ml"),
        "targets.aws-eks.adopt.cluster",
        "is not an EKS cluster ARN",
    ),
    "kms-alias-not-key": (
        lambda d: adopt(d, "aws-eks").update(key=f"arn:aws:kms:ap-northeast-1:{ACCT}:alias/corp"),
        "targets.aws-eks.adopt.key",
        "is not a KMS key ARN",
    ),
    "key-in-other-account": (
        lambda d: adopt(d, "aws-eks").update(
            key="arn:aws:kms:ap-northeast-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        ),
        "targets.aws-eks",
        "is in account 999999999999",
    ),
    "key-in-other-region": (
        lambda d: adopt(d, "aws-eks").update(
            key=f"arn:aws:kms:ap-northeast-3:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        ),
        "targets.aws-eks",
        "is in ap-northeast-3, not the target's region 'ap-northeast-1'",
    ),
    "one-subnet": (
        lambda d: adopt(d, "aws-eks")["network"].update(
            private_subnets=adopt(d, "aws-eks")["network"]["private_subnets"][:1]
        ),
        "targets.aws-eks.adopt.network.private_subnets",
        "at least 2",
    ),
    "eks-without-network": (
        lambda d: adopt(d, "aws-eks").pop("network"),
        "targets.aws-eks.adopt",
        "adopt.cluster without adopt.network",
    ),
    "azure-vault-not-key": (
        lambda d: adopt(d, "azure").update(key=f"{SUB}/keys/providers/Microsoft.KeyVault/vaults/corp-kv-ml"),
        "targets.azure.adopt.key",
        "is not a Key Vault key resource id",
    ),
    "aks-without-network": (
        lambda d: adopt(d, "azure").pop("network"),
        "targets.azure.adopt",
        "adopt.cluster without adopt.network",
    ),
    "gcp-global-key": (
        lambda d: adopt(d, "gcp").update(
            key="projects/kms-project-sec/locations/global/keyRings/ml/cryptoKeys/data"
        ),
        "targets.gcp",
        "is in global, not the target's region 'asia-northeast1'",
    ),
    "gcp-subnet-other-region": (
        lambda d: adopt(d, "gcp")["network"].update(
            private_subnets=["projects/host-project-net/regions/asia-northeast2/subnetworks/ml"]
        ),
        "targets.gcp",
        "is in asia-northeast2",
    ),
    "gcp-cluster-url-not-name": (
        lambda d: adopt(d, "gcp").update(
            cluster="https://container.googleapis.com/v1/projects/p/locations/l/clusters/c"
        ),
        "targets.gcp.adopt.cluster",
        "is not a GKE cluster resource name",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_fails_on_bad_adopted_id(tmp_path: Path, case: str) -> None:
    change, field, problem = BAD[case]
    code, lines, path = validate(tmp_path, change)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {path}: {field}"), lines[0]
    assert problem in lines[0] and "fix:" in lines[0]


def test_a_zonal_cluster_is_in_region(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        adopt(d, "gcp").update(
            cluster="projects/beta-trading-prd/locations/asia-northeast1-a/clusters/shared-ml"
        )

    code, lines, _ = validate(tmp_path, change)
    assert code == 0, lines


def test_multi_region_registry_is_in_region() -> None:
    from trademl.model.adopt import GcpAdopt

    multi = GcpAdopt.model_construct(registry="projects/p-123/locations/asia/repositories/ml")
    assert multi.misplaced("asia-northeast1") is None
    assert multi.misplaced("us-east1") is not None


def test_fails_on_a_registry_adopted_on_gcp(tmp_path: Path) -> None:
    repo = "projects/beta-trading-prd/locations/asia-northeast1/repositories/ml"
    code, lines, _ = validate(tmp_path, lambda d: adopt(d, "gcp").update(registry=repo))
    assert code == 1 and len(lines) == 1
    assert "targets.gcp.adopt" in lines[0] and "not supported on gcp yet" in lines[0]


def test_fails_on_a_registry_adopted_on_aws(tmp_path: Path) -> None:
    repo = "arn:aws:ecr:ap-northeast-1:333333333333:repository/trading"
    code, lines, _ = validate(tmp_path, lambda d: adopt(d, "aws-eks").update(registry=repo))
    assert code == 1 and len(lines) == 1
    assert (
        "targets.aws-eks.adopt" in lines[0] and "not supported on AWS yet" in lines[0] and "fix:" in lines[0]
    )


def test_fails_on_an_adopted_zone_on_gcp(tmp_path: Path) -> None:
    code, lines, _ = validate(
        tmp_path, lambda d: adopt(d, "gcp").update(dns_zone="projects/dns-project/managedZones/trading")
    )
    assert code == 1 and len(lines) == 1
    assert "targets.gcp.adopt" in lines[0] and "private zone" in lines[0] and "fix:" in lines[0]


def test_fails_on_a_cluster_adopted_by_aws_ecs(tmp_path: Path) -> None:
    arn = "arn:aws:eks:ap-northeast-1:444444444444:cluster/shared-ml"
    code, lines, _ = validate(tmp_path, lambda d: adopt(d, "aws-ecs").update(cluster=arn))
    assert code == 1 and len(lines) == 1
    assert "aws-ecs.adopt.cluster" in lines[0] and "fix:" in lines[0]
