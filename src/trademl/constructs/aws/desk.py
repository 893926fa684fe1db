"""A trading desk on AWS: its own store (and, as the target grows, its namespace, roles and pipelines)."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.aws.bucket import BucketRef, SecureBucket, SecureBucketProps, Tiering
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext
from trademl.model import DeskSpec


@dataclass(frozen=True, kw_only=True, slots=True)
class AwsDeskProps:
    ctx: BuildContext
    desk: DeskSpec
    key: KeyRef
    access_logs: BucketRef


class AwsDesk(Construct):
    """Subclass this in constructs/desks/ and override a `_create_*` hook to change one thing."""

    def __init__(self, scope: Construct, id: str, props: AwsDeskProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.store = self._create_store()

    def _store_props(self) -> SecureBucketProps:
        """Extension point: how the desk's store is configured (return a `dataclasses.replace` of this)."""
        ctx, desk = self.props.ctx, self.props.desk
        account = ctx.profile.aws(ctx.target).account_id
        return SecureBucketProps(
            ctx=ctx,
            name=ctx.name("desk", desk.name, account),
            key=self.props.key,
            access_logs=self.props.access_logs,
            tiering=Tiering.INTELLIGENT,
        )

    def _create_store(self) -> SecureBucket:
        """Extension point: the desk's private store for features, models and results."""
        return SecureBucket(self, "Store", self._store_props())
