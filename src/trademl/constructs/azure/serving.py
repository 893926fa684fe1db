"""Inference: a Kubernetes online endpoint on the attached AKS compute, two deployments and the canary
split. azapi throughout: azurerm has no v2 online endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn import Fn, Token
from cdktn_provider_azapi.resource import Resource, ResourceIdentity
from cdktn_provider_azapi.update_resource import UpdateResource
from constructs import Construct

from trademl.constructs.azure.workspace import ML_API, MlWorkspace
from trademl.constructs.context import BuildContext

WS = "Microsoft.MachineLearningServices/workspaces"
STABLE, CANARY = "blue", "green"


@dataclass(frozen=True, kw_only=True, slots=True)
class OnlineEndpointProps:
    ctx: BuildContext
    ml: MlWorkspace
    compute_id: str
    """The attached Kubernetes compute."""
    name: str
    location: str
    model: str = "azureml:trading-model@latest"
    """Registered by CI after evaluation; a new version rolls out through the canary deployment."""
    min_replicas: int | None = None
    """Default: serving.min_replicas."""
    environment_id: str | None = None
    """An existing runtime environment version (desk and secondary endpoints reuse the platform's)."""


def traffic(canary_percent: int) -> dict[str, int]:
    """The split applied once both deployments exist; always sums to 100."""
    return {STABLE: 100 - canary_percent, CANARY: canary_percent}


class OnlineEndpoint(Construct):
    """Entra-token auth, no public network access unless serving.exposure is public."""

    def __init__(self, scope: Construct, id: str, props: OnlineEndpointProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        s = ctx.profile.serving
        self.environment_id = props.environment_id or self._create_environment().id
        self.endpoint = Resource(
            self,
            "Endpoint",
            type=f"{WS}/onlineEndpoints@{ML_API}",
            name=props.name,
            parent_id=props.ml.workspace_id,
            location=props.location,
            identity=[ResourceIdentity(type="SystemAssigned")],
            body={
                "kind": "Kubernetes",
                "properties": {
                    "authMode": "AADToken",
                    "compute": props.compute_id,
                    "publicNetworkAccess": "Enabled" if s.exposure == "public" else "Disabled",
                },
            },
            # No traffic in the body: the split is owned by the update below (and CI promotions).
            response_export_values={"scoring_uri": "properties.scoringUri"},
            tags=ctx.tags,
        )
        # https://<host>/api/v1/endpoint/<name>/score -> <host>: what failover DNS points at.
        self.scoring_host = Token.as_string(
            Fn.element(Fn.split("/", Token.as_string(self.endpoint.output.lookup("scoring_uri"))), 2)
        )
        self.deployments = {name: self._create_deployment(name) for name in (STABLE, CANARY)}
        canary = s.canary_percent if s.strategy == "canary" else 0
        self.split = UpdateResource(
            self,
            "TrafficSplit",
            type=f"{WS}/onlineEndpoints@{ML_API}",
            resource_id=self.endpoint.id,
            body={"properties": {"traffic": traffic(canary)}},
            depends_on=list(self.deployments.values()),
        )

    def _create_environment(self) -> Resource:
        """Extension point: the runtime image (serving.image) with its health and scoring routes."""
        s = self.props.ctx.profile.serving
        route = {"port": s.port}
        return Resource(
            self,
            "Environment",
            type=f"{WS}/environments/versions@{ML_API}",
            name=s.image.rsplit(":", 1)[-1].replace(".", "-") if "@" not in s.image else "pinned",
            parent_id=f"{self.props.ml.workspace_id}/environments/trading-runtime",
            body={
                "properties": {
                    "image": s.image,
                    "osType": "Linux",
                    "description": "trading inference runtime",
                    "inferenceConfig": {
                        "livenessRoute": {**route, "path": s.health_path},
                        "readinessRoute": {**route, "path": s.health_path},
                        "scoringRoute": {**route, "path": "/score"},
                    },
                }
            },
        )

    def _create_deployment(self, name: str) -> Resource:
        """Extension point: one deployment, autoscaled on utilisation between the serving replica bounds."""
        ctx = self.props.ctx
        s = ctx.profile.serving
        return Resource(
            self,
            f"Deployment-{name}",
            type=f"{WS}/onlineEndpoints/deployments@{ML_API}",
            name=name,
            parent_id=self.endpoint.id,
            location=self.props.location,
            body={
                "kind": "Kubernetes",
                "sku": {"name": "Default", "capacity": self.props.min_replicas or s.min_replicas},
                "properties": {
                    "endpointComputeType": "Kubernetes",
                    "model": self.props.model,
                    "environmentId": self.environment_id,
                    "instanceType": "defaultinstancetype",
                    "appInsightsEnabled": True,
                    "scaleSettings": {
                        "scaleType": "TargetUtilization",
                        "minInstances": self.props.min_replicas or s.min_replicas,
                        "maxInstances": s.max_replicas,
                        "targetUtilizationPercentage": s.target_utilization,
                        "pollingInterval": "PT30S",
                    },
                    "livenessProbe": {"initialDelay": "PT30S", "period": "PT10S", "failureThreshold": 3},
                },
            },
            tags=ctx.tags,
        )
