"""Cloud KMS: a key ring per region and one rotated crypto key per purpose, each granted only to the
service agents that encrypt with it (CMEK is mostly IAM: the grant must exist before the resource)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cdktn import ITerraformDependable
from cdktn_provider_google.kms_crypto_key import KmsCryptoKey
from cdktn_provider_google.kms_crypto_key_iam_member import KmsCryptoKeyIamMember
from cdktn_provider_google.kms_key_ring import KmsKeyRing
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe, protect, service_agent

ENCRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"

# Purpose -> the service agents that use that key. One key per data domain keeps a revocation narrow.
KEY_AGENTS: dict[str, tuple[str, ...]] = {
    "storage": ("storage",),  # the storage agent's grant is made by the foundation (data source)
    "bigquery": ("bigquery",),
    "compute": ("compute", "container", "notebooks"),  # disks, GKE boot disks + secrets, Workbench
    "vertex": ("aiplatform", "workflows"),
    "registry": ("artifactregistry",),
    "messaging": ("pubsub",),
    "serverless": ("run", "functions"),
    "database": ("cloudsql",),  # the MLflow tracking database
}


class KeyRef:
    """A crypto key, created here or adopted: its resource id is all a dependent needs."""

    id: str
    adopted: bool = False


class AdoptedKey(KeyRef):
    def __init__(self, name: str) -> None:
        self.id = name
        self.adopted = True


class CreatedKey(KeyRef):
    def __init__(self, key: KmsCryptoKey) -> None:
        self.key = key
        self.id = key.id


@dataclass(frozen=True, kw_only=True, slots=True)
class KeyRingProps:
    ctx: BuildContext
    region: str
    """Keys must sit in the location of what they encrypt: one ring per region."""
    purposes: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(KEY_AGENTS))
    """Default: KEY_AGENTS. Purpose -> service names (see common.AGENT_DOMAINS) granted encrypt/decrypt."""
    skip_agents: tuple[str, ...] = ("storage",)
    """Agents granted elsewhere (the storage agent is read from a data source, which also creates it)."""
    depends_on: Sequence[ITerraformDependable] = field(default=())
    """Usually the Cloud KMS API enablement."""


class KeyRing(Construct):
    def __init__(self, scope: Construct, id: str, props: KeyRingProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        # A key ring can never be deleted (Cloud KMS keeps it forever); destroying it only drops it from state.
        self.ring = KmsKeyRing(
            self,
            "Ring",
            name=ctx.name("ring", props.region),
            location=props.region,
            project=ctx.profile.gcp().project_id,
            depends_on=list(props.depends_on) or None,
        )
        self.keys: dict[str, KmsCryptoKey] = {}
        self.grants: dict[str, list[KmsCryptoKeyIamMember]] = {}
        number = ctx.profile.gcp().project_number
        self.refs: dict[str, KeyRef] = {}
        for purpose, agents in sorted(props.purposes.items()):
            self.keys[purpose] = self._create_key(purpose)
            self.refs[purpose] = CreatedKey(self.keys[purpose])
            self.grants[purpose] = [
                self.grant(purpose, service_agent(number, agent), f"Agent-{purpose}-{agent}")
                for agent in agents
                if agent not in props.skip_agents
            ]

    def grant(self, purpose: str, member: str, id: str) -> KmsCryptoKeyIamMember:
        """Let `member` encrypt and decrypt with the key of `purpose` (never manage it)."""
        return KmsCryptoKeyIamMember(
            self, id, crypto_key_id=self.keys[purpose].id, role=ENCRYPTER, member=member
        )

    def _create_key(self, purpose: str) -> KmsCryptoKey:
        """Extension point: one crypto key (e.g. override to use HSM protection)."""
        ctx = self.props.ctx
        seconds = ctx.profile.security.key_rotation_days * 86400
        return KmsCryptoKey(
            self,
            f"Key-{purpose}",
            name=purpose,
            key_ring=self.ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=f"{seconds}s",
            destroy_scheduled_duration=f"{30 * 86400}s",
            labels=label_safe({**ctx.tags, "purpose": purpose}),
            **protect(ctx),
        )
