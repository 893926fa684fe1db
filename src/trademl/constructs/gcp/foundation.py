"""The foundation of the gcp target: APIs, keys and their CMEK grants, the private network, the access-log
bucket and the artifact stores."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.data_google_storage_project_service_account import (
    DataGoogleStorageProjectServiceAccount,
)
from cdktn_provider_google.kms_crypto_key_iam_member import KmsCryptoKeyIamMember
from constructs import Construct

from trademl.constructs.context import BuildContext

from .bucket import SecureBucket, SecureBucketProps, Tiering
from .kms import ENCRYPTER, KEY_AGENTS, AdoptedKey, KeyRef, KeyRing, KeyRingProps
from .network import AdoptedNetwork, NetworkRef, PrivateNetwork, PrivateNetworkProps
from .services import ProjectApis, ProjectApisProps

# Data and models are read unpredictably (backtests): Autoclass. Logs only age: archive them.
STORE_TIERING = {"logs": Tiering.ARCHIVE}
# Cloud Storage writes usage logs as this Google group: it needs objectCreator on the log bucket.
USAGE_LOG_WRITER = "group:cloud-storage-analytics@google.com"


@dataclass(frozen=True, kw_only=True, slots=True)
class FoundationProps:
    ctx: BuildContext


class Foundation(Construct):
    """Creates, or adopts where the profile says so, what every later layer builds on."""

    def __init__(self, scope: Construct, id: str, props: FoundationProps) -> None:
        super().__init__(scope, id)
        self.ctx = ctx = props.ctx
        spec = ctx.profile.gcp()
        self.project_id, self.region = spec.project_id, spec.region
        self.apis = ProjectApis(self, "Apis", ProjectApisProps(ctx=ctx))
        self.ring: KeyRing | None = None
        if spec.adopt.key:
            adopted = AdoptedKey(spec.adopt.key)
            self.keys: dict[str, KeyRef] = dict.fromkeys(KEY_AGENTS, adopted)
        else:
            self.ring = KeyRing(
                self,
                "Keys",
                KeyRingProps(
                    ctx=ctx, region=spec.region, depends_on=[self.apis.services["cloudkms.googleapis.com"]]
                ),
            )
            self.keys = dict(self.ring.refs)
        self.storage_grant = self._grant_storage_agent()
        self.network: NetworkRef = (
            AdoptedNetwork(spec.adopt.network)
            if spec.adopt.network
            else PrivateNetwork(
                self,
                "Network",
                PrivateNetworkProps(
                    ctx=ctx, region=spec.region, depends_on=[self.apis.services["compute.googleapis.com"]]
                ),
            )
        )
        self.access_logs = SecureBucket(
            self,
            "AccessLogs",
            SecureBucketProps(
                ctx=ctx,
                name=ctx.name("access-logs", spec.project_id),
                location=spec.region,
                key=self.keys["storage"],
                tiering=Tiering.ARCHIVE,
                depends_on=[self.storage_grant],
            ),
        )
        self.access_logs.grant("UsageLogWriter", "roles/storage.objectCreator", USAGE_LOG_WRITER)
        self.stores: dict[str, SecureBucket] = {
            store: self._create_store(store) for store in ctx.profile.experiment.artifact_stores
        }

    def _grant_storage_agent(self) -> KmsCryptoKeyIamMember:
        """The Cloud Storage service agent encrypts every object: grant it before any bucket exists. The data
        source also creates the agent if the project has never used Cloud Storage."""
        agent = DataGoogleStorageProjectServiceAccount(
            self,
            "StorageAgent",
            project=self.project_id,
            depends_on=[self.apis.services["storage.googleapis.com"]],
        )
        return KmsCryptoKeyIamMember(
            self,
            "StorageAgentKey",
            crypto_key_id=self.keys["storage"].id,
            role=ENCRYPTER,
            member=agent.member,
        )

    def _create_store(self, store: str) -> SecureBucket:
        """Extension point: one artifact store (data, models, logs, ...)."""
        return SecureBucket(
            self,
            f"Store-{store}",
            SecureBucketProps(
                ctx=self.ctx,
                name=self.ctx.name(store, self.project_id),
                location=self.region,
                key=self.keys["storage"],
                access_logs=self.access_logs,
                tiering=STORE_TIERING.get(store, Tiering.AUTOCLASS),
                depends_on=[self.storage_grant],
            ),
        )
