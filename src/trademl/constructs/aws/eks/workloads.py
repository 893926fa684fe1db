"""Everything that runs inside the EKS cluster, applied by the workloads layer after the platform layer
made the cluster: namespaces with Pod Security labels, default-deny NetworkPolicies, pinned Helm charts
(values rendered deterministically from typed dicts), Argo CD Applications for kustomize-only Kubeflow,
and the platform's own objects (InferenceServices, TargetGroupBinding, WorkflowTemplate, CronJobs, the
operations web app) through one local chart applied after the charts that define their CRDs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from cdktn import AssetType, ITerraformDependable, TerraformAsset
from cdktn_provider_helm.release import Release
from cdktn_provider_kubernetes.namespace_v1 import NamespaceV1
from cdktn_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
from constructs import Construct

from trademl.constructs.aws.eks.namespaces import (
    DESK_SERVICE_ACCOUNT,
    SENSOR_SERVICE_ACCOUNT,
    SERVICE_ACCOUNTS,
    NamespaceSpec,
    desk_namespace,
    platform_namespaces,
)
from trademl.constructs.aws.eks.nodes import GPU_LABEL
from trademl.constructs.aws.identity import role_arn
from trademl.constructs.context import BuildContext
from trademl.constructs.k8s.tenancy import TenantNamespace, TenantNamespaceProps, desk_quota
from trademl.model import DeskSpec

OBJECTS_CHART = Path(__file__).parent / "charts" / "objects"


@dataclass(frozen=True, slots=True)
class Chart:
    repository: str
    chart: str
    version: str


# Pinned charts (versions checked in REFERENCES.md; cert-manager is KServe's webhook prerequisite).
CHARTS = {
    "aws-load-balancer-controller": Chart(
        "https://aws.github.io/eks-charts", "aws-load-balancer-controller", "3.5.0"
    ),
    "aws-for-fluent-bit": Chart("https://aws.github.io/eks-charts", "aws-for-fluent-bit", "0.2.0"),
    "nvidia-device-plugin": Chart(
        "https://nvidia.github.io/k8s-device-plugin", "nvidia-device-plugin", "0.20.0"
    ),
    "kube-prometheus-stack": Chart(
        "https://prometheus-community.github.io/helm-charts", "kube-prometheus-stack", "88.5.3"
    ),
    "jupyterhub": Chart("https://hub.jupyter.org/helm-chart/", "jupyterhub", "4.4.0"),
    "argo-cd": Chart("https://argoproj.github.io/argo-helm", "argo-cd", "10.1.1"),
    "argocd-apps": Chart("https://argoproj.github.io/argo-helm", "argocd-apps", "2.0.7"),
    "argo-rollouts": Chart("https://argoproj.github.io/argo-helm", "argo-rollouts", "2.41.0"),
    "argo-workflows": Chart("https://argoproj.github.io/argo-helm", "argo-workflows", "1.0.18"),
    "cert-manager": Chart("https://charts.jetstack.io", "cert-manager", "v1.19.1"),
    "cluster-autoscaler": Chart("https://kubernetes.github.io/autoscaler", "cluster-autoscaler", "9.46.6"),
    "argo-events": Chart("https://argoproj.github.io/argo-helm", "argo-events", "2.4.9"),
    "kserve-crd": Chart("oci://ghcr.io/kserve/charts", "kserve-crd", "v0.20.0"),
    "kserve-resources": Chart("oci://ghcr.io/kserve/charts", "kserve-resources", "v0.20.0"),
}
KFP_RELEASE = "2.5.0"  # Kubeflow Pipelines standalone manifests (kustomize; no Helm chart exists)
KATIB_RELEASE = "v0.18.0"
RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESTRICTED_POD = {
    "runAsNonRoot": True,
    "runAsUser": 1000,
    "runAsGroup": 1000,
    "fsGroup": 1000,
    "seccompProfile": {"type": "RuntimeDefault"},
}
GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}


def render(values: Mapping[str, object]) -> str:
    """Helm values as YAML with sorted keys: the same profile always yields the same bytes."""
    return yaml.safe_dump(json.loads(json.dumps(values)), sort_keys=True, default_flow_style=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class ClusterInputs:
    """What the workloads need from earlier layers (cross-stack references or derived names)."""

    cluster_name: str
    vpc_id: str
    models_bucket: str
    data_bucket: str
    target_group_arn: str
    log_groups: Mapping[str, str]
    """Pre-created, encrypted log groups by purpose: application, dataplane."""
    images: Mapping[str, str]
    """ECR repository URLs by name (runtime, training, ops-ui)."""
    retraining_queue_url: str
    alerts_topic_arn: str
    retraining_queue_name: str | None = None
    """Consumed by the Argo Events SQS event source, which submits a `retrain` Workflow per message.
    Default: None, no in-cluster consumer."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ClusterWorkloadsProps:
    ctx: BuildContext
    inputs: ClusterInputs
    desks: Sequence[DeskSpec] = field(default_factory=tuple)


