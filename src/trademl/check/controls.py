"""The controls the gate enforces, the regulatory concern behind each, and the checks that implement them.

Custom checkov checks live in policies/*.py and declare module constants CHECK_ID, NAME, CONTROL and
SATISFIED_BY; they are read here with `ast`, so neither the docs nor `trademl check` import checkov.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from trademl.check.errors import CheckSetupError


@dataclass(frozen=True, slots=True)
class Control:
    key: str
    title: str
    concern: str  # the FISC / SEC 17a-4 concern, in plain words


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    check_id: str
    name: str
    control: str
    satisfied_by: Mapping[str, str]  # target -> resources that satisfy the check there
    source: str  # the file that implements it


CONTROLS = {
    control.key: control
    for control in (
        Control(
            "audit-worm",
            "Audit archive is write-once for its whole retention period",
            "SEC 17a-4(f): records kept in a non-rewriteable, non-erasable (WORM) format; FISC Security "
            "Guidelines: audit trails and access logs protected from alteration and deletion.",
        ),
        Control(
            "audit-integrity",
            "Tampering with the audit trail can be detected",
            "SEC 17a-4(f): the accuracy of the recording can be verified; FISC Security Guidelines: "
            "detection of unauthorised alteration of access logs.",
        ),
        Control(
            "customer-keys",
            "ML data is encrypted under keys the firm controls",
            "FISC Security Guidelines: encryption of stored confidential data with keys managed by the "
            "institution (crypto-shredding and revocation stay in its hands).",
        ),
        Control(
            "key-rotation",
            "Encryption keys rotate on a schedule",
            "FISC Security Guidelines: cryptographic key management, including periodic key change.",
        ),
        Control(
            "private-compute",
            "Compute has no public addresses and workloads hold no long-lived credentials",
            "FISC Security Guidelines: prevention of unauthorised access over networks and control of "
            "privileged credentials.",
        ),
        Control(
            "data-perimeter",
            "Data services sit inside a service perimeter",
            "FISC Security Guidelines: prevention of data leakage to outside parties (exfiltration paths "
            "closed even to valid credentials).",
        ),
    )
}
_FIELDS = ("CHECK_ID", "NAME", "CONTROL", "SATISFIED_BY")
STOCK = "checkov"  # source of the stock checks below


def _stock(check_id: str, name: str, control: str, **satisfied_by: str) -> PolicyInfo:
    targets = {key.replace("_", "-"): value for key, value in satisfied_by.items()}
    return PolicyInfo(check_id=check_id, name=name, control=control, satisfied_by=targets, source=STOCK)


# Stock checkov checks that carry part of a control on some target (ids and names are tested against checkov).
STOCK_CHECKS = (
    _stock(
        "CKV_AWS_145",
        "Ensure that S3 buckets are encrypted with KMS by default",
        "customer-keys",
        aws_eks="aws_s3_bucket_server_side_encryption_configuration (aws:kms)",
        aws_ecs="aws_s3_bucket_server_side_encryption_configuration (aws:kms)",
    ),
    _stock(
        "CKV_AWS_58",
        "Ensure EKS Cluster has Secrets Encryption Enabled",
        "customer-keys",
        aws_eks="aws_eks_cluster (encryption_config.provider.key_arn)",
    ),
    _stock(
        "CKV_AWS_7",
        "Ensure rotation for customer created CMKs is enabled",
        "key-rotation",
        aws_eks="aws_kms_key (enable_key_rotation = true)",
        aws_ecs="aws_kms_key (enable_key_rotation = true)",
    ),
    _stock(
        "CKV_GCP_43",
        "Ensure KMS encryption keys are rotated within a period of 90 days",
        "key-rotation",
        gcp="google_kms_crypto_key (rotation_period)",
    ),
    _stock(
        "CKV_AWS_39",
        "Ensure Amazon EKS public endpoint disabled",
        "private-compute",
        aws_eks="aws_eks_cluster (vpc_config.endpoint_public_access = false)",
    ),
    _stock(
        "CKV_AWS_333",
        "Ensure ECS services do not have public IP addresses assigned to them automatically",
        "private-compute",
        aws_ecs="aws_ecs_service (network_configuration.assign_public_ip = false)",
    ),
    _stock(
        "CKV_AZURE_115",
        "Ensure that AKS enables private clusters",
        "private-compute",
        azure="azurerm_kubernetes_cluster (private_cluster_enabled = true)",
    ),
    _stock(
        "CKV2_AWS_6",
        "Ensure that S3 bucket has a Public Access block",
        "data-perimeter",
        aws_eks="aws_s3_bucket_public_access_block",
        aws_ecs="aws_s3_bucket_public_access_block",
    ),
    _stock(
        "CKV_AZURE_144",
        "Ensure that Public Access is disabled for Machine Learning Workspace",
        "data-perimeter",
        azure="azurerm_machine_learning_workspace (public_network_access_enabled = false)",
    ),
    _stock(
        "CKV_AZURE_59",
        "Ensure that Storage accounts disallow public access",
        "data-perimeter",
        azure="azurerm_storage_account (public_network_access_enabled = false)",
    ),
)


def read_policy(path: Path, source: str) -> PolicyInfo | None:
    """The declared metadata of one policy module; None for helper modules that declare no CHECK_ID."""
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(), filename=str(path)).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id in _FIELDS:
            values[target.id] = ast.literal_eval(node.value)
    if "CHECK_ID" not in values:
        return None
    missing = [name for name in _FIELDS if name not in values]
    satisfied = values.get("SATISFIED_BY")
    if missing or not isinstance(satisfied, dict) or values["CONTROL"] not in CONTROLS:
        raise CheckSetupError(
            f"{path}: policy metadata incomplete (missing {', '.join(missing) or 'nothing'}, CONTROL must be "
            f"one of {', '.join(CONTROLS)}); fix: declare {', '.join(_FIELDS)} as literals"
        )
    return PolicyInfo(
        check_id=str(values["CHECK_ID"]),
        name=str(values["NAME"]),
        control=str(values["CONTROL"]),
        satisfied_by={str(k): str(v) for k, v in satisfied.items()},
        source=source,
    )


def read_policies(directory: Path, prefix: str = "policies") -> list[PolicyInfo]:
    """Every policy module's metadata; source paths are `<prefix>/<file>` (repository-relative)."""
    paths = sorted(directory.glob("*.py"))
    return [info for path in paths if (info := read_policy(path, f"{prefix}/{path.name}")) is not None]
