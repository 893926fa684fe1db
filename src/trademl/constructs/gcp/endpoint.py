"""Online prediction on Vertex AI: a private (Private Service Connect) endpoint with CMEK and request/response
logging to BigQuery. Deploys happen at runtime: their input (canary share, autoscaling) is stored beside."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from cdktn import TerraformResourceLifecycle
from cdktn_provider_google.storage_bucket_object import StorageBucketObject
from cdktn_provider_google.vertex_ai_endpoint import (
    VertexAiEndpoint,
    VertexAiEndpointEncryptionSpec,
    VertexAiEndpointPredictRequestResponseLoggingConfig,
    VertexAiEndpointPredictRequestResponseLoggingConfigBigqueryDestination,
    VertexAiEndpointPrivateServiceConnectConfig,
)
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe
from .identity import ServiceIdentity, ServiceIdentityProps
from .kms import KeyRef
from .runspec import deploy_spec, monitoring_spec


def endpoint_id(*parts: str) -> str:
    """Vertex endpoint names are numeric (at most 10 digits): a stable digest of the platform's names."""
    digest = int(hashlib.sha256("/".join(parts).encode()).hexdigest(), 16)
    return str(1_000_000_000 + digest % 8_999_999_999)[:10]


@dataclass(frozen=True, kw_only=True, slots=True)
class PredictionEndpointProps:
    ctx: BuildContext
    keys: dict[str, KeyRef]
    predictions_dataset: str
    monitoring_dataset: str
    models_bucket: str
    retrain_topic: str


class PredictionEndpoint(Construct):
    def __init__(self, scope: Construct, id: str, props: PredictionEndpointProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.gcp()
        self.identity = ServiceIdentity(
            self,
            "ModelIdentity",
            ServiceIdentityProps(
                ctx=ctx, name="model-serving", description="Deployed models on the Vertex AI endpoint"
            ),
        )
        self.endpoint = self._create_endpoint()
        path = f"projects/{spec.project_number}/locations/{spec.region}/endpoints/{self.endpoint.name}"
        self.deploy_input = deploy_spec(ctx.profile, path, props.keys["vertex"].id, self.identity.email)
        self.monitor_input = monitoring_spec(
            ctx.profile, path, f"bq://{spec.project_id}.{props.monitoring_dataset}", props.retrain_topic
        )
        for name, doc in (("deploy", self.deploy_input), ("model-monitoring", self.monitor_input)):
            StorageBucketObject(
                self,
                f"Spec-{name}",
                bucket=props.models_bucket,
                name=f"trademl/runspecs/{name}.json",
                content_type="application/json",
                content=json.dumps(doc, sort_keys=True, indent=1),
            )

    def _create_endpoint(self) -> VertexAiEndpoint:
        """Extension point: the endpoint. Its traffic_split is owned by the deploy step (ignored here)."""
        ctx, p = self.props.ctx, self.props
        spec = ctx.profile.gcp()
        private = ctx.profile.security.private_networking
        return VertexAiEndpoint(
            self,
            "Endpoint",
            name=endpoint_id(ctx.prefix, spec.project_id, "serving"),
            display_name=ctx.name("serving"),
            location=spec.region,
            region=spec.region,
            encryption_spec=VertexAiEndpointEncryptionSpec(kms_key_name=p.keys["vertex"].id),
            private_service_connect_config=VertexAiEndpointPrivateServiceConnectConfig(
                enable_private_service_connect=True, project_allowlist=[spec.project_id]
            )
            if private
            else None,
            predict_request_response_logging_config=VertexAiEndpointPredictRequestResponseLoggingConfig(
                enabled=True,
                sampling_rate=1.0,
                bigquery_destination=VertexAiEndpointPredictRequestResponseLoggingConfigBigqueryDestination(
                    output_uri=f"bq://{spec.project_id}.{p.predictions_dataset}.request_response"
                ),
            ),
            labels=label_safe(ctx.tags),
            lifecycle=TerraformResourceLifecycle(
                ignore_changes=["traffic_split"], prevent_destroy=ctx.profile.protect_stateful or None
            ),
        )
