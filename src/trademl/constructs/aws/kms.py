"""Customer-managed KMS keys with rotation, and references to keys the profile adopts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from constructs import Construct

from trademl.constructs.context import BuildContext


class KeyRef:
    """Anything that encrypts: a key this stack creates or one the profile adopts."""

    arn: str
    adopted: bool = False


class AdoptedKey(KeyRef):
    def __init__(self, arn: str) -> None:
        self.arn = arn
        self.adopted = True


@dataclass(frozen=True, kw_only=True, slots=True)
class EncryptionKeyProps:
    ctx: BuildContext
    purpose: str
    """Short name used in the alias: alias/<prefix>-<purpose>."""
    region: str | None = None
    """Default: the provider's region."""
    service_principals: tuple[str, ...] = field(default=("logs.amazonaws.com",))
    """AWS services allowed to use the key for encryption (CloudWatch Logs by default)."""
    policy_statements: tuple[Mapping[str, object], ...] = ()
    """Extra key-policy statements (e.g. a service-linked role that launches encrypted volumes)."""


class EncryptionKey(Construct, KeyRef):
    """A KMS key with yearly rotation, a 30-day deletion window and a least-privilege key policy."""

    def __init__(self, scope: Construct, id: str, props: EncryptionKeyProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.key = self._create_key()
        self.arn = self.key.arn
        self.alias = KmsAlias(
            self,
            "Alias",
            name=f"alias/{props.ctx.prefix}-{props.purpose}",
            target_key_id=self.key.key_id,
            region=props.region,
        )

    def _policy(self) -> str:
        account = self.props.ctx.profile.aws(self.props.ctx.target).account_id
        statements: list[dict[str, object]] = [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        if self.props.service_principals:
            statements.append(
                {
                    "Sid": "ServicesEncrypt",
                    "Effect": "Allow",
                    "Principal": {"Service": sorted(self.props.service_principals)},
                    "Action": [
                        "kms:Decrypt",
                        "kms:DescribeKey",
                        "kms:Encrypt",
                        "kms:GenerateDataKey*",
                        "kms:ReEncrypt*",
                    ],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                }
            )
        statements.extend(dict(s) for s in self.props.policy_statements)
        return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)

    def _create_key(self) -> KmsKey:
        """Extension point: override to change how the key is made (e.g. multi-Region keys)."""
        ctx = self.props.ctx
        return KmsKey(
            self,
            "Key",
            description=f"{ctx.prefix} {self.props.purpose} (trademl)",
            enable_key_rotation=True,
            rotation_period_in_days=ctx.profile.security.key_rotation_days,
            deletion_window_in_days=30,
            policy=self._policy(),
            region=self.props.region,
            **ctx.stateful(),
        )
