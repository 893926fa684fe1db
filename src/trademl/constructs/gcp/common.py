"""What every Google Cloud construct shares: label-safe labels, protection of stateful resources and the
e-mail of a Google-managed service agent (derived from the project number, never looked up)."""

from __future__ import annotations

import re
from typing import Any

from trademl.constructs.context import BuildContext

_LABEL_BAD = re.compile(r"[^a-z0-9_-]")


def label_safe(tags: dict[str, str]) -> dict[str, str]:
    """Labels allow lowercase letters, digits, '_' and '-', at most 63 characters, keys start with a letter."""
    out: dict[str, str] = {}
    for key, value in sorted(tags.items()):
        k = _LABEL_BAD.sub("_", key.lower())[:63]
        if not k[:1].isalpha():
            k = f"k{k}"[:63]
        out[k] = _LABEL_BAD.sub("_", value.lower())[:63]
    return out


def protect(ctx: BuildContext) -> dict[str, Any]:
    """Keyword arguments for a stateful resource that has `deletion_policy`: PREVENT plus prevent_destroy in
    prod, so neither Terraform nor a stray destroy removes it."""
    if not ctx.profile.protect_stateful:
        return {}
    return {"deletion_policy": "PREVENT", **ctx.stateful()}


# Service agents by the domain in their e-mail; BigQuery's agent is named differently.
AGENT_DOMAINS = {
    "storage": "gs-project-accounts",
    "compute": "compute-system",
    "container": "container-engine-robot",
    "aiplatform": "gcp-sa-aiplatform",
    "notebooks": "gcp-sa-notebooks",
    "artifactregistry": "gcp-sa-artifactregistry",
    "pubsub": "gcp-sa-pubsub",
    "run": "serverless-robot-prod",
    "logging": "gcp-sa-logging",
    "secretmanager": "gcp-sa-secretmanager",
    "workflows": "gcp-sa-workflows",
    "functions": "gcf-admin-robot",
    "cloudsql": "gcp-sa-cloud-sql",
}


def service_agent(project_number: str, service: str) -> str:
    """The IAM member of a Google-managed service agent of this project."""
    if service == "bigquery":
        return f"serviceAccount:bq-{project_number}@bigquery-encryption.iam.gserviceaccount.com"
    return f"serviceAccount:service-{project_number}@{AGENT_DOMAINS[service]}.iam.gserviceaccount.com"
