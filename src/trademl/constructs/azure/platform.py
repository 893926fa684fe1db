"""The platform layer of the azure target: every stage on top of the foundation, composed in one place."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.azure.aks import InferenceCluster, InferenceClusterProps
from trademl.constructs.azure.alerts import Alerting, AlertingProps
from trademl.constructs.azure.audit import AzureAuditArchive
from trademl.constructs.azure.diagnostics import send_diagnostics
from trademl.constructs.azure.foundation import AzureFoundation
from trademl.constructs.azure.governance import Governance, GovernanceProps
from trademl.constructs.azure.group import layer_group
from trademl.constructs.azure.metrics import ManagedPrometheus, ManagedPrometheusProps
from trademl.constructs.azure.observability import Observability, ObservabilityProps
from trademl.constructs.azure.privatelink import PrivateLinks, PrivateLinksProps
from trademl.constructs.azure.serving import OnlineEndpoint, OnlineEndpointProps
from trademl.constructs.azure.training import Training, TrainingProps
from trademl.constructs.azure.workspace import MlWorkspace, MlWorkspaceProps
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class AzurePlatformProps:
    ctx: BuildContext
    foundation: AzureFoundation
    audit: AzureAuditArchive


class AzurePlatform(Construct):
    def __init__(self, scope: Construct, id: str, props: AzurePlatformProps) -> None:
        super().__init__(scope, id)
        ctx, f = props.ctx, props.foundation
        self.audit = props.audit.storage
        self.group = group = layer_group(self, ctx, "platform")
        self.observability = obs = Observability(
            self, "Observability", ObservabilityProps(ctx=ctx, group=group)
        )
        self.ml = ml = MlWorkspace(
            self, "Ml", MlWorkspaceProps(ctx=ctx, group=group, foundation=f, observability=obs)
        )
        self.training = Training(self, "Training", TrainingProps(ctx=ctx, group=group, foundation=f, ml=ml))
        self.cluster = InferenceCluster(
            self,
            "Inference",
            InferenceClusterProps(ctx=ctx, group=group, foundation=f, observability=obs, ml=ml),
        )
        self.endpoint = OnlineEndpoint(
            self,
            "Serving",
            OnlineEndpointProps(
                ctx=ctx,
                ml=ml,
                compute_id=self.cluster.compute.id,
                name=ctx.name("trading", max_len=32),
                location=group.location,
            ),
        )
        if ctx.profile.monitoring.metrics == "prometheus":
            self.prometheus: ManagedPrometheus | None = ManagedPrometheus(
                self, "Prometheus", ManagedPrometheusProps(ctx=ctx, group=group, cluster=self.cluster.cluster)
            )
        else:
            self.prometheus = None
        self.alerting = Alerting(
            self,
            "Alerting",
            AlertingProps(ctx=ctx, group=group, observability=obs, ml=ml, retrain_job=self.training.job),
        )
        self.governance = Governance(
            self,
            "Governance",
            GovernanceProps(
                ctx=ctx, group=group, observability=obs, audit=props.audit.storage, network=f.network
            ),
        )
        self.links = self._private_links()
        self._diagnostics()

    def _private_links(self) -> PrivateLinks:
        """Private endpoints of this layer's PaaS services (the foundation links its vault and storage)."""
        ctx = self.ml.props.ctx
        links = PrivateLinks(
            self,
            "PrivateLinks",
            PrivateLinksProps(ctx=ctx, group=self.group, network=self.ml.props.foundation.network),
        )
        links.connect("mlw", self.ml.workspace_id, "amlworkspace")
        if not ctx.profile.azure().adopt.registry:
            links.connect("acr", self.ml.registry_id, "registry")
        links.connect("adf", self.training.factory.id, "dataFactory")
        if self.training.stream is not None:
            links.connect("evhns", self.training.stream.id, "namespace")
        links.connect("purview", self.governance.purview.id, "account")
        if self.prometheus is not None:
            links.connect("grafana", self.prometheus.grafana.id, "grafana")
        return links

    def _diagnostics(self) -> None:
        """Every resource with diagnostic settings sends them to Log Analytics (foundation's included)."""
        f, law = self.ml.props.foundation, self.observability.workspace.id
        targets: dict[str, str] = {
            "mlw": self.ml.workspace_id,
            "aks": self.cluster.cluster.id,
            "adf": self.training.factory.id,
            "purview": self.governance.purview.id,
            "retrain": self.alerting.retrain.id,
            "artifacts-blob": f"{f.artifacts.account_id}/blobServices/default",
            "lake-blob": f"{f.lake.account_id}/blobServices/default",
        }
        audit = self.audit
        if not audit.adopted:
            targets["audit-blob"] = f"{audit.account_id}/blobServices/default"
        if f.vault is not None:
            targets["vault"] = f.vault.vault_id
        if not self.ml.props.ctx.profile.azure().adopt.registry:
            targets["acr"] = self.ml.registry_id
        if self.training.stream is not None:
            targets["evhns"] = self.training.stream.id
        if self.alerting.slack_relay is not None:
            targets["slack-relay"] = self.alerting.slack_relay.id
        if self.prometheus is not None:
            targets["grafana"] = self.prometheus.grafana.id
        for name, target in targets.items():
            send_diagnostics(self, name, target, law)
        for name in ("artifacts", "lake"):
            send_diagnostics(self, f"{name}-account", f"{getattr(f, name).account_id}", law, logs=False)
