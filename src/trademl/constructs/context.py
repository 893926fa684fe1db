"""What every construct needs from the model, decided once: names, tags and protection policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktn import TerraformResourceLifecycle

from trademl.model import Profile, TargetName
from trademl.model.naming import dns_name


@dataclass(frozen=True, kw_only=True, slots=True)
class BuildContext:
    """The profile and target a construct is built for. Shared by every construct of a target."""

    profile: Profile
    target: TargetName

    @property
    def prefix(self) -> str:
        return self.profile.prefix

    @property
    def tags(self) -> dict[str, str]:
        return self.profile.all_tags(self.target)

    def name(self, *parts: str, max_len: int = 63) -> str:
        return dns_name(self.prefix, *parts, max_len=max_len)

    @property
    def force_destroy(self) -> bool:
        """Dev stays easy to tear down; staging and prod never empty a store on destroy."""
        return self.profile.environment == "dev"

    def stateful(self) -> dict[str, Any]:
        """Keyword arguments that keep a stateful resource alive through a stray destroy in prod."""
        if not self.profile.protect_stateful:
            return {}
        return {"lifecycle": TerraformResourceLifecycle(prevent_destroy=True)}
