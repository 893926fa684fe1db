"""A target turns a profile into layer stacks. Subclasses add the constructs of each layer."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from pathlib import Path
from typing import ClassVar, TypeVar

from cdktn import App, TerraformStack
from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model import DeskSpec, Layer, Profile, StackPlan, TargetName
from trademl.targets.backends import configure_backend
from trademl.targets.extensions import load_desk_class
from trademl.targets.registry import stacks_for

DeskT = TypeVar("DeskT")


class LayerStack(TerraformStack):
    """One layer of one target of one profile, with the state backend the profile names."""

    def __init__(self, scope: Construct, plan: StackPlan, profile: Profile) -> None:
        super().__init__(scope, plan.name)
        self.plan = plan
        self.profile = profile
        configure_backend(self, profile, plan)


class TargetBuilder(ABC):
    """Builds every stack of one target. Later layers read earlier ones through attributes set here,
    which cdktn turns into cross-stack references (outputs + remote state)."""

    target: ClassVar[TargetName]

    def __init__(self, app: App, profile: Profile, profile_path: Path) -> None:
        self.app = app
        self.profile = profile
        self.profile_path = profile_path
        self.ctx = BuildContext(profile=profile, target=self.target)
        self.stacks: dict[str, LayerStack] = {}

    def build(self, only: Collection[str] | None = None) -> list[LayerStack]:
        """Build every stack, or only those named in `only` (an incremental synth passes the stacks
        to re-synthesize and the stacks they read from)."""
        for plan in stacks_for(self.profile, self.target):
            if only is not None and plan.name not in only:
                continue
            stack = LayerStack(self.app, plan, self.profile)
            self.configure_providers(stack)
            self.stacks[plan.layer_name] = stack
            if plan.desk is not None:
                self.build_desk(stack, self.profile.desk(plan.desk))
            else:
                self._layer_builders()[plan.layer](stack)
        return list(self.stacks.values())

    def _layer_builders(self) -> dict[Layer, Callable[[LayerStack], None]]:
        return {
            Layer.FOUNDATION: self.build_foundation,
            Layer.AUDIT: self.build_audit,
            Layer.PLATFORM: self.build_platform,
            Layer.WORKLOADS: self.build_workloads,
            Layer.FAILOVER: self.build_failover,
            Layer.CICD: self.build_cicd,
        }

    def desk_class(self, desk: DeskSpec, stock: type[DeskT]) -> type[DeskT]:
        """The platform team's subclass named like `stock` (AwsDesk, AzureDesk, GcpDesk) from the desk's
        extension file, or `stock` when the desk names none or the file leaves that cloud out."""
        if not desk.extension:
            return stock
        return load_desk_class(self.profile_path, desk.extension, stock.__name__, stock)

    @abstractmethod
    def configure_providers(self, stack: LayerStack) -> None: ...

    @abstractmethod
    def build_foundation(self, stack: LayerStack) -> None: ...

    @abstractmethod
    def build_audit(self, stack: LayerStack) -> None: ...

    @abstractmethod
    def build_desk(self, stack: LayerStack, desk: DeskSpec) -> None: ...

    def build_platform(self, stack: LayerStack) -> None:
        raise NotImplementedError(f"{self.target.value}: platform layer")

    def build_workloads(self, stack: LayerStack) -> None:
        raise NotImplementedError(f"{self.target.value}: workloads layer")

    def build_failover(self, stack: LayerStack) -> None:
        raise NotImplementedError(f"{self.target.value}: failover layer")

    def build_cicd(self, stack: LayerStack) -> None:
        raise NotImplementedError(f"{self.target.value}: cicd layer")
