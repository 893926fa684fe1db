"""The platform layer of the gcp target: experiments, training, serving, monitoring and security, composed
from the foundation's keys, network and stores."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.artifact_registry_repository import ArtifactRegistryRepository
from constructs import Construct

from trademl.constructs.context import BuildContext

from .address import ServingAddress, ServingAddressProps
from .bucket import BucketRef
from .dashboard import DashboardProps, PlatformDashboard
from .deploy import DeployWorkflow, DeployWorkflowProps
from .dns import ServingZone, ServingZoneProps
from .endpoint import PredictionEndpoint, PredictionEndpointProps
from .experiment import Experiments, ExperimentsProps
from .fallback import ServingFallback, ServingFallbackProps
from .gke import GkeCluster, GkeClusterProps
from .kms import KeyRef
from .monitoring import Monitoring, MonitoringProps
from .network import NetworkRef
from .security import DataInspection, DataInspectionProps, Perimeter, PerimeterProps
from .streaming import StreamingIngestion, StreamingIngestionProps
from .threats import ThreatFindings, ThreatFindingsProps
from .tracking import MLFLOW_IMAGE, PROXY_IMAGE, TrackingServer, TrackingServerProps
from .training import Training, TrainingProps


@dataclass(frozen=True, kw_only=True, slots=True)
class PlatformProps:
    ctx: BuildContext
    keys: dict[str, KeyRef]
    network: NetworkRef
    stores: dict[str, BucketRef]


class Platform(Construct):
    def __init__(self, scope: Construct, id: str, props: PlatformProps) -> None:
        super().__init__(scope, id)
        ctx, keys, net = props.ctx, props.keys, props.network
        spec = ctx.profile.gcp()
        stores = {name: ref.name for name, ref in props.stores.items()}
        models = stores.get("models", next(iter(stores.values())))
        data = stores.get("data", next(iter(stores.values())))
        self.experiments = Experiments(self, "Experiments", ExperimentsProps(ctx=ctx, keys=keys, network=net))
        datasets = {name: ds.dataset_id for name, ds in self.experiments.datasets.items()}
        self.training = Training(
            self,
            "Training",
            TrainingProps(
                ctx=ctx,
                keys=keys,
                network=net,
                pipelines_repo=self.experiments.repositories["pipelines"],
                models_bucket=models,
                data_bucket=data,
                monitoring_dataset=datasets["monitoring"],
            ),
        )
        self.streaming = (
            StreamingIngestion(
                self, "Streaming", StreamingIngestionProps(ctx=ctx, key=keys["messaging"], data_bucket=data)
            )
            if ctx.profile.training.streaming_ingestion
            else None
        )
        self.endpoint = PredictionEndpoint(
            self,
            "Endpoint",
            PredictionEndpointProps(
                ctx=ctx,
                keys=keys,
                predictions_dataset=datasets["predictions"],
                monitoring_dataset=datasets["monitoring"],
                models_bucket=models,
                retrain_topic=self.training.retrain_topic.id,
            ),
        )
        self.deploy = DeployWorkflow(
            self,
            "Deploy",
            DeployWorkflowProps(
                ctx=ctx, key=keys["vertex"], models_bucket=models, model_identity=self.endpoint.identity
            ),
        )
        self.cluster = GkeCluster(
            self, "Gke", GkeClusterProps(ctx=ctx, keys=keys, network=net, region=spec.region)
        )
        self.serving_address = ServingAddress(
            self, "ServingAddress", ServingAddressProps(ctx=ctx, network=net, region=spec.region)
        )
        self.serving_image = self.experiments.image(ctx.profile.serving.image)
        # The Docker repositories GKE nodes pull from: the images repository and the serving image's mirror.
        self.node_repositories: dict[str, ArtifactRegistryRepository] = {
            "images": self.experiments.repositories["images"],
            **self.experiments.mirrors,
        }
        for name, repo in self.node_repositories.items():
            self.cluster.allow_pull(name, repo)
        self.tracking = TrackingServer(
            self,
            "Tracking",
            TrackingServerProps(
                ctx=ctx,
                keys=keys,
                network=net,
                artifact_bucket=models,
                mlflow_image=self.experiments.image(MLFLOW_IMAGE),
                proxy_image=self.experiments.image(PROXY_IMAGE),
                clients=(self.experiments.notebook_identity.member, self.training.runner.member),
            ),
        )
        self.zone = ServingZone(self, "ServingZone", ServingZoneProps(ctx=ctx, network=net))
        self.fallback = ServingFallback(
            self,
            "Fallback",
            ServingFallbackProps(
                ctx=ctx,
                keys=keys,
                network=net,
                image=self.serving_image,
                source_bucket=models,
                zone_name=self.zone.zone_name,
                record=self.zone.serve_record,
                primary_host=self.zone.primary_host,
                docker_repository=self.experiments.repositories["images"].id,
            ),
        )
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            MonitoringProps(
                ctx=ctx,
                endpoint_id=self.endpoint.endpoint.name,
                retrain_topic=self.training.retrain_topic,
                serving_alerts_topic=self.fallback.alerts_topic,
            ),
        )
        self.dashboard = PlatformDashboard(
            self,
            "Dashboard",
            DashboardProps(
                ctx=ctx,
                endpoint_id=self.endpoint.endpoint.name,
                error_metric=self.monitoring.error_metric.name,
            ),
        )
        self.perimeter = (
            Perimeter(self, "Perimeter", PerimeterProps(ctx=ctx, access_policy=spec.access_policy))
            if spec.access_policy
            else None
        )
        self.threats = (
            ThreatFindings(
                self, "Threats", ThreatFindingsProps(ctx=ctx, findings_dataset=datasets["monitoring"])
            )
            if ctx.profile.security.threat_detection
            else None
        )
        self.inspection = DataInspection(
            self,
            "Dlp",
            DataInspectionProps(
                ctx=ctx,
                buckets={k: v for k, v in stores.items() if k != "logs"},
                findings_dataset=datasets["monitoring"],
            ),
        )
