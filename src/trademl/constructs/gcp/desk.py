"""A trading desk on Google Cloud: its own store (and, as the target grows, identity, data and pipelines)."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.context import BuildContext
from trademl.model import DeskSpec

from .bucket import BucketRef, SecureBucket, SecureBucketProps, Tiering
from .kms import KeyRef


@dataclass(frozen=True, kw_only=True, slots=True)
class GcpDeskProps:
    ctx: BuildContext
    desk: DeskSpec
    keys: dict[str, KeyRef]
    """The foundation's keys by purpose (cross-stack references)."""
    access_logs: BucketRef


class GcpDesk(Construct):
    """Subclass this in constructs/desks/ (as `GcpDesk`) and override a `_create_*` hook to change one thing."""

    def __init__(self, scope: Construct, id: str, props: GcpDeskProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.store = self._create_store()

    def _create_store(self) -> SecureBucket:
        """Extension point: the desk's private store for features, models and results."""
        ctx, desk = self.props.ctx, self.props.desk
        spec = ctx.profile.gcp()
        return SecureBucket(
            self,
            "Store",
            SecureBucketProps(
                ctx=ctx,
                name=ctx.name("desk", desk.name, spec.project_id),
                location=spec.region,
                key=self.props.keys["storage"],
                access_logs=self.props.access_logs,
                tiering=Tiering.AUTOCLASS,
            ),
        )
