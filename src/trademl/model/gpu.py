"""GPU classes in cloud-neutral terms and the machine each cloud offers for them.

One table, so a class that a cloud cannot supply fails at validation instead of at apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from trademl.model.regions import Cloud


class GpuClass(StrEnum):
    NONE = "none"
    T4 = "t4"
    L4 = "l4"
    A10 = "a10"
    A100 = "a100"
    H100 = "h100"


@dataclass(frozen=True, slots=True)
class GpuMachine:
    """Instance type (AWS), VM size (Azure) or machine type + accelerator (GCP) for one GPU class."""

    machine: str
    accelerator: str | None = None
    count: int = 1


# Several instance types per class on AWS: Spot fallback works only with a diversified pool.
_AWS: dict[GpuClass, tuple[str, ...]] = {
    GpuClass.T4: ("g4dn.xlarge", "g4dn.2xlarge", "g4dn.4xlarge", "g4dn.8xlarge", "g4dn.12xlarge"),
    GpuClass.L4: ("g6.xlarge", "g6.2xlarge", "g6.4xlarge", "g6.8xlarge", "g6.12xlarge"),
    GpuClass.A10: ("g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.12xlarge"),
    GpuClass.A100: ("p4d.24xlarge", "p4de.24xlarge"),
    GpuClass.H100: ("p5.48xlarge", "p5e.48xlarge"),
}
_AZURE: dict[GpuClass, str] = {
    GpuClass.T4: "Standard_NC4as_T4_v3",
    GpuClass.A10: "Standard_NV36ads_A10_v5",
    GpuClass.A100: "Standard_NC24ads_A100_v4",
    GpuClass.H100: "Standard_NC40ads_H100_v5",
}
_GCP: dict[GpuClass, GpuMachine] = {
    GpuClass.T4: GpuMachine("n1-standard-8", "nvidia-tesla-t4"),
    GpuClass.L4: GpuMachine("g2-standard-8", "nvidia-l4"),
    GpuClass.A100: GpuMachine("a2-highgpu-1g", "nvidia-tesla-a100"),
    GpuClass.H100: GpuMachine("a3-highgpu-8g", "nvidia-h100-80gb", 8),
}
_CPU = {Cloud.AWS: "m6i.xlarge", Cloud.AZURE: "Standard_D4s_v5", Cloud.GCP: "n2-standard-4"}


def available(cloud: Cloud, gpu: GpuClass) -> bool:
    if gpu is GpuClass.NONE:
        return True
    table: dict[Cloud, object] = {Cloud.AWS: _AWS, Cloud.AZURE: _AZURE, Cloud.GCP: _GCP}
    return gpu in table[cloud]  # type: ignore[operator]


def aws_instance_types(gpu: GpuClass) -> tuple[str, ...]:
    return _AWS[gpu] if gpu is not GpuClass.NONE else (_CPU[Cloud.AWS], "m6a.xlarge", "m7i.xlarge")


def azure_vm_size(gpu: GpuClass) -> str:
    return _AZURE[gpu] if gpu is not GpuClass.NONE else _CPU[Cloud.AZURE]


def gcp_machine(gpu: GpuClass) -> GpuMachine:
    return _GCP[gpu] if gpu is not GpuClass.NONE else GpuMachine(_CPU[Cloud.GCP])


def offered_by(cloud: Cloud) -> list[str]:
    return [g.value for g in GpuClass if available(cloud, g)]
