"""CKV_TML_8: a GKE node pool keeps private nodes and serves pods the Workload Identity metadata server.

Rule: a google_container_node_pool sets `node_config.workload_metadata_config.mode = "GKE_METADATA"` and does
not set `network_config.enable_private_nodes = false`. Without the first, pods on the pool see the node's
service account even when the cluster has a workload pool; the second would give the pool public IPs in a
private cluster.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from tml_conf import value

CHECK_ID = "CKV_TML_8"
NAME = "GKE node pool uses the GKE metadata server and private nodes"
CONTROL = "private-compute"
SATISFIED_BY = {
    "gcp": "google_container_node_pool (node_config.workload_metadata_config.mode = GKE_METADATA)",
}


class GkeNodePoolPrivateWorkloadIdentity(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=CHECK_ID,
            categories=[CheckCategories.KUBERNETES],
            supported_resources=["google_container_node_pool"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = [
            "node_config/[0]/workload_metadata_config/[0]/mode",
            "network_config/[0]/enable_private_nodes",
        ]
        metadata = value(conf, "node_config", "workload_metadata_config", "mode") == "GKE_METADATA"
        public = value(conf, "network_config", "enable_private_nodes") is False
        return CheckResult.PASSED if metadata and not public else CheckResult.FAILED


check = GkeNodePoolPrivateWorkloadIdentity()
