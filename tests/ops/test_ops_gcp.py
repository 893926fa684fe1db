"""bootstrap and doctor against fake Resource Manager and Cloud Storage JSON APIs on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from ops_fakes import GcpFake
from ops_support import GCP_NUMBER, GCP_PROJECT, lines, profile, run

BUCKET = "opsgcp-tfstate-dev"
ADOPTED = [
    "/compute/v1/projects/host-project/global/networks/shared-vpc",
    "/compute/v1/projects/host-project/regions/asia-northeast1/subnetworks/ml",
    f"/v1/projects/{GCP_PROJECT}/locations/asia-northeast1/clusters/shared",
    "/v1/projects/kms-project/locations/asia-northeast1/keyRings/ml/cryptoKeys/data",
    "/storage/v1/b/corp-audit-archive",
]


def bootstrap() -> str:
    result = run("bootstrap", "--profile", profile("gcp"), "--target", "gcp")
    assert result.exit_code == 0, result.output
    return result.output


def test_bootstrap_creates_a_versioned_private_bucket(gcp: GcpFake) -> None:
    output = bootstrap()
    assert f"created GCS bucket {BUCKET} in asia-northeast1" in output
    bucket = gcp.buckets[BUCKET]
    assert bucket["projectNumber"] == GCP_NUMBER and bucket["location"] == "asia-northeast1"
    assert bucket["versioning"] == {"enabled": True}
    assert bucket["iamConfiguration"] == {
        "uniformBucketLevelAccess": {"enabled": True},
        "publicAccessPrevention": "enforced",
    }
    assert bucket["labels"]["managed-by"] == "trademl"
    assert ("POST", "/storage/v1/b") in gcp.calls


def test_second_bootstrap_changes_nothing_and_says_so(gcp: GcpFake) -> None:
    bootstrap()
    gcp.calls.clear()
    output = bootstrap()
    assert "nothing changed: all 4 parts already existed as required" in output
    assert f"exists  GCS bucket {BUCKET}" in output
    assert gcp.writes() == []


def test_bootstrap_repairs_an_existing_bucket(gcp: GcpFake) -> None:
    bootstrap()
    gcp.buckets[BUCKET]["versioning"] = {"enabled": False}
    gcp.buckets[BUCKET]["iamConfiguration"]["publicAccessPrevention"] = "inherited"
    output = bootstrap()
    assert "set     object versioning on" in output and "set     public access prevention enforced" in output
    assert "exists  uniform bucket-level access on" in output
    assert gcp.buckets[BUCKET]["versioning"] == {"enabled": True}


@pytest.mark.parametrize("how", ["created elsewhere", "hidden"])
def test_bootstrap_refuses_a_bucket_of_another_project(gcp: GcpFake, how: str) -> None:
    if how == "hidden":
        gcp.foreign_buckets.add(BUCKET)
    else:
        gcp.buckets[BUCKET] = {"name": BUCKET, "projectNumber": "999999999"}
    result = run("bootstrap", "--profile", profile("gcp"), "--target", "gcp")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "another project" in result.output and "fix:" in result.output


@pytest.mark.parametrize("state", ["DELETE_REQUESTED", "STATE_UNSPECIFIED"])
def test_bootstrap_and_doctor_refuse_a_project_not_active(gcp: GcpFake, tools: Path, state: str) -> None:
    gcp.add_project(GCP_PROJECT, GCP_NUMBER, state=state)
    result = run("bootstrap", "--profile", profile("gcp"), "--target", "gcp")
    assert result.exit_code == 1
    assert f"project {GCP_PROJECT} is {state}, not ACTIVE; fix:" in result.output
    assert gcp.writes() == []
    doctor = run("doctor", "--profile", profile("gcp"))
    (failed,) = lines(doctor, "FAIL")
    assert doctor.exit_code == 1 and failed.startswith(f"FAIL gcp/project: project {GCP_PROJECT} is {state}")


@pytest.mark.parametrize("how", ["missing", "hidden"])
def test_doctor_fails_on_a_project_it_cannot_find(gcp: GcpFake, tools: Path, how: str) -> None:
    del gcp.projects[GCP_PROJECT]
    if how == "hidden":
        gcp.hidden_projects.add(GCP_PROJECT)
    result = run("doctor", "--profile", profile("gcp"))
    assert result.exit_code == 1
    assert (
        f"FAIL gcp/project: project {GCP_PROJECT} does not exist or the caller cannot see it; fix:"
        in result.output
    )
    assert "skip gcp/state: not checked: identity check failed" in result.output


def test_doctor_fails_on_another_project_number(gcp: GcpFake, tools: Path) -> None:
    gcp.add_project(GCP_PROJECT, "111111111111")
    result = run("doctor", "--profile", profile("gcp"))
    assert result.exit_code == 1
    assert (
        'has number 111111111111, the profile says 424242424242; fix: set targets.gcp.project_number: "111111111111"'
        in (result.output)
    )


def test_doctor_passes_after_bootstrap(gcp: GcpFake, tools: Path) -> None:
    bootstrap()
    result = run("doctor", "--profile", profile("gcp"))
    assert result.exit_code == 0, result.output
    assert f"ok   gcp/project: project {GCP_PROJECT} ({GCP_NUMBER}) is ACTIVE" in result.output
    assert f"ok   gcp/state: GCS bucket {BUCKET} exists with versioning" in result.output


def test_doctor_fails_on_a_missing_state_bucket(gcp: GcpFake, tools: Path) -> None:
    result = run("doctor", "--profile", profile("gcp"))
    assert result.exit_code == 1
    (failed,) = lines(result, "FAIL")
    assert failed == (
        f"FAIL gcp/state: GCS state bucket {BUCKET} does not exist; fix: run "
        f"`trademl bootstrap --profile {profile('gcp')} --target gcp`"
    )


def test_doctor_checks_adopted_resources(gcp: GcpFake, tools: Path) -> None:
    bootstrap()
    for path in ADOPTED[:-1]:
        gcp.seed(path)
    gcp.buckets["corp-audit-archive"] = {"name": "corp-audit-archive", "projectNumber": "5"}
    result = run("doctor", "--profile", profile("gcp-adopt"))
    assert result.exit_code == 0, result.output
    assert len(lines(result, "ok   gcp/adopt.")) == 5
    del gcp.resources[ADOPTED[3]]
    missing = run("doctor", "--profile", profile("gcp-adopt"))
    (failed,) = lines(missing, "FAIL")
    assert missing.exit_code == 1
    assert failed.startswith(
        "FAIL gcp/adopt.key: projects/kms-project/locations/asia-northeast1/keyRings/ml/cryptoKeys/data does not exist"
    )


def test_missing_credentials_are_one_line_not_a_traceback(
    gcp: GcpFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRADEML_GCP_ACCESS_TOKEN")
    result = run("bootstrap", "--profile", profile("gcp"), "--target", "gcp")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "bootstrap opsgcp/gcp: no Google Cloud credentials found; fix: run `gcloud auth application-default login` "
        "(in CI: google-github-actions/auth with workload_identity_provider) or set TRADEML_GCP_ACCESS_TOKEN"
    )
    assert gcp.calls == []
