"""What a check or a bootstrap step needs to know: the profile, where it came from and which target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trademl.model import AwsTarget, AzureTarget, GcpTarget, Profile, TargetName


@dataclass(frozen=True, slots=True)
class TargetContext:
    profile: Profile
    profile_path: Path
    target: TargetName

    @property
    def spec(self) -> AwsTarget | AzureTarget | GcpTarget:
        spec = self.profile.targets.get(self.target)
        assert spec is not None, self.target
        return spec

    def scope(self, what: str) -> str:
        return f"{self.target.value}/{what}"

    @property
    def bootstrap_fix(self) -> str:
        return f"fix: run `trademl bootstrap --profile {self.profile_path} --target {self.target.value}`"

    def adopt_fix(self, field: str) -> str:
        return f"fix: create it or correct targets.{self.target.value}.adopt.{field} in {self.profile_path}"
