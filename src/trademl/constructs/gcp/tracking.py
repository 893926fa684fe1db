"""MLflow experiment tracking on Google Cloud (experiment.tracking: mlflow): the MLflow server on Cloud Run
(internal ingress, IAM invokers only, CMEK, its own service account), the models bucket as artifact store
(proxied by the server, --serve-artifacts), and a small Cloud SQL for PostgreSQL backend store: CMEK,
private IP only (private services access on the VPC), mutual TLS required, IAM database authentication. The server
reaches it through the Cloud SQL Auth Proxy sidecar (--auto-iam-authn), so no database password exists."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.cloud_run_v2_service import (
    CloudRunV2Service,
    CloudRunV2ServiceTemplate,
    CloudRunV2ServiceTemplateContainers,
    CloudRunV2ServiceTemplateContainersPorts,
    CloudRunV2ServiceTemplateContainersStartupProbe,
    CloudRunV2ServiceTemplateContainersStartupProbeHttpGet,
    CloudRunV2ServiceTemplateScaling,
    CloudRunV2ServiceTemplateVpcAccess,
    CloudRunV2ServiceTemplateVpcAccessNetworkInterfaces,
)
from cdktn_provider_google.cloud_run_v2_service_iam_member import CloudRunV2ServiceIamMember
from cdktn_provider_google.compute_global_address import ComputeGlobalAddress
from cdktn_provider_google.service_networking_connection import ServiceNetworkingConnection
from cdktn_provider_google.sql_database import SqlDatabase
from cdktn_provider_google.sql_database_instance import (
    SqlDatabaseInstance,
    SqlDatabaseInstanceSettings,
    SqlDatabaseInstanceSettingsBackupConfiguration,
    SqlDatabaseInstanceSettingsBackupConfigurationBackupRetentionSettings,
    SqlDatabaseInstanceSettingsDatabaseFlags,
    SqlDatabaseInstanceSettingsInsightsConfig,
    SqlDatabaseInstanceSettingsIpConfiguration,
)
from cdktn_provider_google.sql_user import SqlUser
from cdktn_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe
from .identity import Condition, ServiceIdentity, ServiceIdentityProps, account_id
from .kms import KeyRef
from .network import NetworkRef

# Pinned upstream images (pulled through the Artifact Registry remote repositories). The -full MLflow image
# carries the PostgreSQL driver and the GCS client (the plain one has neither).
MLFLOW_IMAGE = "ghcr.io/mlflow/mlflow:v3.9.0-full"
PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1"
MLFLOW_PORT = 5000
PROXY_HEALTH_PORT = 9090
DATABASE = "mlflow"
# The database flags of a logged, hardened PostgreSQL (IAM authentication on; connections, locks logged).
PG_FLAGS = {
    "cloudsql.iam_authentication": "on",
    "cloudsql.enable_pgaudit": "on",
    "log_checkpoints": "on",
    "log_connections": "on",
    "log_disconnections": "on",
    "log_lock_waits": "on",
    "log_min_messages": "error",
    "log_min_error_statement": "error",
    "log_temp_files": "0",
    "log_min_duration_statement": "-1",
    "log_hostname": "on",
    "log_statement": "ddl",
    "log_duration": "on",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class TrackingServerProps:
    ctx: BuildContext
    keys: dict[str, KeyRef]
    network: NetworkRef
    artifact_bucket: str
    """The models bucket: MLflow artifacts go under gs://<bucket>/mlflow."""
    mlflow_image: str
    """MLFLOW_IMAGE as Cloud Run pulls it (Artifact Registry path)."""
    proxy_image: str
    """PROXY_IMAGE as Cloud Run pulls it."""
    clients: tuple[str, ...] = ()
    """IAM members allowed to call the server (notebooks, pipeline steps)."""


