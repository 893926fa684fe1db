"""The serving fallback: the runtime on Cloud Run (internal ingress, CMEK, direct VPC egress), switched in by
a gen2 Cloud Function when the primary serving health alert opens."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import AssetType, Fn, TerraformAsset
from cdktn_provider_google.cloud_run_v2_service import (
    CloudRunV2Service,
    CloudRunV2ServiceTemplate,
    CloudRunV2ServiceTemplateContainers,
    CloudRunV2ServiceTemplateScaling,
    CloudRunV2ServiceTemplateVpcAccess,
    CloudRunV2ServiceTemplateVpcAccessNetworkInterfaces,
)
from cdktn_provider_google.cloudfunctions2_function import (
    Cloudfunctions2Function,
    Cloudfunctions2FunctionBuildConfig,
    Cloudfunctions2FunctionBuildConfigSource,
    Cloudfunctions2FunctionBuildConfigSourceStorageSource,
    Cloudfunctions2FunctionEventTrigger,
    Cloudfunctions2FunctionServiceConfig,
)
from cdktn_provider_google.pubsub_topic import PubsubTopic
from cdktn_provider_google.storage_bucket_object import StorageBucketObject
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe
from .functions import materialize, switch_zip
from .identity import Condition, ServiceIdentity, ServiceIdentityProps
from .kms import KeyRef
from .network import NetworkRef


@dataclass(frozen=True, kw_only=True, slots=True)
class ServingFallbackProps:
    ctx: BuildContext
    keys: dict[str, KeyRef]
    network: NetworkRef
    image: str
    """The runtime image as Cloud Run can pull it (an Artifact Registry path)."""
    source_bucket: str
    """Bucket holding the function's source archive."""
    zone_name: str
    """Private Cloud DNS zone (managed zone name) holding the serving record."""
    record: str
    """Serving DNS name (FQDN with trailing dot) the switch repoints."""
    primary_host: str
    docker_repository: str
    """CMEK Artifact Registry repository (id) the function's image is built into (required with CMEK)."""


class ServingFallback(Construct):
    def __init__(self, scope: Construct, id: str, props: ServingFallbackProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.run_identity = ServiceIdentity(
            self,
            "RunIdentity",
            ServiceIdentityProps(
                ctx=ctx, name="serving-fallback", description="Cloud Run fallback of the serving runtime"
            ),
        )
        self.service = self._create_service()
        self.alerts_topic = PubsubTopic(
            self,
            "AlertsTopic",
            name=ctx.name("serving-alerts"),
            kms_key_name=props.keys["messaging"].id,
            labels=label_safe(ctx.tags),
        )
        self.switch_identity = ServiceIdentity(
            self,
            "SwitchIdentity",
            ServiceIdentityProps(
                ctx=ctx, name="serving-switch", description="Repoints the serving DNS name to the fallback"
            ),
        )
        self.switch_identity.grant_project(
            "roles/dns.admin",
            Condition(
                title="serving-zone-only",
                expression=f'resource.name.endsWith("/managedZones/{props.zone_name}")',
            ),
        )
        self.function = self._create_function()

    def _create_service(self) -> CloudRunV2Service:
        """Extension point: the Cloud Run service (reachable only from inside the VPC)."""
        ctx, p = self.props.ctx, self.props
        serving = ctx.profile.serving
        return CloudRunV2Service(
            self,
            "Service",
            name=ctx.name("serving-fallback"),
            location=ctx.profile.gcp().region,
            ingress="INGRESS_TRAFFIC_INTERNAL_ONLY",
            deletion_protection=ctx.profile.protect_stateful,
            invoker_iam_disabled=False,
            template=CloudRunV2ServiceTemplate(
                service_account=self.run_identity.email,
                encryption_key=p.keys["serverless"].id,
                execution_environment="EXECUTION_ENVIRONMENT_GEN2",
                scaling=CloudRunV2ServiceTemplateScaling(
                    min_instance_count=0, max_instance_count=serving.max_replicas
                ),
                vpc_access=CloudRunV2ServiceTemplateVpcAccess(
                    egress="ALL_TRAFFIC",
                    network_interfaces=[
                        CloudRunV2ServiceTemplateVpcAccessNetworkInterfaces(
                            network=p.network.network_id, subnetwork=p.network.subnet_id
                        )
                    ],
                ),
                containers=[
                    CloudRunV2ServiceTemplateContainers(image=p.image, ports={"container_port": serving.port})
                ],
            ),
            labels=label_safe(ctx.tags),
        )

    def _create_function(self) -> Cloudfunctions2Function:
        """Extension point: the switch function; its source is a byte-stable zip uploaded as an object."""
        ctx, p = self.props.ctx, self.props
        spec = ctx.profile.gcp()
        data = switch_zip()
        asset = TerraformAsset(
            self, "SwitchSource", path=str(materialize(data, "switch.zip")), type=AssetType.FILE
        )
        source = StorageBucketObject(
            self,
            "SwitchSourceObject",
            bucket=p.source_bucket,
            name=f"trademl/functions/switch-{asset.asset_hash[:12]}.zip",
            source=asset.path,
        )
        return Cloudfunctions2Function(
            self,
            "Switch",
            name=ctx.name("serving-switch"),
            location=spec.region,
            kms_key_name=p.keys["serverless"].id,
            build_config=Cloudfunctions2FunctionBuildConfig(
                runtime="python312",
                entry_point="switch",
                docker_repository=p.docker_repository,
                source=Cloudfunctions2FunctionBuildConfigSource(
                    storage_source=Cloudfunctions2FunctionBuildConfigSourceStorageSource(
                        bucket=p.source_bucket, object=source.name
                    )
                ),
            ),
            service_config=Cloudfunctions2FunctionServiceConfig(
                service_account_email=self.switch_identity.email,
                ingress_settings="ALLOW_INTERNAL_ONLY",
                max_instance_count=1,
                available_memory="256M",
                timeout_seconds=60,
                environment_variables={
                    "PROJECT": spec.project_id,
                    "ZONE": p.zone_name,
                    "RECORD": p.record,
                    "TTL": str(ctx.profile.failover.dns_ttl_seconds),
                    "PRIMARY_HOST": p.primary_host,
                    "FALLBACK_HOST": Fn.replace(self.service.uri, "https://", ""),
                },
            ),
            event_trigger=Cloudfunctions2FunctionEventTrigger(
                event_type="google.cloud.pubsub.topic.v1.messagePublished",
                pubsub_topic=self.alerts_topic.id,
                retry_policy="RETRY_POLICY_RETRY",
                service_account_email=self.switch_identity.email,
            ),
            labels=label_safe(ctx.tags),
        )
