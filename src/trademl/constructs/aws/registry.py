"""The container registry both AWS flavours share: ECR repositories that scan on push, never overwrite a
tag, encrypt with the platform key, and replicate to the failover region."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.ecr_replication_configuration import (
    EcrReplicationConfiguration,
    EcrReplicationConfigurationReplicationConfiguration,
    EcrReplicationConfigurationReplicationConfigurationRule,
    EcrReplicationConfigurationReplicationConfigurationRuleDestination,
    EcrReplicationConfigurationReplicationConfigurationRuleRepositoryFilter,
)
from cdktn_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from cdktn_provider_aws.ecr_repository_creation_template import (
    EcrRepositoryCreationTemplate,
    EcrRepositoryCreationTemplateEncryptionConfiguration,
)
from constructs import Construct

from trademl.constructs.aws.identity import LeastPrivilegeRole, account_of, grant_key
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext

# The images the platform builds: inference runtime, training jobs and the operations web app.
DEFAULT_REPOSITORIES = ("runtime", "training", "ops-ui")


@dataclass(frozen=True, kw_only=True, slots=True)
class ContainerRegistryProps:
    ctx: BuildContext
    key: KeyRef
    repositories: tuple[str, ...] = DEFAULT_REPOSITORIES
    """Repository names under <prefix>/. Default: runtime, training, ops-ui."""
    replica_region: str | None = None
    """Region images are replicated to. Default: the target's secondary region when failover is on."""
    replica_key: KeyRef | None = None
    """Key in the replica region that encrypts replicated repositories. Default: AES256 (AWS-owned)."""


class ContainerRegistry(Construct):
    def __init__(self, scope: Construct, id: str, props: ContainerRegistryProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.namespace = ctx.prefix
        self.repositories: dict[str, EcrRepository] = {
            r: self._create_repository(r) for r in props.repositories
        }
        spec = ctx.profile.aws(ctx.target)
        self.replica_region = props.replica_region or (
            spec.secondary_region if ctx.profile.failover.enabled else None
        )
        if self.replica_region is not None:
            self._replicate(self.replica_region)

    def _create_repository(self, name: str) -> EcrRepository:
        """Extension point: one repository."""
        ctx = self.props.ctx
        return EcrRepository(
            self,
            f"Repo-{name}",
            name=f"{self.namespace}/{name}",
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=True),
            encryption_configuration=[
                EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=self.props.key.arn)
            ],
            force_delete=ctx.force_destroy,
            **ctx.stateful(),
        )

    def _replicate(self, region: str) -> None:
        # Replicas are created by ECR itself: a creation template gives them the same guarantees.
        replica_key = self.props.replica_key
        EcrRepositoryCreationTemplate(
            self,
            "ReplicaTemplate",
            prefix=self.namespace,
            applied_for=["REPLICATION"],
            region=region,
            description="trademl replicas: immutable tags, encrypted",
            image_tag_mutability="IMMUTABLE",
            encryption_configuration=[
                EcrRepositoryCreationTemplateEncryptionConfiguration(
                    encryption_type="KMS" if replica_key else "AES256",
                    kms_key=replica_key.arn if replica_key else None,
                )
            ],
        )
        EcrReplicationConfiguration(
            self,
            "Replication",
            replication_configuration=EcrReplicationConfigurationReplicationConfiguration(
                rule=[
                    EcrReplicationConfigurationReplicationConfigurationRule(
                        destination=[
                            EcrReplicationConfigurationReplicationConfigurationRuleDestination(
                                region=region, registry_id=account_of(self.props.ctx)
                            )
                        ],
                        repository_filter=[
                            EcrReplicationConfigurationReplicationConfigurationRuleRepositoryFilter(
                                filter=f"{self.namespace}/", filter_type="PREFIX_MATCH"
                            )
                        ],
                    )
                ]
            ),
        )

    def url(self, name: str) -> str:
        return str(self.repositories[name].repository_url)

    def grant_pull(self, role: LeastPrivilegeRole) -> None:
        role.add_statement({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})
        role.add_statement(
            {
                "Effect": "Allow",
                "Resource": sorted(r.arn for r in self.repositories.values()),
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
            }
        )
        grant_key(role, self.props.key, write=False)
