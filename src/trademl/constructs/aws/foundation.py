"""The foundation of an AWS target: key, private network, access-log bucket and the artifact stores."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.aws.access_logs import access_log_bucket
from trademl.constructs.aws.bucket import SecureBucket, SecureBucketProps, Tiering
from trademl.constructs.aws.kms import AdoptedKey, EncryptionKey, EncryptionKeyProps, KeyRef
from trademl.constructs.aws.network import AdoptedNetwork, NetworkRef, PrivateNetwork, PrivateNetworkProps
from trademl.constructs.context import BuildContext

# Data and models are read unpredictably (backtests): Intelligent-Tiering. Logs only age: archive them.
STORE_TIERING = {"logs": Tiering.ARCHIVE}


@dataclass(frozen=True, kw_only=True, slots=True)
class FoundationProps:
    ctx: BuildContext


class Foundation(Construct):
    """Creates, or adopts where the profile says so, what every later layer builds on."""

    def __init__(self, scope: Construct, id: str, props: FoundationProps) -> None:
        super().__init__(scope, id)
        self.ctx = ctx = props.ctx
        spec = ctx.profile.aws(ctx.target)
        self.account_id = spec.account_id
        self.key: KeyRef = (
            AdoptedKey(spec.adopt.key)
            if spec.adopt.key
            else EncryptionKey(
                self,
                "Key",
                EncryptionKeyProps(
                    ctx=ctx,
                    purpose="platform",
                    service_principals=(
                        "logs.amazonaws.com",
                        "cloudtrail.amazonaws.com",
                        "delivery.logs.amazonaws.com",
                    ),
                ),
            )
        )
        self.network: NetworkRef = (
            AdoptedNetwork(spec.adopt.network)
            if spec.adopt.network
            else PrivateNetwork(self, "Network", PrivateNetworkProps(ctx=ctx, key=self.key))
        )
        # S3 server access logs and ELB access logs: SSE-S3, the only encryption both writers support.
        self.access_logs = access_log_bucket(
            self, "AccessLogs", ctx, name=ctx.name("access-logs", spec.account_id)
        )
        # The failover region's key lives in that region (KMS keys never leave theirs): replicas of the
        # models store and of container images are encrypted with it.
        self.secondary_key: KeyRef | None = None
        if ctx.profile.failover.enabled and spec.secondary_region:
            self.secondary_key = EncryptionKey(
                self,
                "SecondaryKey",
                EncryptionKeyProps(
                    ctx=ctx,
                    purpose="platform-secondary",
                    region=spec.secondary_region,
                    service_principals=("logs.amazonaws.com", "delivery.logs.amazonaws.com"),
                ),
            )
        self.stores: dict[str, SecureBucket] = {
            store: self._create_store(store) for store in ctx.profile.experiment.artifact_stores
        }

    def _create_store(self, store: str) -> SecureBucket:
        """Extension point: one artifact store (data, models, logs, ...)."""
        return SecureBucket(
            self,
            f"Store-{store}",
            SecureBucketProps(
                ctx=self.ctx,
                name=self.ctx.name(store, self.account_id),
                key=self.key,
                access_logs=self.access_logs,
                tiering=STORE_TIERING.get(store, Tiering.INTELLIGENT),
            ),
        )
