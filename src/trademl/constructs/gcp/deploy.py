"""The deploy step of the Vertex AI endpoint as a Workflow: it reads the deploy input the endpoint stores in
the models bucket (trademl/runspecs/deploy.json: strategy, canaryPercent, dedicated resources), and deploys a
registered model with a traffic split of canaryPercent to the new model and the rest to the model serving
most traffic now. traffic_split is keyed by deployed-model ids that exist only at runtime, so no Terraform
resource can hold it (REFERENCES.md); promotion is a later deploy or traffic update once the canary is good.
Run it with {"model": "projects/.../models/<id>@<version>"} (release step, after the pipeline registers it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cdktn_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from cdktn_provider_google.workflows_workflow import WorkflowsWorkflow
from constructs import Construct

from trademl.constructs.context import BuildContext

from .common import label_safe
from .identity import ServiceIdentity, ServiceIdentityProps, in_region
from .kms import KeyRef
from .runspec import wf

SPEC_OBJECT = "trademl/runspecs/deploy.json"
ENDPOINTS = "googleapis.aiplatform.v1.projects.locations.endpoints"


def deploy_workflow(region: str, bucket: str) -> str:
    """Workflows source: read the deploy input, split traffic canary/stable, deploy (the connector waits)."""
    steps: list[dict[str, Any]] = [
        {
            "read_spec": {
                "call": "googleapis.storage.v1.objects.get",
                "args": {"bucket": bucket, "object": wf(f'text.url_encode("{SPEC_OBJECT}")'), "alt": "media"},
                "result": "spec",
            }
        },
        {
            "current": {
                "call": f"{ENDPOINTS}.get",
                "args": {"name": wf("spec.endpoint"), "region": region},
                "result": "endpoint",
            }
        },
        {"init": {"assign": [{"stable": ""}, {"top": -1}, {"share": 100}]}},
        {
            "find_stable": {
                "for": {
                    "value": "id",
                    "in": wf('keys(default(map.get(endpoint, "trafficSplit"), {}))'),
                    "steps": [
                        {
                            "pick": {
                                "switch": [
                                    {
                                        "condition": wf("endpoint.trafficSplit[id] > top"),
                                        "assign": [
                                            {"stable": wf("id")},
                                            {"top": wf("endpoint.trafficSplit[id]")},
                                        ],
                                    }
                                ]
                            }
                        }
                    ],
                }
            }
        },
        {
            "canary_share": {
                "switch": [
                    {
                        "condition": wf('spec.strategy == "canary" and stable != ""'),
                        "assign": [{"share": wf("spec.canaryPercent")}],
                    }
                ]
            }
        },
        {"split": {"assign": [{"traffic": {"0": wf("share")}}]}},
        {
            "keep_stable": {
                "switch": [
                    {"condition": wf('stable != ""'), "assign": [{"traffic[stable]": wf("100 - share")}]}
                ]
            }
        },
        {
            "deploy": {
                "call": f"{ENDPOINTS}.deployModel",
                "args": {
                    "endpoint": wf("spec.endpoint"),
                    "region": region,
                    "body": {
                        "deployedModel": wf('map.merge(spec.deployedModel, {"model": args.model})'),
                        "trafficSplit": wf("traffic"),
                    },
                },
                "result": "deployed",
            }
        },
        {
            "done": {
                "return": {"deployedModelId": wf("deployed.deployedModel.id"), "canaryPercent": wf("share")}
            }
        },
    ]
    return json.dumps({"main": {"params": ["args"], "steps": steps}}, sort_keys=True)


@dataclass(frozen=True, kw_only=True, slots=True)
class DeployWorkflowProps:
    ctx: BuildContext
    key: KeyRef
    """The Vertex key (Workflows' agent is granted on it)."""
    models_bucket: str
    """Where the deploy input lies."""
    model_identity: ServiceIdentity
    """The identity deployed models run as (the deployer must act as it)."""


class DeployWorkflow(Construct):
    def __init__(self, scope: Construct, id: str, props: DeployWorkflowProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        spec = ctx.profile.gcp()
        self.identity = ServiceIdentity(
            self,
            "Identity",
            ServiceIdentityProps(ctx=ctx, name="model-deployer", description="Deploys models (canary split)"),
        )
        self.identity.grant_project("roles/aiplatform.user", in_region(spec.project_id, spec.region))
        StorageBucketIamMember(
            self,
            "ReadsSpec",
            bucket=props.models_bucket,
            role="roles/storage.objectViewer",
            member=self.identity.member,
        )
        props.model_identity.allow_act_as("DeployerActsAs", self.identity.member)
        self.workflow = self._create_workflow()

    def _create_workflow(self) -> WorkflowsWorkflow:
        """Extension point: the deploy Workflow."""
        ctx, p = self.props.ctx, self.props
        spec = ctx.profile.gcp()
        return WorkflowsWorkflow(
            self,
            "Workflow",
            name=ctx.name("deploy"),
            region=spec.region,
            description="Deploys a registered model to the endpoint with the profile's canary traffic split",
            source_contents=deploy_workflow(spec.region, p.models_bucket),
            service_account=self.identity.id,
            crypto_key_name=p.key.id,
            call_log_level="LOG_ERRORS_ONLY",
            execution_history_level="EXECUTION_HISTORY_DETAILED",
            deletion_protection=ctx.profile.protect_stateful,
            labels=label_safe(ctx.tags),
        )
