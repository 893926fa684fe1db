"""The stage model: defaults, derived values and every kind of bad input, without jsii."""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from pathlib import Path

import pytest
import yaml

from trademl.model import Layer, ProfileError, TargetName, load_profile, plan_stacks
from trademl.model.profile import Profile

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "profiles" / "example.yaml"


def example_data() -> dict:
    data: dict = yaml.safe_load(EXAMPLE.read_text())
    for desk in data["desks"]:
        desk.pop("extension", None)
    return data


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_example_loads_with_all_four_targets_and_two_desks():
    profile = load_profile(EXAMPLE)
    assert [t.value for t in profile.targets.names()] == ["aws-eks", "aws-ecs", "azure", "gcp"]
    assert [d.name for d in profile.desks] == ["momentum", "stat-arb"]


def test_prod_locks_audit_in_compliance_mode_and_protects_state():
    profile = load_profile(EXAMPLE)
    assert profile.audit_lock_mode == "compliance"
    assert profile.audit_lock_locked
    assert profile.protect_stateful


def test_dev_uses_governance_and_can_be_torn_down(tmp_path):
    data = example_data() | {"environment": "dev"}
    profile = load_profile(write(tmp_path, data))
    assert profile.audit_lock_mode == "governance"
    assert not profile.audit_lock_locked
    assert not profile.protect_stateful


def test_secure_defaults_when_stages_are_omitted(tmp_path):
    data = {k: v for k, v in example_data().items() if k in ("name", "environment", "targets")}
    profile = load_profile(write(tmp_path, data))
    sec = profile.security
    assert sec.customer_managed_keys and sec.private_networking and sec.workload_identity
    assert sec.pod_security == "restricted" and sec.threat_detection
    assert profile.serving.exposure == "private"
    assert profile.training.on_demand_fallback and profile.training.spot_share == 0.7
    assert profile.monitoring.notifications.slack is not None


def test_subnets_are_derived_per_zone_and_secondary_range_defaults_to_next_block():
    profile = load_profile(EXAMPLE)
    net = profile.targets.azure.network  # type: ignore[union-attr]
    assert net.private_subnets() == [
        IPv4Network("10.40.0.0/19"),
        IPv4Network("10.40.32.0/19"),
        IPv4Network("10.40.64.0/19"),
    ]
    assert net.region_cidr(secondary=True) == IPv4Network("10.41.0.0/16")
    assert set(net.private_subnets()).isdisjoint(net.edge_subnets())


def test_stack_plan_names_layers_and_desks():
    profile = load_profile(EXAMPLE)
    names = [
        p.name for p in plan_stacks(profile, TargetName.GCP, [Layer.FOUNDATION, Layer.AUDIT, Layer.DESK])
    ]
    assert names == [
        "alpha-gcp-foundation",
        "alpha-gcp-audit",
        "alpha-gcp-desk-momentum",
        "alpha-gcp-desk-stat-arb",
    ]


def test_failover_layer_disappears_when_failover_is_off(tmp_path):
    data = example_data() | {"failover": {"enabled": False}}
    profile = load_profile(write(tmp_path, data))
    layers = [p.layer for p in plan_stacks(profile, TargetName.AZURE, list(Layer))]
    assert Layer.FAILOVER not in layers


