"""Where an ECS construct lives: the primary region (provider default) or the failover region, chosen per
resource with the aws 6.x `region` argument so one stack can hold both."""

from __future__ import annotations

from dataclasses import dataclass

from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class Placement:
    ctx: BuildContext
    secondary: bool = False

    @property
    def region_name(self) -> str:
        """The region's name, for strings (log configuration, ARNs, endpoint service names)."""
        spec = self.ctx.profile.aws(self.ctx.target)
        if self.secondary:
            assert spec.secondary_region is not None, "failover needs targets.<t>.secondary_region"
            return spec.secondary_region
        return spec.region

    @property
    def region(self) -> str | None:
        """The `region=` argument: None (the provider's region) in the primary, the name in the secondary."""
        return self.region_name if self.secondary else None

    @property
    def cidr(self) -> str:
        return str(self.ctx.profile.aws(self.ctx.target).network.region_cidr(self.secondary))

    @property
    def account_id(self) -> str:
        return self.ctx.profile.aws(self.ctx.target).account_id

    def suffix(self, name: str) -> str:
        """A name made unique per region where the resource type is global (IAM roles)."""
        return f"{name}-dr" if self.secondary else name
