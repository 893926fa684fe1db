"""The namespaces of the platform and the Pod Security level of each: shared by the platform layer (IRSA
trust names them) and the workloads layer (which creates them). Pure data, no provider binding."""

from __future__ import annotations

from dataclasses import dataclass

from trademl.constructs.k8s.tenancy import desk_namespace as desk_namespace  # re-exported
from trademl.model import Profile


@dataclass(frozen=True, slots=True)
class NamespaceSpec:
    name: str
    pss: str  # restricted | baseline | privileged
    reason: str = ""  # why a namespace is exempted from the profile's level


# System namespaces that must touch the host: exempted explicitly, with the reason on the namespace.
PRIVILEGED = {
    "gpu-plugins": "nvidia-device-plugin mounts the kubelet device-plugin socket (hostPath)",
    "amazon-cloudwatch": "Fluent Bit tails /var/log on every node (hostPath)",
    "monitoring": "node-exporter reads host metrics (hostNetwork, hostPID, hostPath)",
}
WORKLOADS = ("jupyterhub", "kubeflow", "kserve", "serving", "argocd", "argo-rollouts", "retraining", "ops-ui")


def platform_namespaces(profile: Profile) -> list[NamespaceSpec]:
    level = profile.security.pod_security
    names = list(WORKLOADS) + (["mlflow"] if profile.experiment.registry == "mlflow" else [])
    return [NamespaceSpec(n, level) for n in names] + [
        NamespaceSpec(n, "privileged", r) for n, r in PRIVILEGED.items()
    ]


# Service accounts that assume IAM roles (namespace, service account) by purpose.
SERVICE_ACCOUNTS = {
    "lb-controller": ("kube-system", "aws-load-balancer-controller"),
    "cluster-autoscaler": ("kube-system", "cluster-autoscaler"),
    "fluent-bit": ("amazon-cloudwatch", "aws-for-fluent-bit"),
    "notebooks": ("jupyterhub", "notebook"),
    "pipelines": ("kubeflow", "pipeline-runner"),
    "retraining": ("retraining", "retraining-workflow"),
    "dispatcher": ("retraining", "retraining-dispatcher"),
    "serving": ("serving", "model-server"),
    "alertmanager": ("monitoring", "alertmanager"),
    "mlflow": ("mlflow", "mlflow"),
}
DESK_SERVICE_ACCOUNT = "desk-runner"
# The Argo Events sensor submits retraining Workflows: Kubernetes RBAC only, no IAM role.
SENSOR_SERVICE_ACCOUNT = "retraining-sensor"
