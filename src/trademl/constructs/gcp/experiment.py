"""Stage 1 on Google Cloud: Vertex AI Workbench, BigQuery datasets and Artifact Registry, all with CMEK."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.artifact_registry_repository import (
    ArtifactRegistryRepository,
    ArtifactRegistryRepositoryDockerConfig,
    ArtifactRegistryRepositoryRemoteRepositoryConfig,
    ArtifactRegistryRepositoryRemoteRepositoryConfigDockerRepository,
    ArtifactRegistryRepositoryRemoteRepositoryConfigDockerRepositoryCustomRepository,
)
from cdktn_provider_google.bigquery_dataset import (
    BigqueryDataset,
    BigqueryDatasetDefaultEncryptionConfiguration,
)
from cdktn_provider_google.workbench_instance import (
    WorkbenchInstance,
    WorkbenchInstanceGceSetup,
    WorkbenchInstanceGceSetupBootDisk,
    WorkbenchInstanceGceSetupDataDisks,
    WorkbenchInstanceGceSetupNetworkInterfaces,
    WorkbenchInstanceGceSetupServiceAccounts,
    WorkbenchInstanceGceSetupShieldedInstanceConfig,
)
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe, protect
from .identity import ServiceIdentity, ServiceIdentityProps, in_region
from .kms import KeyRef
from .network import NetworkRef

# Datasets of the platform: features for training, prediction logs of the endpoint, drift statistics.
DATASETS = ("features", "predictions", "monitoring")
REPOSITORIES = {"images": "DOCKER", "pipelines": "KFP"}


@dataclass(frozen=True, kw_only=True, slots=True)
class ExperimentsProps:
    ctx: BuildContext
    keys: dict[str, KeyRef]
    network: NetworkRef


class Experiments(Construct):
    def __init__(self, scope: Construct, id: str, props: ExperimentsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.gcp()
        self.datasets = {name: self._create_dataset(name) for name in DATASETS}
        self.repositories = {name: self._create_repository(name, fmt) for name, fmt in REPOSITORIES.items()}
        self.notebook_identity = ServiceIdentity(
            self,
            "NotebookIdentity",
            ServiceIdentityProps(ctx=ctx, name="notebooks", description="Vertex AI Workbench instances"),
        )
        self.notebook_identity.grant_project("roles/aiplatform.user", in_region(spec.project_id, spec.region))
        self.workbench = self._create_workbench() if ctx.profile.experiment.notebooks.enabled else None
        self.mirrors: dict[str, ArtifactRegistryRepository] = {}

    def image(self, image: str) -> str:
        """The image as private nodes and Cloud Run pull it: Artifact Registry paths as they are, any other
        registry through a CMEK remote repository that caches it (no internet egress is needed)."""
        host, _, path = image.partition("/")
        if host.endswith("-docker.pkg.dev"):
            return image
        if host not in self.mirrors:
            self.mirrors[host] = self._create_mirror(host)
        spec = self.props.ctx.profile.gcp()
        return f"{spec.region}-docker.pkg.dev/{spec.project_id}/{self.props.ctx.name('mirror', host.split('.')[0])}/{path}"

    def _create_mirror(self, host: str) -> ArtifactRegistryRepository:
        """Extension point: a remote repository caching one upstream registry."""
        ctx = self.props.ctx
        return ArtifactRegistryRepository(
            self,
            f"Mirror-{host}",
            repository_id=ctx.name("mirror", host.split(".")[0]),
            format="DOCKER",
            mode="REMOTE_REPOSITORY",
            location=ctx.profile.gcp().region,
            kms_key_name=self.props.keys["registry"].id,
            description=f"Cache of {host} (trademl)",
            remote_repository_config=ArtifactRegistryRepositoryRemoteRepositoryConfig(
                docker_repository=ArtifactRegistryRepositoryRemoteRepositoryConfigDockerRepository(
                    custom_repository=ArtifactRegistryRepositoryRemoteRepositoryConfigDockerRepositoryCustomRepository(
                        uri=f"https://{host}"
                    )
                )
            ),
            labels=label_safe(ctx.tags),
        )

    def _create_dataset(self, name: str) -> BigqueryDataset:
        """Extension point: one BigQuery dataset, in the region, encrypted with the BigQuery key."""
        ctx = self.props.ctx
        return BigqueryDataset(
            self,
            f"Dataset-{name}",
            dataset_id=f"{ctx.prefix}_{name}".replace("-", "_"),
            location=ctx.profile.gcp().region,
            default_encryption_configuration=BigqueryDatasetDefaultEncryptionConfiguration(
                kms_key_name=self.props.keys["bigquery"].id
            ),
            delete_contents_on_destroy=ctx.force_destroy,
            max_time_travel_hours="168",
            labels=label_safe(ctx.tags),
            **protect(ctx),
        )

    def _create_repository(self, name: str, fmt: str) -> ArtifactRegistryRepository:
        """Extension point: one Artifact Registry repository (Docker images, or KFP pipeline templates)."""
        ctx = self.props.ctx
        return ArtifactRegistryRepository(
            self,
            f"Repository-{name}",
            repository_id=ctx.name(name),
            format=fmt,
            location=ctx.profile.gcp().region,
            kms_key_name=self.props.keys["registry"].id,
            docker_config=ArtifactRegistryRepositoryDockerConfig(immutable_tags=True)
            if fmt == "DOCKER"
            else None,
            description=f"{ctx.prefix} {name} (trademl)",
            labels=label_safe(ctx.tags),
            **protect(ctx),
        )

    def _create_workbench(self) -> WorkbenchInstance:
        """Extension point: the shared Workbench instance: no public IP, CMEK disks, shielded VM, idle stop."""
        ctx, net = self.props.ctx, self.props.network
        spec = ctx.profile.gcp()
        key = self.props.keys["compute"].id
        idle = ctx.profile.experiment.notebooks.idle_shutdown_minutes
        return WorkbenchInstance(
            self,
            "Workbench",
            name=ctx.name("workbench"),
            location=f"{spec.region}-a",
            disable_proxy_access=False,
            gce_setup=WorkbenchInstanceGceSetup(
                machine_type="n2-standard-4",
                disable_public_ip=True,
                boot_disk=WorkbenchInstanceGceSetupBootDisk(disk_encryption="CMEK", kms_key=key),
                data_disks=WorkbenchInstanceGceSetupDataDisks(disk_encryption="CMEK", kms_key=key),
                network_interfaces=[
                    WorkbenchInstanceGceSetupNetworkInterfaces(network=net.network_id, subnet=net.subnet_id)
                ],
                service_accounts=[
                    WorkbenchInstanceGceSetupServiceAccounts(email=self.notebook_identity.email)
                ],
                shielded_instance_config=WorkbenchInstanceGceSetupShieldedInstanceConfig(
                    enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True
                ),
                metadata={
                    "idle-timeout-seconds": str(idle * 60),
                    "notebook-disable-root": "true",
                    "notebook-disable-downloads": "true",
                    "notebook-disable-terminal": "false",
                    "serial-port-logging-enable": "false",
                    "block-project-ssh-keys": "true",
                },
            ),
            labels=label_safe(ctx.tags),
        )
