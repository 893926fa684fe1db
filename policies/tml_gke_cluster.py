"""CKV_TML_7: a GKE cluster has private nodes and Workload Identity actually enabled.

Rule: a google_container_cluster sets `private_cluster_config.enable_private_nodes = true` and a
`workload_identity_config.workload_pool` (Autopilot clusters always run Workload Identity, so the pool may be
left to GKE there), and its default node config does not opt out with
`workload_metadata_config.mode = "GCE_METADATA"`, which would hand pods the node's service account.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import is_set, is_true, value

CHECK_ID = "CKV_TML_7"
NAME = "GKE cluster has private nodes and Workload Identity enabled"
CONTROL = "private-compute"
SATISFIED_BY = {
    "gcp": "google_container_cluster (private_cluster_config.enable_private_nodes, "
    "workload_identity_config.workload_pool)",
}


class GkeClusterPrivateWorkloadIdentity(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.KUBERNETES],
            supported_resources=["google_container_cluster"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = [
            "private_cluster_config/[0]/enable_private_nodes",
            "workload_identity_config/[0]/workload_pool",
        ]
        private = is_true(value(conf, "private_cluster_config", "enable_private_nodes"))
        pool = is_set(value(conf, "workload_identity_config", "workload_pool"))
        autopilot = is_true(value(conf, "enable_autopilot"))
        opted_out = value(conf, "node_config", "workload_metadata_config", "mode") == "GCE_METADATA"
        ok = private and (pool or autopilot) and not opted_out
        return CheckResult.PASSED if ok else CheckResult.FAILED


check = GkeClusterPrivateWorkloadIdentity()
