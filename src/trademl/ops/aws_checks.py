"""AWS preflight: the caller's account, the S3 state bucket and every adopted ARN."""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from trademl.model import AwsTarget
from trademl.model.adopt import adopted_ids
from trademl.model.targets import S3State
from trademl.ops.clients import NO_AWS, AwsClients
from trademl.ops.context import TargetContext
from trademl.ops.report import Check, fail, ok, skip

# Error codes meaning "no such resource", per API: anything else is an access or service problem.
_MISSING = {
    "404",
    "NoSuchBucket",
    "NotFound",
    "NotFoundException",
    "ResourceNotFoundException",
    "NoSuchHostedZone",
    "InvalidVpcID.NotFound",
    "InvalidSubnetID.NotFound",
    "RepositoryNotFoundException",
}


def error_text(exc: ClientError) -> str:
    err = exc.response.get("Error", {})
    return f"{err.get('Code', '?')}: {err.get('Message', '') or 'no message'}"


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def check_account(ctx: TargetContext, clients: AwsClients) -> Check:
    spec = ctx.spec
    assert isinstance(spec, AwsTarget)
    scope = ctx.scope("account")
    try:
        ident = clients.sts().get_caller_identity()
    except NoCredentialsError:
        return fail(scope, NO_AWS)
    except ClientError as exc:
        return fail(
            scope,
            f"STS GetCallerIdentity failed ({error_text(exc)}); fix: refresh the credentials "
            "(`aws sso login`) or check AWS_PROFILE",
        )
    except BotoCoreError as exc:
        return fail(scope, f"STS GetCallerIdentity failed ({exc}); fix: check the network and AWS endpoint")
    account, arn = ident["Account"], ident["Arn"]
    if account != spec.account_id:
        want = spec.account_id
        return fail(
            scope,
            f"credentials are for account {account} ({arn}) but the profile targets {want}; "
            f"fix: switch AWS_PROFILE/credentials to account {want}",
        )
    return ok(scope, f"caller {arn} is in account {account}")


def state_region(spec: AwsTarget, state: S3State) -> str:
    return state.region or spec.region


def check_state(ctx: TargetContext, clients: AwsClients) -> Check:
    spec = ctx.spec
    assert isinstance(spec, AwsTarget)
    scope = ctx.scope("state")
    if not isinstance(spec.state, S3State):
        return skip(scope, "local state: nothing to check (not shared, not locked)")
    bucket = spec.state.bucket
    s3 = clients.s3(state_region(spec, spec.state))
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=spec.account_id)
        versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status", "Disabled")
    except ClientError as exc:
        if error_code(exc) in _MISSING:
            return fail(scope, f"S3 state bucket {bucket} does not exist; {ctx.bootstrap_fix}")
        return fail(
            scope,
            f"S3 state bucket {bucket} cannot be read ({error_text(exc)}): it may belong to "
            "another account; fix: grant s3:ListBucket or name a bucket of this account",
        )
    if versioning != "Enabled":
        return fail(scope, f"S3 state bucket {bucket} has versioning {versioning}; {ctx.bootstrap_fix}")
    return ok(scope, f"S3 bucket {bucket} exists with versioning; locking is S3-native (lock file)")


def adopted(spec: AwsTarget) -> Iterator[tuple[str, str]]:
    """(field path, id) for everything the target adopts, in profile order."""
    return adopted_ids(spec.adopt)


def _probe(clients: AwsClients, arn: str) -> str | None:
    """Describe the resource behind an ARN; return a reason it is unusable, or None. Raises ClientError."""
    _, _, service, region, account, resource = arn.split(":", 5)
    region = region or clients.region
    kind, _, name = resource.partition("/")
    if service == "ec2" and kind == "vpc":
        return None if clients.ec2(region).describe_vpcs(VpcIds=[name])["Vpcs"] else "not found"
    if service == "ec2" and kind == "subnet":
        return None if clients.ec2(region).describe_subnets(SubnetIds=[name])["Subnets"] else "not found"
    if service == "eks":
        status = clients.eks(region).describe_cluster(name=name)["cluster"].get("status", "ACTIVE")
        return None if status in ("ACTIVE", "UPDATING") else f"cluster is {status}"
    if service == "kms":
        state = clients.kms(region).describe_key(KeyId=arn)["KeyMetadata"].get("KeyState", "Enabled")
        return None if state == "Enabled" else f"key is {state}"
    if service == "route53":
        clients.route53().get_hosted_zone(Id=name)
        return None
    if service == "s3":
        clients.s3().head_bucket(Bucket=resource)
        return None
    if service == "ecr":
        clients.ecr(region).describe_repositories(registryId=account, repositoryNames=[name])
        return None
    return f"no check for {service} ARNs"


def check_adopted(ctx: TargetContext, clients: AwsClients) -> list[Check]:
    spec = ctx.spec
    assert isinstance(spec, AwsTarget)
    found = list(adopted(spec))
    if not found:
        return [skip(ctx.scope("adopt"), "nothing adopted")]
    checks = []
    for field, arn in found:
        scope = ctx.scope(f"adopt.{field}")
        try:
            problem = _probe(clients, arn)
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                checks.append(fail(scope, f"{arn} does not exist; {ctx.adopt_fix(field.split('[')[0])}"))
            else:
                checks.append(
                    fail(
                        scope,
                        f"{arn} cannot be read ({error_text(exc)}); fix: grant the caller read access to it",
                    )
                )
            continue
        if problem is None:
            checks.append(ok(scope, f"{arn} exists"))
        elif problem.startswith("no check"):
            checks.append(skip(scope, f"{arn}: not checked ({problem})"))
        else:
            checks.append(fail(scope, f"{arn}: {problem}; fix: make it usable or adopt another"))
    return checks
