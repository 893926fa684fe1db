"""Experiment tracking (experiment.tracking == mlflow): a SageMaker managed MLflow tracking server whose
artifact store is a prefix of the models bucket (versioned, SSE-KMS with the platform CMK). Clients reach
it through the SageMaker API with SigV4 (IAM), so there is no public listener to expose.

The server's role may read and write only that prefix and use the key; automatic registration into the
SageMaker model registry stays off (the training pipeline registers models), so it needs no SageMaker
permissions."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.sagemaker_mlflow_tracking_server import SagemakerMlflowTrackingServer
from constructs import Construct

from trademl.constructs.aws.bucket import BucketRef
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    grant_bucket_write,
    service_trust,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext

ARTIFACT_PREFIX = "mlflow/"
MAINTENANCE_WINDOW = "Sun:02:00"  # UTC, outside every market session the desks trade


@dataclass(frozen=True, kw_only=True, slots=True)
class ExperimentTrackingProps:
    ctx: BuildContext
    models: BucketRef
    """The artifact store (the models bucket); runs write under mlflow/."""
    key: KeyRef
    """The CMK that encrypts the bucket."""
    size: str = "Small"
    """Small serves up to ~25 users (AWS guidance); a desk team fits."""


class ExperimentTracking(Construct):
    def __init__(self, scope: Construct, id: str, props: ExperimentTrackingProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.role = self._create_role()
        self.server = self._create_server()
        self.arn: str = self.server.arn

    def _create_role(self) -> LeastPrivilegeRole:
        ctx, props = self.props.ctx, self.props
        role = LeastPrivilegeRole(
            self,
            "Role",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("mlflow"),
                trust_policy=service_trust(["sagemaker.amazonaws.com"], account_of(ctx)),
                statements=(
                    {"Effect": "Allow", "Action": "s3:GetBucketLocation", "Resource": props.models.arn},
                ),
            ),
        )
        grant_bucket_write(role, props.models, props.key, prefix=ARTIFACT_PREFIX)
        return role

    def _create_server(self) -> SagemakerMlflowTrackingServer:
        """Extension point: the tracking server (its metadata store is managed by SageMaker)."""
        ctx, props = self.props.ctx, self.props
        return SagemakerMlflowTrackingServer(
            self,
            "Server",
            tracking_server_name=ctx.name("mlflow"),
            artifact_store_uri=f"s3://{props.models.name}/{ARTIFACT_PREFIX.rstrip('/')}",
            role_arn=self.role.arn,
            tracking_server_size=props.size,
            automatic_model_registration=False,
            weekly_maintenance_window_start=MAINTENANCE_WINDOW,
            depends_on=[self.role.policy],
            **ctx.stateful(),
        )
