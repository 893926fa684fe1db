"""Trading desks: tenants of the platform, each with its own namespace, stores, pipelines and endpoints."""

from __future__ import annotations

from pydantic import Field

from trademl.model.base import DnsName, Strict
from trademl.model.gpu import GpuClass
from trademl.model.stages import Schedule


class DeskSpec(Strict):
    """One desk. Fields left out inherit the platform's stage settings."""

    name: DnsName
    description: str = Field(default="", max_length=200)
    gpu: GpuClass | None = Field(default=None, description="Training GPU class. Default: training.gpu.")
    schedules: tuple[Schedule, ...] | None = Field(
        default=None, description="Retraining schedules. Default: training.schedules."
    )
    serving_min_replicas: int | None = Field(default=None, ge=1, le=100)
    extension: str | None = Field(
        default=None,
        pattern=r"^[\w./-]+\.py$",
        description="A Python file, relative to the profile, defining desk subclasses named AwsDesk, "
        "AzureDesk or GcpDesk (see constructs/desks/).",
    )
