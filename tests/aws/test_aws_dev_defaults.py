"""Construct-level test: in dev the same constructs stay easy to tear down, with a governance lock."""

from __future__ import annotations

import json
from pathlib import Path

import cdktn
import yaml

from trademl.constructs.aws.audit import AuditArchive, AuditArchiveProps
from trademl.constructs.aws.foundation import Foundation, FoundationProps
from trademl.constructs.context import BuildContext
from trademl.model import TargetName, load_profile

from tfjson import one, resources

ROOT = Path(__file__).resolve().parents[2]


def test_dev_buckets_force_destroy_and_governance_lock(tmp_path):
    data = yaml.safe_load((ROOT / "profiles" / "example.yaml").read_text())
    data["environment"] = "dev"
    data["desks"] = []
    path = tmp_path / "dev.yaml"
    path.write_text(yaml.safe_dump(data))
    ctx = BuildContext(profile=load_profile(path), target=TargetName.AWS_EKS)
    stack = cdktn.TerraformStack(cdktn.Testing.app(), "dev")
    foundation = Foundation(stack, "Foundation", FoundationProps(ctx=ctx))
    AuditArchive(
        stack, "Audit", AuditArchiveProps(ctx=ctx, key=foundation.key, access_logs=foundation.access_logs)
    )
    synthesized = json.loads(cdktn.Testing.synth(stack))
    buckets = resources(synthesized, "aws_s3_bucket")
    audit = next(b for b in buckets.values() if b["bucket"] == "alpha-dev-audit-111111111111")
    assert "lifecycle" not in audit and audit["force_destroy"] is False  # locked objects cannot be forced
    others = [b for b in buckets.values() if b is not audit]
    assert all(b["force_destroy"] is True and "lifecycle" not in b for b in others)
    lock = one(synthesized, "aws_s3_bucket_object_lock_configuration")
    assert lock["rule"]["default_retention"]["mode"] == "GOVERNANCE"
    assert all("lifecycle" not in k for k in resources(synthesized, "aws_kms_key").values())