class TrackingServer(Construct):
    def __init__(self, scope: Construct, id: str, props: TrackingServerProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.gcp()
        self.identity = ServiceIdentity(
            self, "Identity", ServiceIdentityProps(ctx=ctx, name="mlflow", description="MLflow server")
        )
        # Postgres IAM user of a service account: its e-mail without ".gserviceaccount.com".
        self.db_user = f"{account_id(ctx, 'mlflow')}@{spec.project_id}.iam"
        # An adopted (often Shared VPC) network has its private services access from its owner already.
        self.peering = None if props.network.adopted else self._create_private_services_access()
        self.instance = self._create_instance()
        self.database = SqlDatabase(self, "Database", name=DATABASE, instance=self.instance.name)
        self.user = SqlUser(
            self,
            "User",
            name=self.db_user,
            instance=self.instance.name,
            type="CLOUD_IAM_SERVICE_ACCOUNT",
            # Creates MLflow's tables in the public schema (PostgreSQL 15+ refuses that to plain users).
            database_roles=["cloudsqlsuperuser"],
        )
        only_this = Condition(
            title="mlflow-instance-only",
            expression=f'resource.name == "projects/{spec.project_id}/instances/{ctx.name("mlflow")}"',
        )
        for role in ("roles/cloudsql.client", "roles/cloudsql.instanceUser"):
            self.identity.grant_project(role, only_this)
        StorageBucketIamMember(
            self,
            "ArtifactWriter",
            bucket=props.artifact_bucket,
            role="roles/storage.objectUser",
            member=self.identity.member,
            condition={
                "title": "mlflow-prefix-only",
                "expression": f'resource.name.startsWith("projects/_/buckets/{props.artifact_bucket}/objects/'
                'mlflow/") || resource.type == "storage.googleapis.com/Bucket"',
            },
        )
        self.service = self._create_service()
        self.invokers = [
            CloudRunV2ServiceIamMember(
                self,
                f"Invoker-{i}",
                name=self.service.name,
                location=self.service.location,
                role="roles/run.invoker",
                member=member,
            )
            for i, member in enumerate(props.clients)
        ]

    def _create_private_services_access(self) -> ServiceNetworkingConnection:
        """Extension point: the VPC peering range Cloud SQL private IPs come from."""
        ctx, net = self.props.ctx, self.props.network
        rng = ComputeGlobalAddress(
            self,
            "PeeringRange",
            name=ctx.name("psa"),
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=20,
            network=net.network_id,
        )
        return ServiceNetworkingConnection(
            self,
            "Peering",
            network=net.network_id,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[rng.name],
        )

    def _create_instance(self) -> SqlDatabaseInstance:
        """Extension point: the backend store: small, private, CMEK, backed up with point-in-time recovery."""
        ctx, p = self.props.ctx, self.props
        prod = ctx.profile.is_prod
        return SqlDatabaseInstance(
            self,
            "Instance",
            name=ctx.name("mlflow"),
            database_version="POSTGRES_18",
            region=ctx.profile.gcp().region,
            encryption_key_name=p.keys["database"].id,
            deletion_protection=ctx.profile.protect_stateful,
            settings=SqlDatabaseInstanceSettings(
                tier="db-custom-1-3840",
                edition="ENTERPRISE",
                availability_type="REGIONAL" if prod else "ZONAL",
                disk_type="PD_SSD",
                disk_autoresize=True,
                deletion_protection_enabled=ctx.profile.protect_stateful,
                ip_configuration=SqlDatabaseInstanceSettingsIpConfiguration(
                    ipv4_enabled=False,
                    private_network=p.network.network_id,
                    ssl_mode="TRUSTED_CLIENT_CERTIFICATE_REQUIRED",  # the Auth Proxy presents client certs,
                    enable_private_path_for_google_cloud_services=True,
                ),
                backup_configuration=SqlDatabaseInstanceSettingsBackupConfiguration(
                    enabled=True,
                    point_in_time_recovery_enabled=True,
                    start_time="02:00",
                    transaction_log_retention_days=7,
                    backup_retention_settings=SqlDatabaseInstanceSettingsBackupConfigurationBackupRetentionSettings(
                        retained_backups=14
                    ),
                ),
                database_flags=[
                    SqlDatabaseInstanceSettingsDatabaseFlags(name=k, value=v) for k, v in PG_FLAGS.items()
                ],
                insights_config=SqlDatabaseInstanceSettingsInsightsConfig(query_insights_enabled=True),
                user_labels=label_safe(ctx.tags),
            ),
            depends_on=[self.peering] if self.peering is not None else None,
        )

    def _create_service(self) -> CloudRunV2Service:
        """Extension point: the server and its Auth Proxy sidecar, reachable only from inside the VPC."""
        ctx, p = self.props.ctx, self.props
        user = self.db_user.replace("@", "%40")
        server = CloudRunV2ServiceTemplateContainers(
            name="mlflow",
            image=p.mlflow_image,
            command=["mlflow", "server"],
            args=[
                "--host=0.0.0.0",
                f"--port={MLFLOW_PORT}",
                f"--backend-store-uri=postgresql+psycopg2://{user}@127.0.0.1:5432/{DATABASE}",
                f"--artifacts-destination=gs://{p.artifact_bucket}/mlflow",
                "--serve-artifacts",
            ],
            ports=CloudRunV2ServiceTemplateContainersPorts(container_port=MLFLOW_PORT),
            depends_on=["cloud-sql-proxy"],
        )
        proxy = CloudRunV2ServiceTemplateContainers(
            name="cloud-sql-proxy",
            image=p.proxy_image,
            args=[
                "--private-ip",
                "--auto-iam-authn",
                "--structured-logs",
                "--health-check",
                "--http-address=0.0.0.0",
                f"--http-port={PROXY_HEALTH_PORT}",
                self.instance.connection_name,
            ],
            startup_probe=CloudRunV2ServiceTemplateContainersStartupProbe(
                http_get=CloudRunV2ServiceTemplateContainersStartupProbeHttpGet(
                    path="/startup", port=PROXY_HEALTH_PORT
                ),
                period_seconds=2,
                failure_threshold=30,
            ),
        )
        return CloudRunV2Service(
            self,
            "Service",
            name=ctx.name("mlflow"),
            location=ctx.profile.gcp().region,
            ingress="INGRESS_TRAFFIC_INTERNAL_ONLY",
            deletion_protection=ctx.profile.protect_stateful,
            invoker_iam_disabled=False,
            template=CloudRunV2ServiceTemplate(
                service_account=self.identity.email,
                encryption_key=p.keys["serverless"].id,
                execution_environment="EXECUTION_ENVIRONMENT_GEN2",
                scaling=CloudRunV2ServiceTemplateScaling(
                    min_instance_count=1 if ctx.profile.is_prod else 0, max_instance_count=3
                ),
                vpc_access=CloudRunV2ServiceTemplateVpcAccess(
                    egress="PRIVATE_RANGES_ONLY",
                    network_interfaces=[
                        CloudRunV2ServiceTemplateVpcAccessNetworkInterfaces(
                            network=p.network.network_id, subnetwork=p.network.subnet_id
                        )
                    ],
                ),
                containers=[server, proxy],
            ),
            labels=label_safe(ctx.tags),
            depends_on=[self.user, self.database],
        )
