"""What both AWS flavours share: provider, foundation, audit and desk layers."""

from __future__ import annotations

from cdktn_provider_aws.provider import AwsProvider

from trademl.constructs.aws.audit import AuditArchive, AuditArchiveProps
from trademl.constructs.aws.desk import AwsDesk, AwsDeskProps
from trademl.constructs.aws.foundation import Foundation, FoundationProps
from trademl.model import DeskSpec
from trademl.targets.base import LayerStack, TargetBuilder
from trademl.targets.extensions import load_desk_class


class AwsTargetBuilder(TargetBuilder):
    foundation: Foundation

    def configure_providers(self, stack: LayerStack) -> None:
        spec = self.profile.aws(self.target)
        AwsProvider(stack, "aws", region=spec.region, allowed_account_ids=[spec.account_id],
                    default_tags=[{"tags": self.ctx.tags}])

    def build_foundation(self, stack: LayerStack) -> None:
        self.foundation = Foundation(stack, "Foundation", FoundationProps(ctx=self.ctx))

    def build_audit(self, stack: LayerStack) -> None:
        self.audit = AuditArchive(stack, "Audit", AuditArchiveProps(
            ctx=self.ctx, key=self.foundation.key, access_logs=self.foundation.access_logs))

    def build_desk(self, stack: LayerStack, desk: DeskSpec) -> None:
        cls = AwsDesk
        if desk.extension:
            cls = load_desk_class(self.profile_path, desk.extension, "AwsDesk", AwsDesk)
        cls(stack, "Desk", AwsDeskProps(ctx=self.ctx, desk=desk, key=self.foundation.key,
                                        access_logs=self.foundation.access_logs))
