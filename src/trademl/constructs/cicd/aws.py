"""AWS side of keyless CI: GitHub's OIDC provider and two roles it may federate into.

plan: ReadOnlyAccess minus data reads, state read + lock file only, trusted for `<profile>-plan`.
apply: only the services trademl deploys (a permissions boundary and the same policy attached), unable to
touch the CI identities themselves, trusted only for the protected environment `<profile>`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktn_provider_aws.iam_policy import IamPolicy
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from trademl.constructs.aws.bucket import AdoptedBucket, BucketRef
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    Statement,
    account_of,
    grant_bucket_read,
    grant_bucket_write,
    policy_json,
)
from trademl.constructs.cicd.github import Variables
from trademl.constructs.context import BuildContext
from trademl.model.cicd import (
    GITHUB_OIDC_ISSUER,
    CicdSpec,
    CiIdentity,
    CiRole,
    aws_variable_names,
    ci_identities,
)
from trademl.model.plan import Layer, StackPlan
from trademl.model.targets import S3State

AUDIENCE = "sts.amazonaws.com"
READ_ONLY_POLICY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
# Services whose resources trademl's AWS layers create (see constructs/aws): the apply role's ceiling.
APPLY_SERVICES = (
    "application-autoscaling", "aps", "autoscaling", "cloudfront", "cloudtrail", "cloudwatch",
    "codecommit", "config", "ec2", "ecr", "ecs", "eks", "elasticloadbalancing", "events", "firehose",
    "grafana", "guardduty", "kinesis", "kms", "logs", "route53", "s3", "sagemaker", "scheduler",
    "securityhub", "sns", "sqs", "ssm", "states", "sts", "tag", "wafv2",
)  # fmt: skip
# IAM writes the layers make on their own roles, policies, instance profiles and EKS OIDC providers;
# never users, access keys or permissions boundaries.
IAM_ACTIONS = (
    "iam:AddClientIDToOpenIDConnectProvider", "iam:AddRoleToInstanceProfile", "iam:AttachRolePolicy",
    "iam:CreateInstanceProfile", "iam:CreateOpenIDConnectProvider", "iam:CreatePolicy",
    "iam:CreatePolicyVersion", "iam:CreateRole", "iam:DeleteInstanceProfile",
    "iam:DeleteOpenIDConnectProvider", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:DeleteRole",
    "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PassRole", "iam:PutRolePolicy",
    "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:TagOpenIDConnectProvider",
    "iam:TagPolicy", "iam:TagRole", "iam:UntagInstanceProfile", "iam:UntagOpenIDConnectProvider",
    "iam:UntagPolicy", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
    "iam:UpdateOpenIDConnectProviderThumbprint", "iam:UpdateRole", "iam:UpdateRoleDescription",
)  # fmt: skip
# Broad managed policies the apply role may never hand to a role it creates.
PRIVILEGED_POLICIES = ("AdministratorAccess", "IAMFullAccess", "PowerUserAccess")


def github_trust(provider_arn: str, identity: CiIdentity) -> str:
    """Web-identity trust for exactly one repository environment's jobs, only for STS."""
    host = GITHUB_OIDC_ISSUER.removeprefix("https://")
    return policy_json(
        [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{host}:aud": AUDIENCE, f"{host}:sub": identity.subject}},
            }
        ]
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class AwsCicdProps:
    ctx: BuildContext
    cicd: CicdSpec


class _BoundedRole(LeastPrivilegeRole):
    """A LeastPrivilegeRole whose permissions can never exceed a boundary policy."""

    def __init__(
        self, scope: Construct, id: str, props: LeastPrivilegeRoleProps, boundary: IamPolicy
    ) -> None:
        self._boundary = boundary
        super().__init__(scope, id, props)

    def _create_role(self) -> IamRole:
        return IamRole(
            self,
            "Role",
            name=self.props.name,
            assume_role_policy=self.props.trust_policy,
            max_session_duration=3600,
            permissions_boundary=self._boundary.arn,
        )


