"""Declarative run specs for what Terraform has no resource for: Vertex AI pipeline runs (where Spot is
chosen), endpoint deploys (canary split, replica autoscaling) and model monitoring. Runtime steps
(Workflows, Cloud Scheduler, the deploy step) consume these documents; tests assert them.

Pure Python, no jsii: every value is derived from the profile, keys are sorted, output is byte-stable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from trademl.model import Profile
from trademl.model.gpu import gcp_machine

TERMINAL = ("PIPELINE_STATE_SUCCEEDED", "PIPELINE_STATE_FAILED", "PIPELINE_STATE_CANCELLED")
POLL_SECONDS = 300


@dataclass(frozen=True, kw_only=True, slots=True)
class PipelineTarget:
    """Where a pipeline run reads its template and writes its output. Values may be Terraform tokens."""

    template_uri: str
    service_account: str
    kms_key: str
    output_uri: str
    network: str


def wf(expression: str) -> str:
    """A Workflows expression, escaped for Terraform (`$${` is a literal `${`), so Terraform interpolates
    only its own references in source_contents."""
    return "$${" + expression + "}"


def strategies(profile: Profile) -> list[str]:
    """Capacity types tried in order: Spot first when any share is on Spot, on-demand as the fallback."""
    training = profile.training
    out = ["SPOT"] if training.spot_share > 0 else []
    if training.spot_share < 1 or training.on_demand_fallback:
        out.append("ON_DEMAND")
    return out


def pipeline_job(profile: Profile, target: PipelineTarget, strategy: str) -> dict[str, Any]:
    """The body of a Vertex AI `pipelineJobs.create` request (REST, camelCase)."""
    training = profile.training
    machine = gcp_machine(training.gpu)
    params: dict[str, Any] = {
        "scheduling_strategy": strategy,
        "machine_type": machine.machine,
        "accelerator_type": (machine.accelerator or "").upper().replace("-", "_"),
        "accelerator_count": machine.count if machine.accelerator else 0,
        "max_replica_count": training.max_nodes,
        "max_runtime": f"{training.max_runtime_hours * 3600}s",
        "restart_job_on_worker_restart": True,
        "retries": training.retries,
        "checkpoint_uri": f"{target.output_uri}/checkpoints" if training.checkpointing else "",
    }
    return {
        "displayName": f"{profile.prefix}-train",
        "templateUri": target.template_uri,
        "serviceAccount": target.service_account,
        "network": target.network,
        "encryptionSpec": {"kmsKeyName": target.kms_key},
        "labels": {"trademl-strategy": strategy.lower()},
        "runtimeConfig": {"gcsOutputDirectory": f"{target.output_uri}/pipelines", "parameterValues": params},
    }


def training_workflow(profile: Profile, region: str, project_id: str, target: PipelineTarget) -> str:
    """Workflows source: run the pipeline on Spot, and if that run does not succeed (preempted, no
    capacity), run it again on demand. Arguments: {"desk": ..., "output_uri": ...} override the defaults."""
    api = f"https://{region}-aiplatform.googleapis.com/v1"
    parent = f"{api}/projects/{project_id}/locations/{region}/pipelineJobs"
    attempts = []
    for strategy in strategies(profile):
        body = pipeline_job(profile, target, strategy)
        attempts.append({"strategy": strategy, "body": body})
    retry = {
        "predicate": wf("http.default_retry_predicate"),
        "max_retries": profile.training.retries,
        "backoff": {"initial_delay": 10, "max_delay": 300, "multiplier": 2},
    }
    source = {
        "main": {
            "params": ["args"],
            "steps": [
                {"init": {"assign": [{"attempts": attempts}, {"state": "NONE"}]}},
                {
                    "each_capacity": {
                        "for": {
                            "value": "attempt",
                            "in": wf("attempts"),
                            "steps": [
                                {
                                    "launch": {
                                        "try": {
                                            "call": "http.post",
                                            "args": {
                                                "url": parent,
                                                "auth": {"type": "OAuth2"},
                                                "body": wf("attempt.body"),
                                            },
                                            "result": "job",
                                        },
                                        "retry": retry,
                                    }
                                },
                                {
                                    "wait": {
                                        "call": "wait_for",
                                        "args": {"name": wf("job.body.name")},
                                        "result": "state",
                                    }
                                },
                                {
                                    "done": {
                                        "switch": [
                                            {
                                                "condition": wf('state == "PIPELINE_STATE_SUCCEEDED"'),
                                                "return": wf("attempt.strategy"),
                                            }
                                        ]
                                    }
                                },
                            ],
                        }
                    }
                },
                {"failed": {"raise": wf('"training did not succeed on any capacity type: " + state')}},
            ],
        },
        "wait_for": {
            "params": ["name"],
            "steps": [
                {
                    "poll": {
                        "call": "http.get",
                        "args": {"url": wf(f'"{api}/" + name'), "auth": {"type": "OAuth2"}},
                        "result": "job",
                    }
                },
                {
                    "check": {
                        "switch": [
                            {
                                "condition": wf(f"job.body.state in {json.dumps(list(TERMINAL))}"),
                                "return": wf("job.body.state"),
                            }
                        ]
                    }
                },
                {"sleep": {"call": "sys.sleep", "args": {"seconds": POLL_SECONDS}, "next": "poll"}},
            ],
        },
    }
    return json.dumps(source, sort_keys=True)


def deploy_spec(profile: Profile, endpoint: str, kms_key: str, service_account: str) -> dict[str, Any]:
    """Input of the deploy step (`endpoints.deployModel`): the canary share and replica autoscaling live
    here, since the endpoint's traffic_split is keyed by deployed-model ids that exist only after a deploy."""
    serving = profile.serving
    machine = gcp_machine(serving.gpu)
    resources: dict[str, Any] = {
        "machineSpec": {"machineType": machine.machine},
        "minReplicaCount": serving.min_replicas,
        "maxReplicaCount": serving.max_replicas,
        "autoscalingMetricSpecs": [
            {
                "metricName": "aiplatform.googleapis.com/prediction/online/cpu/utilization",
                "target": serving.target_utilization,
            }
        ],
    }
    if machine.accelerator:
        resources["machineSpec"] |= {
            "acceleratorType": machine.accelerator.upper().replace("-", "_"),
            "acceleratorCount": machine.count,
        }
    return {
        "endpoint": endpoint,
        "strategy": serving.strategy,
        "canaryPercent": serving.canary_percent if serving.strategy == "canary" else 0,
        "encryptionSpec": {"kmsKeyName": kms_key},
        "deployedModel": {
            "serviceAccount": service_account,
            "dedicatedResources": resources,
            "enableAccessLogging": True,
        },
    }


def monitoring_spec(profile: Profile, endpoint: str, dataset_uri: str, topic: str) -> dict[str, Any]:
    """Input of the step that creates the Vertex AI model monitor (no Terraform resource exists)."""
    alerts = profile.monitoring.alerts
    return {
        "endpoint": endpoint,
        "enabled": profile.monitoring.drift_monitoring,
        "schedule": {"cron": "0 * * * *"},
        "objective": {
            "featureDriftSpec": {"defaultThreshold": alerts.accuracy_drop_percent / 100},
            "predictionOutputDriftSpec": {"defaultThreshold": alerts.accuracy_drop_percent / 100},
        },
        "outputBigQuery": dataset_uri,
        "notification": {"pubsubTopic": topic},
    }
