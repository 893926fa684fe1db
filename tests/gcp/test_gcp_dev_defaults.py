"""Construct-level test: in dev the gcp constructs stay easy to tear down and the audit lock is unlocked."""

from __future__ import annotations

import json
from pathlib import Path

import cdktn
import yaml

from trademl.constructs.context import BuildContext
from trademl.constructs.gcp.audit import AuditArchive, AuditArchiveProps
from trademl.constructs.gcp.foundation import Foundation, FoundationProps
from trademl.model import TargetName, load_profile

from tfjson import resources

ROOT = Path(__file__).resolve().parents[2]


def test_dev_buckets_force_destroy_and_retention_stays_unlocked(tmp_path):
    data = yaml.safe_load((ROOT / "profiles" / "example.yaml").read_text())
    data["environment"] = "dev"
    data["desks"] = []
    path = tmp_path / "dev.yaml"
    path.write_text(yaml.safe_dump(data))
    ctx = BuildContext(profile=load_profile(path), target=TargetName.GCP)
    stack = cdktn.TerraformStack(cdktn.Testing.app(), "dev")
    foundation = Foundation(stack, "Foundation", FoundationProps(ctx=ctx))
    AuditArchive(
        stack,
        "Audit",
        AuditArchiveProps(ctx=ctx, key=foundation.keys["storage"], access_logs=foundation.access_logs),
    )
    synthesized = json.loads(cdktn.Testing.synth(stack))
    buckets = resources(synthesized, "google_storage_bucket")
    audit = next(b for b in buckets.values() if b["name"] == "alpha-dev-audit-alpha-trading-prod")
    assert audit["retention_policy"]["is_locked"] is False and audit["force_destroy"] is False
    others = [b for b in buckets.values() if b is not audit]
    assert all(
        b["force_destroy"] is True and "deletion_policy" not in b and "lifecycle" not in b for b in others
    )
    keys = resources(synthesized, "google_kms_crypto_key").values()
    assert all("lifecycle" not in k for k in keys)