class AwsCicd(Construct):
    def __init__(self, scope: Construct, id: str, props: AwsCicdProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.account = account_of(ctx)
        self.identities = {i.role: i for i in ci_identities(ctx.profile.name, props.cicd)}
        self.state = self._state_bucket()
        self.provider = self._create_oidc_provider()
        self.apply_policy = self._create_apply_policy()
        self.plan_role = self._create_plan_role()
        self.apply_role = self._create_apply_role()

    # -- names derived from the model, so nothing here needs a lookup ---------------------------------------
    def _role_name(self, role: CiRole) -> str:
        return self.props.ctx.name("cicd", role.value, max_len=64)

    def _state_bucket(self) -> tuple[BucketRef, str] | None:
        state = self.props.ctx.profile.aws(self.props.ctx.target).state
        if not isinstance(state, S3State):
            return None
        return AdoptedBucket(f"arn:aws:s3:::{state.bucket}"), f"{state.key_prefix}/"

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:aws:iam::{self.account}:{kind}/{name}"

    # -- resources -------------------------------------------------------------------------------------------
    def _create_oidc_provider(self) -> IamOpenidConnectProvider:
        """Extension point: GitHub's issuer (one per account; adopt with an import block if it exists)."""
        return IamOpenidConnectProvider(
            self, "OidcProvider", url=GITHUB_OIDC_ISSUER, client_id_list=[AUDIENCE]
        )

    def _plan_statements(self) -> tuple[Statement, ...]:
        """ReadOnlyAccess also reads data; a plan needs configuration only, so data reads are denied
        (the state bucket excepted, and public SSM parameters such as the ECS GPU AMI stay readable)."""
        state_arn = f"{self.state[0].arn}/*" if self.state else "arn:aws:s3:::none/*"
        return (
            {
                "Sid": "DenyDataReads",
                "Effect": "Deny",
                "Action": [
                    "s3:GetObject*",
                    "kinesis:GetRecords",
                    "sqs:ReceiveMessage",
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                    "secretsmanager:GetSecretValue",
                    "sagemaker:InvokeEndpoint*",
                ],
                "NotResource": [state_arn],
            },
            {
                "Sid": "DenyPrivateParameters",
                "Effect": "Deny",
                "Action": ["ssm:GetParameter*"],
                "Resource": f"arn:aws:ssm:*:{self.account}:parameter/*",
            },
        )

    def _create_plan_role(self) -> LeastPrivilegeRole:
        """Extension point: the read-only role pull requests plan with."""
        role = LeastPrivilegeRole(
            self,
            "PlanRole",
            LeastPrivilegeRoleProps(
                ctx=self.props.ctx,
                name=self._role_name(CiRole.PLAN),
                trust_policy=github_trust(self.provider.arn, self.identities[CiRole.PLAN]),
                statements=self._plan_statements(),
                managed_policy_arns=(READ_ONLY_POLICY,),
            ),
        )
        if self.state:
            bucket, prefix = self.state
            grant_bucket_read(role, bucket, None, prefix)
            # S3-native locking writes <key>.tflock beside the state: the only object a plan may write.
            role.add_statement(
                {
                    "Sid": "StateLockFile",
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"{bucket.arn}/{prefix}*.tflock",
                }
            )
        return role

    def _apply_statements(self) -> list[Statement]:
        prefix = self.props.ctx.prefix
        cicd_roles = [self._arn("role", self._role_name(r)) for r in CiRole]
        host = GITHUB_OIDC_ISSUER.removeprefix("https://")
        return [
            {
                "Sid": "PlatformServices",
                "Effect": "Allow",
                "Action": [f"{s}:*" for s in APPLY_SERVICES],
                "Resource": "*",
            },
            {
                "Sid": "PlatformIam",
                "Effect": "Allow",
                "Action": list(IAM_ACTIONS),
                "Resource": [
                    self._arn("role", f"{prefix}-*"),
                    self._arn("policy", f"{prefix}-*"),
                    self._arn("instance-profile", f"{prefix}-*"),
                    self._arn("oidc-provider", "oidc.eks.*"),
                    # constructs/aws/network.py names its flow-log role with name_prefix "flowlogs-".
                    self._arn("role", "flowlogs-*"),
                ],
            },
            {
                "Sid": "ServiceLinkedRoles",
                "Effect": "Allow",
                "Action": ["iam:CreateServiceLinkedRole", "iam:GetRole"],
                "Resource": self._arn("role", "aws-service-role/*"),
            },
            {"Sid": "IamRead", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
            {
                # The CI identities are changed from a laptop, never by the role they define.
                "Sid": "DenyCiIdentityChanges",
                "Effect": "Deny",
                "NotAction": ["iam:Get*", "iam:List*"],
                "Resource": [
                    *cicd_roles,
                    self._arn("oidc-provider", host),
                    self._arn("policy", f"{prefix}-cicd-*"),
                ],
            },
            {
                "Sid": "DenyPrivilegedPolicies",
                "Effect": "Deny",
                "Action": ["iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "iam:PolicyARN": [f"arn:aws:iam::aws:policy/{p}" for p in PRIVILEGED_POLICIES]
                    }
                },
            },
        ]

    def _create_apply_policy(self) -> IamPolicy:
        """Extension point: the apply role's ceiling (permissions boundary) and its grant."""
        return IamPolicy(
            self,
            "ApplyPolicy",
            name=self.props.ctx.name("cicd", "apply", "boundary", max_len=128),
            description="trademl apply: the services the platform deploys, never the CI identities",
            policy=policy_json(self._apply_statements()),
        )

    def _create_apply_role(self) -> LeastPrivilegeRole:
        """Extension point: the role merged changes are applied with, behind the protected environment."""
        role = _BoundedRole(
            self,
            "ApplyRole",
            LeastPrivilegeRoleProps(
                ctx=self.props.ctx,
                name=self._role_name(CiRole.APPLY),
                trust_policy=github_trust(self.provider.arn, self.identities[CiRole.APPLY]),
            ),
            self.apply_policy,
        )
        IamRolePolicyAttachment(
            self, "ApplyPolicyAttachment", role=role.name, policy_arn=self.apply_policy.arn
        )
        if self.state:
            bucket, prefix = self.state
            grant_bucket_write(role, bucket, None, prefix)
            role.add_statement(
                {
                    "Sid": "StateLockRelease",
                    "Effect": "Allow",
                    "Action": "s3:DeleteObject",
                    "Resource": f"{bucket.arn}/{prefix}*.tflock",
                }
            )
            own = StackPlan(self.props.ctx.profile.name, self.props.ctx.target, Layer.CICD).name
            role.add_statement(
                {
                    "Sid": "DenyOwnState",
                    "Effect": "Deny",
                    "Action": ["s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"{bucket.arn}/{prefix}{own}.tfstate*",
                }
            )
        return role

    @property
    def variables(self) -> Variables:
        """GitHub variables per identity: the role to assume and the region to assume it in."""
        ctx = self.props.ctx
        names = aws_variable_names(
            ctx.target, [t for t in ctx.profile.targets.names() if t.cloud.value == "aws"]
        )
        region = ctx.profile.aws(ctx.target).region
        out: dict[CiRole, dict[str, str]] = {}
        for role, arn in ((CiRole.PLAN, self.plan_role.arn), (CiRole.APPLY, self.apply_role.arn)):
            values = {names["role_arn"]: arn, names["region"]: region}
            if "role_arn_plain" in names:
                values |= {names["role_arn_plain"]: arn, names["region_plain"]: region}
            out[role] = values
        return out
