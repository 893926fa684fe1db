"""The resource providers the azure target uses. azurerm 5.x registers none by default: list them once."""

from __future__ import annotations

RESOURCE_PROVIDERS: tuple[str, ...] = (
    "Microsoft.AlertsManagement",
    "Microsoft.ContainerRegistry",
    "Microsoft.ContainerService",
    "Microsoft.Dashboard",
    "Microsoft.DataFactory",
    "Microsoft.EventHub",
    "Microsoft.Insights",
    "Microsoft.KeyVault",
    "Microsoft.KubernetesConfiguration",
    "Microsoft.Logic",
    "Microsoft.MachineLearningServices",
    "Microsoft.ManagedIdentity",
    "Microsoft.Monitor",
    "Microsoft.Network",
    "Microsoft.OperationalInsights",
    "Microsoft.OperationsManagement",
    "Microsoft.Purview",
    "Microsoft.SecurityInsights",
    "Microsoft.Storage",
)
