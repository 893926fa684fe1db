"""Development-stage pieces outside the cluster: the CodeCommit repository (reproducible pipelines and
notebooks under version control, encrypted) and the native model registry."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.codecommit_repository import CodecommitRepository
from cdktn_provider_aws.sagemaker_model_package_group import SagemakerModelPackageGroup
from constructs import Construct

from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class DevelopmentProps:
    ctx: BuildContext
    key: KeyRef


class Development(Construct):
    def __init__(self, scope: Construct, id: str, props: DevelopmentProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.repository = CodecommitRepository(
            self,
            "Repository",
            repository_name=ctx.name("ml"),
            default_branch="main",
            kms_key_id=props.key.arn,
            description="Pipelines, notebooks and GitOps manifests of the platform (trademl)",
            **ctx.stateful(),
        )
        # registry: native -> SageMaker Model Registry; mlflow -> MLflow in the cluster (workloads layer).
        self.model_registry: SagemakerModelPackageGroup | None = None
        if ctx.profile.experiment.registry == "native":
            self.model_registry = SagemakerModelPackageGroup(
                self,
                "ModelRegistry",
                model_package_group_name=ctx.name("models"),
                model_package_group_description="Registered trading models (trademl)",
            )