class ClusterWorkloads(Construct):
    def __init__(self, scope: Construct, id: str, props: ClusterWorkloadsProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.region = ctx.profile.aws(ctx.target).region
        self.namespaces: dict[str, NamespaceV1] = {}
        for spec in platform_namespaces(ctx.profile):
            self.namespaces[spec.name] = self._create_namespace(spec)
        for desk in props.desks:
            self._desk(desk)
        self.releases: dict[str, Release] = {}
        self._charts()
        self._applications()
        self.objects = self._objects()

    # --- namespaces -------------------------------------------------------------------------------------
    def _create_namespace(self, spec: NamespaceSpec) -> NamespaceV1:
        """Extension point: one platform namespace, its Pod Security Standards level enforced."""
        tenant = TenantNamespace(
            self,
            f"Namespace-{spec.name}",
            TenantNamespaceProps(
                name=spec.name, pod_security=spec.pss, exemption_reason=spec.reason, isolated=False
            ),
        )
        return tenant.namespace

    def _desk(self, desk: DeskSpec) -> None:
        """Extension point: a desk's namespace, quota, default-deny policies and IRSA service account."""
        ctx, name = self.props.ctx, desk_namespace(desk.name)
        tenant = TenantNamespace(
            self,
            f"Tenant-{name}",
            TenantNamespaceProps(
                name=name,
                pod_security=ctx.profile.security.pod_security,
                allow_from=("serving",),
                quota=desk_quota(ctx.profile, desk),
            ),
        )
        ns = tenant.namespace
        self.namespaces[name] = ns
        ServiceAccountV1(
            self,
            f"ServiceAccount-{name}",
            depends_on=[ns],
            metadata=ServiceAccountV1Metadata(
                name=DESK_SERVICE_ACCOUNT,
                namespace=name,
                annotations={"eks.amazonaws.com/role-arn": role_arn(ctx, desk_role_name(ctx, desk.name))},
            ),
        )

    # --- charts -----------------------------------------------------------------------------------------
    def _release(
        self,
        key: str,
        namespace: str,
        values: Mapping[str, object],
        depends_on: Sequence[ITerraformDependable] = (),
        name: str | None = None,
    ) -> Release:
        chart = CHARTS[key]
        ns = self.namespaces.get(namespace)
        deps: list[ITerraformDependable] = [*([ns] if ns is not None else []), *depends_on]
        release = Release(
            self,
            f"Helm-{key}",
            name=name or key,
            namespace=namespace,
            repository=chart.repository,
            chart=chart.chart,
            version=chart.version,
            values=[render(values)],
            atomic=True,
            cleanup_on_fail=True,
            wait=True,
            timeout=900,
            depends_on=deps,
        )
        self.releases[key] = release
        return release

    def _irsa(self, purpose: str) -> dict[str, object]:
        return {
            "eks.amazonaws.com/role-arn": role_arn(
                self.props.ctx, platform_role_name(self.props.ctx, purpose)
            )
        }

    def _charts(self) -> None:
        ctx, inputs = self.props.ctx, self.props.inputs
        profile = ctx.profile
        ns, sa = SERVICE_ACCOUNTS["lb-controller"]
        lbc = self._release(
            "aws-load-balancer-controller",
            ns,
            {
                "clusterName": inputs.cluster_name,
                "region": self.region,
                "vpcId": inputs.vpc_id,
                "replicaCount": 2,
                # Terraform owns the ALB; the controller only binds pods to its target group.
                "enableServiceMutatorWebhook": False,
                "createIngressClassResource": False,
                "serviceAccount": {"create": True, "name": sa, "annotations": self._irsa("lb-controller")},
            },
        )
        self._release(
            "nvidia-device-plugin",
            "gpu-plugins",
            {"nodeSelector": {GPU_LABEL: "gpu-training"}, "tolerations": [GPU_TOLERATION]},
        )
        ns, sa = SERVICE_ACCOUNTS["fluent-bit"]
        self._release(
            "aws-for-fluent-bit",
            ns,
            {
                "cloudWatchLogs": {
                    "enabled": True,
                    "region": self.region,
                    "autoCreateGroup": False,
                    "logGroupName": inputs.log_groups["application"],
                    "logGroupTemplate": inputs.log_groups["application"],
                    "logStreamPrefix": "pod-",
                },
                "cloudWatch": {"enabled": False},
                "firehose": {"enabled": False},
                "kinesis": {"enabled": False},
                "elasticsearch": {"enabled": False},
                "tolerations": [{"operator": "Exists"}],
                "serviceAccount": {"create": True, "name": sa, "annotations": self._irsa("fluent-bit")},
            },
        )
        _, am_sa = SERVICE_ACCOUNTS["alertmanager"]
        self._release(
            "kube-prometheus-stack",
            "monitoring",
            {
                "grafana": {
                    "enabled": True,
                    "service": {"type": "ClusterIP"},
                    "admin": {
                        "existingSecret": "grafana-admin",
                        "userKey": "user",
                        "passwordKey": "password",
                    },
                },
                "prometheus": {"prometheusSpec": {"retention": "15d", "scrapeInterval": "30s"}},
                "alertmanager": {
                    "serviceAccount": {
                        "create": True,
                        "name": am_sa,
                        "annotations": self._irsa("alertmanager"),
                    },
                    "config": {
                        "route": {"receiver": "sns", "group_by": ["alertname", "namespace"]},
                        "receivers": [
                            {"name": "null"},
                            {
                                "name": "sns",
                                "sns_configs": [
                                    {"topic_arn": inputs.alerts_topic_arn, "sigv4": {"region": self.region}}
                                ],
                            },
                        ],
                    },
                },
            },
        )
        notebooks = profile.experiment.notebooks
        if notebooks.enabled:
            _, nb_sa = SERVICE_ACCOUNTS["notebooks"]
            self._release(
                "jupyterhub",
                "jupyterhub",
                {
                    # No dummy authenticator: users sign up and an admin approves them (NativeAuthenticator).
                    "hub": {
                        "config": {
                            "JupyterHub": {"authenticator_class": "nativeauthenticator.NativeAuthenticator"},
                            "NativeAuthenticator": {"open_signup": False},
                        },
                        "networkPolicy": {"enabled": True},
                        "containerSecurityContext": RESTRICTED_CONTAINER,
                    },
                    "proxy": {
                        "service": {"type": "ClusterIP"},
                        "chp": {
                            "networkPolicy": {"enabled": True},
                            "containerSecurityContext": RESTRICTED_CONTAINER,
                        },
                    },
                    "singleuser": {
                        "uid": 1000,
                        "fsGid": 100,
                        "allowPrivilegeEscalation": False,
                        "serviceAccountName": nb_sa,
                        "networkPolicy": {"enabled": True},
                        "extraPodConfig": {
                            "securityContext": {
                                "runAsNonRoot": True,
                                "seccompProfile": {"type": "RuntimeDefault"},
                            }
                        },
                    },
                    "prePuller": {"hook": {"enabled": False}, "continuous": {"enabled": False}},
                    "scheduling": {"userScheduler": {"enabled": False}},
                    "cull": {"enabled": True, "timeout": notebooks.idle_shutdown_minutes * 60},
                },
            )
        self._release(
            "argo-cd",
            "argocd",
            {
                "dex": {"enabled": False},
                "server": {"service": {"type": "ClusterIP"}},
                "configs": {"params": {"server.insecure": False}},
                "global": {"securityContext": RESTRICTED_POD},
            },
        )
        self._release("argo-rollouts", "argo-rollouts", {"dashboard": {"enabled": False}})
        _, wf_sa = SERVICE_ACCOUNTS["retraining"]
        self._release(
            "argo-workflows",
            "retraining",
            {
                # Separate from Kubeflow Pipelines' own Argo: own namespace and instance id, CRDs from the chart
                # (crds.full=false: the full-CRD job downloads from GitHub, which a private cluster cannot reach).
                "crds": {"install": True, "full": False},
                "singleNamespace": True,
                "controller": {
                    "instanceID": {"enabled": True, "explicitID": "trademl-retraining"},
                    "workflowNamespaces": ["retraining"],
                },
                "server": {"authModes": ["client"], "serviceType": "ClusterIP"},
                "workflow": {
                    "serviceAccount": {
                        "create": True,
                        "name": wf_sa,
                        "annotations": self._irsa("retraining"),
                    },
                    "rbac": {"create": True},
                },
                "artifactRepository": {
                    "s3": {
                        "bucket": inputs.models_bucket,
                        "endpoint": f"s3.{self.region}.amazonaws.com",
                        "region": self.region,
                        "useSDKCreds": True,
                        "keyFormat": "workflows/{{workflow.name}}/{{pod.name}}",
                        "encryptionOptions": {"enableEncryption": True},
                    }
                },
            },
        )
        ns, sa = SERVICE_ACCOUNTS["cluster-autoscaler"]
        self._release(
            "cluster-autoscaler",
            ns,
            {
                # Managed node groups tag their ASGs for discovery; GPU groups start at zero and the
                # autoscaler builds their node template from the group's labels and taint.
                "cloudProvider": "aws",
                "awsRegion": self.region,
                "autoDiscovery": {"clusterName": inputs.cluster_name},
                "extraArgs": {
                    "balance-similar-node-groups": True,
                    "expander": "priority,least-waste",
                    "skip-nodes-with-system-pods": False,
                    "scale-down-unneeded-time": "10m",
                },
                # Spot first, on-demand only when spot capacity cannot be had.
                "expanderPriorities": {10: [".*gpu-on-demand.*"], 50: [".*gpu-spot.*"]},
                "rbac": {
                    "serviceAccount": {
                        "create": True,
                        "name": sa,
                        "annotations": self._irsa("cluster-autoscaler"),
                    }
                },
                "securityContext": RESTRICTED_POD,
                "containerSecurityContext": RESTRICTED_CONTAINER,
            },
        )
        if inputs.retraining_queue_name is not None:
            self._release(
                "argo-events",
                "retraining",
                {
                    "crds": {"install": True},
                    "controller": {"rbac": {"namespaced": True, "managedNamespace": "retraining"}},
                    "webhook": {"enabled": False},
                },
            )
        cert = self._release(
            "cert-manager", "kserve", {"crds": {"enabled": True}}, depends_on=[lbc], name="cert-manager"
        )
        crd = self._release("kserve-crd", "kserve", {}, depends_on=[cert])
        self._release(
            "kserve-resources",
            "kserve",
            {
                "kserve": {
                    "controller": {
                        "deploymentMode": "Standard",
                        "gateway": {"ingressGateway": {"className": "none"}},
                    }
                }
            },
            depends_on=[crd],
        )

    def _applications(self) -> None:
        """GitOps bridge: Kubeflow Pipelines and Katib are kustomize-only, so Argo CD applies them."""

        def app(path: str, repo: str, revision: str, namespace: str) -> dict[str, object]:
            return {
                "namespace": "argocd",
                "project": "default",
                "source": {"repoURL": repo, "targetRevision": revision, "path": path},
                "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
                "syncPolicy": {
                    "automated": {"prune": True, "selfHeal": True},
                    "syncOptions": ["ServerSideApply=true"],
                },
            }

        kfp = "https://github.com/kubeflow/pipelines.git"
        apps = {
            "kfp-cluster-scoped": app(
                "manifests/kustomize/cluster-scoped-resources", kfp, KFP_RELEASE, "kubeflow"
            ),
            "kfp": app("manifests/kustomize/env/platform-agnostic", kfp, KFP_RELEASE, "kubeflow"),
            "katib": app(
                "manifests/v1beta1/installs/katib-standalone",
                "https://github.com/kubeflow/katib.git",
                KATIB_RELEASE,
                "kubeflow",
            ),
        }
        if self.props.ctx.profile.experiment.registry == "mlflow":
            apps["mlflow"] = {
                **app("", "https://community-charts.github.io/helm-charts", "1.8.1", "mlflow"),
                "source": {
                    "repoURL": "https://community-charts.github.io/helm-charts",
                    "chart": "mlflow",
                    "targetRevision": "1.8.1",
                },
            }
        self._release("argocd-apps", "argocd", {"applications": apps}, depends_on=[self.releases["argo-cd"]])

    # --- the platform's own objects ---------------------------------------------------------------------
    def _objects(self) -> Release:
        """Extension point: CRs and workloads, applied after every chart that defines their kinds."""
        objects: dict[str, dict[str, object]] = {}
        objects["targetgroupbinding-serving"] = self._target_group_binding()
        objects["workflowtemplate-retrain"] = self._workflow_template()
        objects.update(self._ops_ui())
        if self.props.inputs.retraining_queue_name is not None:
            objects.update(self._retraining_consumer(self.props.inputs.retraining_queue_name))
        objects["inferenceservice-serving-platform"] = self._inference_service(
            "platform", "serving", "model-server"
        )
        for desk in self.props.desks:
            ns = desk_namespace(desk.name)
            objects[f"inferenceservice-{ns}"] = self._inference_service(
                desk.name, ns, DESK_SERVICE_ACCOUNT, desk.serving_min_replicas
            )
            for schedule in desk.schedules or self.props.ctx.profile.training.schedules:
                objects[f"cronjob-{ns}-{schedule.name}"] = self._cron_job(desk, schedule.name, schedule.cron)
        asset = TerraformAsset(self, "ObjectsChart", path=str(OBJECTS_CHART), type=AssetType.DIRECTORY)
        deps: list[ITerraformDependable] = [*self.releases.values(), *self.namespaces.values()]
        return Release(
            self,
            "Helm-objects",
            name="trademl-objects",
            namespace="serving",
            chart=asset.path,
            values=[render({"objects": objects})],
            atomic=True,
            wait=True,
            timeout=600,
            depends_on=deps,
        )

    def _target_group_binding(self) -> dict[str, object]:
        return {
            "apiVersion": "elbv2.k8s.aws/v1beta1",
            "kind": "TargetGroupBinding",
            "metadata": {"name": "serving", "namespace": "serving"},
            "spec": {
                "targetGroupARN": self.props.inputs.target_group_arn,
                "targetType": "ip",
                "serviceRef": {"name": "platform-predictor", "port": 80},
            },
        }

    def _inference_service(
        self, name: str, namespace: str, service_account: str, min_replicas: int | None = None
    ) -> dict[str, object]:
        serving = self.props.ctx.profile.serving
        predictor: dict[str, object] = {
            "serviceAccountName": service_account,
            "minReplicas": min_replicas or serving.min_replicas,
            "maxReplicas": serving.max_replicas,
            "scaleMetric": "cpu",
            "scaleTarget": serving.target_utilization,
            "securityContext": RESTRICTED_POD,
            "containers": [
                {
                    "name": "kserve-container",
                    "image": self.props.inputs.images["runtime"],
                    "ports": [{"containerPort": serving.port, "protocol": "TCP"}],
                    "env": [
                        {
                            "name": "MODEL_URI",
                            "value": f"s3://{self.props.inputs.models_bucket}/serving/{name}/",
                        }
                    ],
                    "readinessProbe": {"httpGet": {"path": serving.health_path, "port": serving.port}},
                    "securityContext": RESTRICTED_CONTAINER,
                }
            ],
        }
        if serving.strategy == "canary":
            # A new revision takes canary_percent of traffic until promoted.
            predictor["canaryTrafficPercent"] = serving.canary_percent
        return {
            "apiVersion": "serving.kserve.io/v1beta1",
            "kind": "InferenceService",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "annotations": {"serving.kserve.io/deploymentMode": "Standard"},
            },
            "spec": {"predictor": predictor},
        }

    def _workflow_template(self) -> dict[str, object]:
        training = self.props.ctx.profile.training
        return {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "WorkflowTemplate",
            "metadata": {
                "name": "retrain",
                "namespace": "retraining",
                "labels": {"workflows.argoproj.io/controller-instanceid": "trademl-retraining"},
            },
            "spec": {
                "entrypoint": "retrain",
                "serviceAccountName": SERVICE_ACCOUNTS["retraining"][1],
                "activeDeadlineSeconds": training.max_runtime_hours * 3600,
                "securityContext": RESTRICTED_POD,
                "arguments": {
                    "parameters": [
                        {"name": "desk", "value": "platform"},
                        {"name": "trigger", "value": "manual"},
                    ]
                },
                "templates": [
                    {
                        "name": "retrain",
                        "retryStrategy": {"limit": training.retries, "retryPolicy": "Always"},
                        "nodeSelector": {GPU_LABEL: "gpu-training"},
                        "tolerations": [GPU_TOLERATION],
                        "container": {
                            "image": self.props.inputs.images["training"],
                            "args": [
                                "retrain",
                                "--desk",
                                "{{workflow.parameters.desk}}",
                                "--trigger",
                                "{{workflow.parameters.trigger}}",
                                "--checkpoint-dir",
                                f"s3://{self.props.inputs.models_bucket}/checkpoints/",
                            ],
                            "resources": {"limits": {"nvidia.com/gpu": 1}},
                            "securityContext": RESTRICTED_CONTAINER,
                        },
                    }
                ],
            },
        }

    def _retraining_consumer(self, queue: str) -> dict[str, dict[str, object]]:
        """Argo Events: an SQS event source (the dispatcher's IRSA role may only receive and delete from
        the retraining queue) and a sensor that submits the `retrain` WorkflowTemplate per message, the
        message's desk and trigger as parameters. The event bus is JetStream, sized for three replicas."""
        ns, (_, dispatcher) = "retraining", SERVICE_ACCOUNTS["dispatcher"]
        meta = {"name": "retraining", "namespace": ns}
        pod: dict[str, object] = {"securityContext": RESTRICTED_POD}
        hardened: dict[str, object] = {"securityContext": RESTRICTED_CONTAINER}
        sensor_pod: dict[str, object] = {
            "serviceAccountName": SENSOR_SERVICE_ACCOUNT,
            **pod,
            "container": hardened,
        }
        source_pod: dict[str, object] = {"serviceAccountName": dispatcher, **pod, "container": hardened}
        workflow = {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": {
                "generateName": "retrain-",
                "namespace": ns,
                "labels": {"workflows.argoproj.io/controller-instanceid": "trademl-retraining"},
            },
            "spec": {
                "workflowTemplateRef": {"name": "retrain"},
                "arguments": {
                    "parameters": [
                        {"name": "desk", "value": "platform"},
                        {"name": "trigger", "value": "queue"},
                    ]
                },
            },
        }

        def from_body(key: str, default: str, index: int) -> dict[str, object]:
            return {
                "src": {"dependencyName": "request", "dataKey": f"body.{key}", "value": default},
                "dest": f"spec.arguments.parameters.{index}.value",
            }

        return {
            "eventbus-retraining": {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "EventBus",
                "metadata": {"name": "default", "namespace": ns},
                # "latest" resolves through the pinned argo-events chart's own version map.
                "spec": {
                    "jetstream": {
                        "version": "latest",
                        "replicas": 3,
                        **pod,
                        "containerTemplate": hardened,
                        "reloaderContainerTemplate": hardened,
                        "metricsContainerTemplate": hardened,
                    }
                },
            },
            "eventsource-retraining": {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "EventSource",
                "metadata": meta,
                "spec": {
                    "template": source_pod,
                    "sqs": {
                        "requests": {
                            "region": self.region,
                            "queue": queue,
                            "waitTimeSeconds": 20,
                            "jsonBody": True,
                        }
                    },
                },
            },
            "serviceaccount-retraining-sensor": {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {"name": SENSOR_SERVICE_ACCOUNT, "namespace": ns},
            },
            "role-retraining-sensor": {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": {"name": SENSOR_SERVICE_ACCOUNT, "namespace": ns},
                "rules": [
                    {"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["create", "get"]},
                    {"apiGroups": ["argoproj.io"], "resources": ["workflowtemplates"], "verbs": ["get"]},
                ],
            },
            "rolebinding-retraining-sensor": {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": {"name": SENSOR_SERVICE_ACCOUNT, "namespace": ns},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "Role",
                    "name": SENSOR_SERVICE_ACCOUNT,
                },
                "subjects": [{"kind": "ServiceAccount", "name": SENSOR_SERVICE_ACCOUNT, "namespace": ns}],
            },
            "sensor-retraining": {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Sensor",
                "metadata": meta,
                "spec": {
                    "template": sensor_pod,
                    "dependencies": [
                        {"name": "request", "eventSourceName": "retraining", "eventName": "requests"}
                    ],
                    "triggers": [
                        {
                            "template": {
                                "name": "retrain",
                                "argoWorkflow": {
                                    "operation": "submit",
                                    "source": {"resource": workflow},
                                    "parameters": [
                                        from_body("desk", "platform", 0),
                                        from_body("trigger", "queue", 1),
                                    ],
                                },
                            },
                            "retryStrategy": {"steps": 3},
                        }
                    ],
                },
            },
        }

    def _cron_job(self, desk: DeskSpec, schedule: str, cron: str) -> dict[str, object]:
        ns = desk_namespace(desk.name)
        container = {
            "name": "retrain",
            "image": self.props.inputs.images["training"],
            "args": ["retrain", "--desk", desk.name, "--trigger", f"schedule:{schedule}"],
            "resources": {"limits": {"nvidia.com/gpu": 1}},
            "securityContext": RESTRICTED_CONTAINER,
        }
        return {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": f"retrain-{schedule}", "namespace": ns},
            "spec": {
                "schedule": cron,
                "timeZone": "Etc/UTC",
                "concurrencyPolicy": "Forbid",
                "jobTemplate": {
                    "spec": {
                        "backoffLimit": self.props.ctx.profile.training.retries,
                        "activeDeadlineSeconds": self.props.ctx.profile.training.max_runtime_hours * 3600,
                        "template": {
                            "spec": {
                                "restartPolicy": "OnFailure",
                                "serviceAccountName": DESK_SERVICE_ACCOUNT,
                                "securityContext": RESTRICTED_POD,
                                "nodeSelector": {GPU_LABEL: "gpu-training"},
                                "tolerations": [GPU_TOLERATION],
                                "containers": [container],
                            }
                        },
                    }
                },
            },
        }

    def _ops_ui(self) -> dict[str, dict[str, object]]:
        serving = self.props.ctx.profile.serving
        labels = {"app.kubernetes.io/name": "ops-ui"}
        return {
            "deployment-ops-ui": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "ops-ui", "namespace": "ops-ui"},
                "spec": {
                    "replicas": 2,
                    "selector": {"matchLabels": labels},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            "automountServiceAccountToken": False,
                            "securityContext": RESTRICTED_POD,
                            "topologySpreadConstraints": [
                                {
                                    "maxSkew": 1,
                                    "topologyKey": "topology.kubernetes.io/zone",
                                    "whenUnsatisfiable": "ScheduleAnyway",
                                    "labelSelector": {"matchLabels": labels},
                                }
                            ],
                            "containers": [
                                {
                                    "name": "ops-ui",
                                    "image": serving.ops_ui_image,
                                    "ports": [{"containerPort": 8080}],
                                    "readinessProbe": {
                                        "httpGet": {"path": serving.health_path, "port": 8080}
                                    },
                                    "resources": {
                                        "requests": {"cpu": "250m", "memory": "256Mi"},
                                        "limits": {"memory": "512Mi"},
                                    },
                                    "securityContext": RESTRICTED_CONTAINER,
                                }
                            ],
                        },
                    },
                },
            },
            "service-ops-ui": {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "ops-ui", "namespace": "ops-ui"},
                "spec": {
                    "type": "ClusterIP",
                    "selector": labels,
                    "ports": [{"port": 80, "targetPort": 8080}],
                },
            },
        }


def platform_role_name(ctx: BuildContext, purpose: str) -> str:
    return ctx.name("irsa", purpose)


def desk_role_name(ctx: BuildContext, desk: str) -> str:
    return ctx.name("irsa-desk", desk)