BAD = [
    ("unknown key", lambda d: d.update(colour="blue"), r"p\.yaml: colour: unknown key; fix: remove it"),
    (
        "unknown nested key",
        lambda d: d["training"].update(gpus="t4"),
        r"training\.gpus: unknown key; fix: remove it or correct its spelling \(allowed here: .*gpu",
    ),
    (
        "wrong type",
        lambda d: d["serving"].update(min_replicas="two"),
        r"serving\.min_replicas: .*integer.*\(got 'two'\); fix:",
    ),
    (
        "bad cidr",
        lambda d: d["targets"]["aws-eks"]["network"].update(cidr="10.0.0.0/33"),
        r"targets\.aws-eks\.network\.cidr: .*; fix:",
    ),
    (
        "public cidr",
        lambda d: d["targets"]["gcp"]["network"].update(cidr="8.8.0.0/16"),
        r"targets\.gcp\.network\.cidr: 8\.8\.0\.0/16 is not a private \(RFC 1918\) range; fix: use e\.g\.",
    ),
    (
        "region of another cloud",
        lambda d: d["targets"]["aws-eks"].update(region="japaneast"),
        r"targets\.aws-eks\.region: 'japaneast' is an Azure region, not an AWS region; fix: use an AWS region such as",
    ),
    (
        "secondary equals primary",
        lambda d: d["targets"]["azure"].update(secondary_region="japaneast"),
        r"targets\.azure: secondary_region equals region \('japaneast'\); fix: pick a different failover region",
    ),
    (
        "desk not dns-safe",
        lambda d: d["desks"][0].update(name="Stat_Arb"),
        r"desks\[0\]\.name: 'Stat_Arb' is not DNS-safe; fix: use 1-32 lowercase",
    ),
    (
        "missing account id",
        lambda d: d["targets"]["aws-ecs"].pop("account_id"),
        r"targets\.aws-ecs\.account_id: is required; fix: add it",
    ),
    (
        "bad account id",
        lambda d: d["targets"]["aws-ecs"].update(account_id="1234"),
        r"targets\.aws-ecs\.account_id: '1234' is not a 12-digit AWS account id; fix: use e\.g\. '123456789012'",
    ),
    (
        "bad environment",
        lambda d: d.update(environment="production"),
        r"environment: Input should be 'dev', 'staging' or 'prod' \(got 'production'\); fix:",
    ),
    (
        "gpu not offered",
        lambda d: d["training"].update(gpu="l4"),
        r"GPU class 'l4' is not offered on azure; fix: use one of",
    ),
    (
        "no lock in prod",
        lambda d: d["security"].update(audit={"lock_mode": "none"}),
        r"lock_mode is 'none' in prod; fix: use 'auto' or 'compliance'",
    ),
    (
        "bad cron",
        lambda d: d["training"]["schedules"][0].update(cron="every day"),
        r"training\.schedules\[0\]\.cron: 'every day' is not a 5-field cron expression; fix:",
    ),
    (
        "failover without secondary",
        lambda d: d["targets"]["gcp"].pop("secondary_region"),
        r"targets\.gcp\.secondary_region is missing while failover\.enabled is true; fix:",
    ),
    (
        "bad adopted id",
        lambda d: d["targets"]["aws-eks"].update(adopt={"key": "my-key"}),
        r"targets\.aws-eks\.adopt\.key: 'my-key' is not a KMS key ARN; fix: give it in the form 'arn:aws:kms:",
    ),
    (
        "aws flavours share an account",
        lambda d: d["targets"]["aws-ecs"].update(account_id="111111111111"),
        r"targets\.aws-ecs\.account_id equals targets\.aws-eks\.account_id \(111111111111\).*; fix: deploy the two",
    ),
    (
        "replicas inverted",
        lambda d: d["serving"].update(min_replicas=5, max_replicas=2),
        r"serving: max_replicas \(2\) < min_replicas \(5\); fix: raise max_replicas",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), BAD, ids=[b[0] for b in BAD])
def test_fails_on_bad_input_with_one_line_naming_file_field_and_fix(tmp_path, case, mutate, expected):
    data = example_data()
    mutate(data)
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, data))
    assert len(info.value.lines) == 1, info.value.lines
    line = info.value.lines[0]
    assert line.startswith(str(tmp_path / "p.yaml") + ": ")
    assert "\n" not in line
    assert "fix:" in line
    assert re.search(expected, line), line


def test_fails_on_yaml_syntax_with_line_and_column(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: alpha\nenvironment: [prod\n")
    with pytest.raises(ProfileError, match=r"p\.yaml:3:1: YAML syntax error: .*; fix: correct the YAML"):
        load_profile(path)


def test_fails_on_missing_file():
    with pytest.raises(ProfileError, match=r"nope\.yaml: no such file; fix:"):
        load_profile("nope.yaml")


def test_fails_on_missing_extension_file(tmp_path):
    data = example_data()
    data["desks"][0]["extension"] = "missing.py"
    with pytest.raises(ProfileError, match=r"desks\[0\]\.extension: 'missing\.py' does not exist"):
        load_profile(write(tmp_path, data))


def test_profile_is_frozen():
    profile = load_profile(EXAMPLE)
    with pytest.raises(Exception, match="frozen"):
        profile.name = "other"  # type: ignore[misc]


def test_schema_names_every_stage():
    schema = Profile.model_json_schema(by_alias=True)
    assert {"experiment", "training", "serving", "monitoring", "security", "failover", "desks"} <= set(
        schema["properties"]
    )
    assert schema["additionalProperties"] is False
