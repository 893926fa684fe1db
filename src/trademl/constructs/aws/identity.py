"""Least-privilege IAM: trust-policy builders, a role whose inline policy grows through grants, and
grant helpers that reach both a bucket and the key that encrypts it (AWS CDK's grant idea)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import jsii
from cdktn import IResolveContext, IStringProducer, Lazy
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from cdktn_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from trademl.constructs.aws.bucket import BucketRef
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext

Statement = Mapping[str, object]


def policy_json(statements: Sequence[Statement]) -> str:
    """A policy document, rendered deterministically (sorted keys). Tokens inside stay interpolations."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


def service_trust(services: Sequence[str], account_id: str | None = None) -> str:
    """Trust policy for AWS services; with account_id, only on behalf of that account (confused deputy)."""
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": {"Service": sorted(services)},
        "Action": "sts:AssumeRole",
    }
    if account_id is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return policy_json([statement])


@dataclass(frozen=True, kw_only=True, slots=True)
class OidcIssuer:
    """The cluster's IAM OIDC provider: its ARN and its issuer URL without the scheme."""

    provider_arn: str
    issuer_host: str


def irsa_trust(issuer: OidcIssuer, namespace: str, service_account: str) -> str:
    """IRSA trust: only this namespace's service account, only for STS."""
    return policy_json(
        [
            {
                "Effect": "Allow",
                "Principal": {"Federated": issuer.provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer.issuer_host}:aud": "sts.amazonaws.com",
                        f"{issuer.issuer_host}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                    }
                },
            }
        ]
    )


@jsii.implements(IStringProducer)
class _PolicyProducer:
    def __init__(self, statements: list[Statement]) -> None:
        self._statements = statements

    def produce(self, context: IResolveContext) -> str:
        return policy_json(self._statements)


@dataclass(frozen=True, kw_only=True, slots=True)
class LeastPrivilegeRoleProps:
    ctx: BuildContext
    name: str
    """Role name (derive it with ctx.name(...)); fixed so other layers can compute the ARN."""
    trust_policy: str
    statements: tuple[Statement, ...] = ()
    """Initial inline statements; grants add more. Default: none (the role can do nothing)."""
    managed_policy_arns: tuple[str, ...] = field(default=())
    """AWS-managed policies, only where AWS requires them (EKS node and cluster roles)."""


class LeastPrivilegeRole(Construct):
    """An IAM role whose one inline policy lists exactly what grants added."""

    def __init__(self, scope: Construct, id: str, props: LeastPrivilegeRoleProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self._statements: list[Statement] = list(props.statements)
        self.role = self._create_role()
        self.arn: str = self.role.arn
        self.name: str = props.name
        for policy in props.managed_policy_arns:
            IamRolePolicyAttachment(
                self, f"Managed-{policy.rsplit('/', 1)[1]}", role=self.role.name, policy_arn=policy
            )
        # Rendered at synth, so grants made after construction still land in the policy.
        self.policy = IamRolePolicy(
            self,
            "Inline",
            role=self.role.id,
            name="least-privilege",
            policy=Lazy.string_value(_PolicyProducer(self._statements)),
        )

    def _create_role(self) -> IamRole:
        """Extension point: the role itself (e.g. to add a permissions boundary)."""
        return IamRole(
            self,
            "Role",
            name=self.props.name,
            assume_role_policy=self.props.trust_policy,
            max_session_duration=3600,
        )

    def add_statement(self, statement: Statement) -> None:
        self._statements.append(statement)


def account_of(ctx: BuildContext) -> str:
    return ctx.profile.aws(ctx.target).account_id


def role_arn(ctx: BuildContext, name: str) -> str:
    """The ARN of a role by name: lets a layer reference a role another (later) layer creates."""
    return f"arn:aws:iam::{account_of(ctx)}:role/{name}"


def grant_key(role: LeastPrivilegeRole, key: KeyRef, *, write: bool) -> None:
    actions = ["kms:Decrypt", "kms:DescribeKey"]
    if write:
        actions += ["kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
    role.add_statement({"Effect": "Allow", "Action": actions, "Resource": key.arn})


def grant_bucket_read(
    role: LeastPrivilegeRole, bucket: BucketRef, key: KeyRef | None, prefix: str = ""
) -> None:
    """Read objects under prefix (default: all) and list only that prefix; decrypt with the key."""
    role.add_statement(
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": f"{bucket.arn}/{prefix}*",
        }
    )
    listing: dict[str, object] = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket.arn}
    if prefix:
        listing["Condition"] = {"StringLike": {"s3:prefix": [f"{prefix}*"]}}
    role.add_statement(listing)
    if key is not None:
        grant_key(role, key, write=False)


def grant_bucket_write(
    role: LeastPrivilegeRole, bucket: BucketRef, key: KeyRef | None, prefix: str = ""
) -> None:
    """Read and write objects under prefix; never delete versions or change bucket settings."""
    grant_bucket_read(role, bucket, None, prefix)
    role.add_statement(
        {
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
            "Resource": f"{bucket.arn}/{prefix}*",
        }
    )
    if key is not None:
        grant_key(role, key, write=True)
