"""bootstrap and doctor against AWS APIs served by moto on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from moto.route53.models import HostedZoneIdentifier
from moto.utilities.id_generator import moto_id_manager
from ops_support import lines, profile, run

BUCKET = "opsaws-tfstate-123456789012"
REGION = "eu-west-1"
ZONE = "Z0123456789TRADING"


def client(service: str, endpoint: str, region: str = REGION) -> Any:
    return boto3.session.Session().client(service, region_name=region, endpoint_url=endpoint)  # type: ignore[call-overload]


def test_bootstrap_creates_a_hardened_bucket(aws: str) -> None:
    result = run("bootstrap", "--profile", profile("aws"), "--target", "aws-eks")
    assert result.exit_code == 0, result.output
    assert f"created S3 bucket {BUCKET} in {REGION}" in result.output
    assert "S3-native lock file" in result.output and "aws/s3" in result.output
    s3 = client("s3", aws)
    assert s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"] == REGION
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    owner = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"]
    assert owner == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (statement,) = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_second_bootstrap_changes_nothing_and_says_so(aws: str) -> None:
    assert run("bootstrap", "--profile", profile("aws"), "--target", "aws-eks").exit_code == 0
    again = run("bootstrap", "--profile", profile("aws"), "--target", "aws-eks")
    assert again.exit_code == 0, again.output
    assert "nothing changed: all 6 parts already existed as required" in again.output
    existed = lines(again, "exists")
    assert len(existed) == 6 and f"exists  S3 bucket {BUCKET} in {REGION}" in existed
    assert not lines(again, "created") and not lines(again, "set ")


def test_bootstrap_repairs_an_existing_bucket_and_keeps_its_policy(aws: str) -> None:
    s3 = client("s3", aws)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    other = {
        "Sid": "Theirs",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:DeleteBucket",
        "Resource": f"arn:aws:s3:::{BUCKET}",
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [other]}))
    result = run("bootstrap", "--profile", profile("aws"), "--target", "aws-eks")
    assert result.exit_code == 0, result.output
    assert f"exists  S3 bucket {BUCKET} in {REGION}" in result.output
    assert "set     versioning Enabled" in result.output
    sids = [s["Sid"] for s in json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"]]
    assert sids == ["Theirs", "DenyInsecureTransport"]


def test_bootstrap_refuses_a_bucket_in_another_region(aws: str) -> None:
    client("s3", aws, "us-east-1").create_bucket(Bucket=BUCKET)
    result = run("bootstrap", "--profile", profile("aws"), "--target", "aws-eks")
    assert result.exit_code == 1
    assert (
        f"exists in us-east-1, the profile expects {REGION}; fix: set state.region: us-east-1"
        in result.output
    )


def test_bootstrap_refuses_the_wrong_account(aws: str) -> None:
    result = run("bootstrap", "--profile", profile("aws-wrong-account"), "--target", "aws-eks")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output
    assert "account 123456789012" in result.output and "profile targets 111111111111" in result.output
    assert "fix: switch AWS_PROFILE" in result.output
    assert client("s3", aws).list_buckets()["Buckets"] == []


def test_missing_credentials_are_one_line_not_a_traceback() -> None:
    result = run("bootstrap", "--profile", profile("aws"), "--target", "aws-eks")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "bootstrap opsaws/aws-eks: no AWS credentials found; fix: run `aws sso login` and export AWS_PROFILE, "
        "or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (in CI: aws-actions/configure-aws-credentials with "
        "role-to-assume)"
    )
    doctor = run("doctor", "--profile", profile("aws"))
    assert doctor.exit_code == 1
    assert "FAIL aws-eks/account: no AWS credentials found; fix:" in doctor.output
    assert "skip aws-eks/state: not checked: identity check failed" in doctor.output


def test_local_state_has_nothing_to_bootstrap() -> None:
    result = run("bootstrap", "--profile", profile("aws-local"), "--target", "aws-ecs")
    assert result.exit_code == 0
    assert "nothing to bootstrap: targets.aws-ecs.state is local" in result.output


def test_unknown_target_and_bad_profile_are_usage_errors(tmp_path: Path) -> None:
    result = run("bootstrap", "--profile", profile("aws"), "--target", "gcp")
    assert result.exit_code == 2 and "has no target gcp; fix: use one of aws-eks" in result.output
    missing = run("doctor", "--profile", tmp_path / "nope.yaml")
    assert missing.exit_code == 2 and "no such file; fix:" in missing.output


def test_doctor_passes_after_bootstrap(aws: str, tools: Path) -> None:
    assert run("bootstrap", "--profile", profile("aws"), "--target", "aws-eks").exit_code == 0
    result = run("doctor", "--profile", profile("aws"))
    assert result.exit_code == 0, result.output
    assert lines(result, "ok   aws-eks/account: caller arn:aws:")
    assert f"ok   aws-eks/state: S3 bucket {BUCKET} exists with versioning" in result.output
    assert "skip aws-eks/adopt: nothing adopted" in result.output
    assert "doctor: 5 ok, 0 failed, 1 skipped" in result.output


def test_doctor_fails_on_the_wrong_account_and_reads_nothing_else(aws: str, tools: Path) -> None:
    result = run("doctor", "--profile", profile("aws-wrong-account"))
    assert result.exit_code == 1
    (failed,) = lines(result, "FAIL")
    assert failed.startswith("FAIL aws-eks/account: credentials are for account 123456789012")
    assert "skip aws-eks/state: not checked: identity check failed" in result.output


def test_doctor_fails_on_a_missing_state_bucket(aws: str, tools: Path) -> None:
    result = run("doctor", "--profile", profile("aws"), "--target", "aws-eks")
    assert result.exit_code == 1
    (failed,) = lines(result, "FAIL")
    assert failed == (
        f"FAIL aws-eks/state: S3 state bucket {BUCKET} does not exist; fix: run "
        f"`trademl bootstrap --profile {profile('aws')} --target aws-eks`"
    )


def _adoptable(endpoint: str) -> dict[str, str]:
    """One real (moto) resource per adoptable kind."""
    ec2 = client("ec2", endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24")["Subnet"]["SubnetId"] for i in (1, 2)]
    client("eks", endpoint).create_cluster(
        name="shared",
        roleArn="arn:aws:iam::123456789012:role/eks",
        resourcesVpcConfig={"subnetIds": subnets},
    )
    key = client("kms", endpoint).create_key()["KeyMetadata"]["KeyId"]
    # moto's zone ids lack the Z prefix real ones have (and the profile requires): ask its id manager for one.
    moto_id_manager.set_custom_id(HostedZoneIdentifier("123456789012", "trading.example.com.", None), ZONE)
    zone = client("route53", endpoint).create_hosted_zone(Name="trading.example.com", CallerReference="t")
    client("s3", endpoint).create_bucket(
        Bucket="corp-audit", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    client("ecr", endpoint).create_repository(repositoryName="trading")
    return {
        "vpc": vpc,
        "subnet_a": subnets[0],
        "subnet_b": subnets[1],
        "cluster": "shared",
        "key": key,
        "zone": zone["HostedZone"]["Id"].split("/")[-1],
        "bucket": "corp-audit",
        "repo": "trading",
    }


def test_doctor_checks_every_adopted_arn(aws: str, tools: Path, tmp_path: Path) -> None:
    path = profile("aws-adopt", tmp_path, **_adoptable(aws))
    client("s3", aws).create_bucket(
        Bucket="opsadopt-tfstate", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    client("s3", aws).put_bucket_versioning(
        Bucket="opsadopt-tfstate", VersioningConfiguration={"Status": "Enabled"}
    )
    result = run("doctor", "--profile", path)
    assert result.exit_code == 0, result.output
    adopted = lines(result, "ok   aws-eks/adopt.")
    assert [line.split(":")[0] for line in adopted] == [
        "ok   aws-eks/adopt.network.vpc",
        "ok   aws-eks/adopt.network.private_subnets[0]",
        "ok   aws-eks/adopt.network.private_subnets[1]",
        "ok   aws-eks/adopt.cluster",
        "ok   aws-eks/adopt.key",
        "ok   aws-eks/adopt.dns_zone",
        "ok   aws-eks/adopt.audit_archive",
    ]


def test_doctor_fails_on_each_missing_adopted_resource(aws: str, tools: Path, tmp_path: Path) -> None:
    missing = {
        "vpc": "vpc-0123456789abcdef0",
        "subnet_a": "subnet-0123456789abcdef0",
        "subnet_b": "subnet-0123456789abcdef1",
        "cluster": "gone",
        "key": "00000000-0000-0000-0000-000000000000",
        "zone": "Z0000000000NOPE",
        "bucket": "no-such-audit",
    }
    result = run("doctor", "--profile", profile("aws-adopt", tmp_path, **missing), "--target", "aws-eks")
    assert result.exit_code == 1
    failed = [line for line in lines(result, "FAIL") if "/adopt." in line]
    assert len(failed) == len(missing), result.output
    for line, value in zip(failed, missing.values(), strict=True):
        assert value in line and "does not exist; fix: create it or correct targets.aws-eks.adopt." in line
