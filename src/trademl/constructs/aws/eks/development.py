"""Development-stage pieces outside the cluster: the CodeCommit repository (reproducible pipelines and
notebooks under version control, encrypted) and the native model registry."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_aws.codecommit_approval_rule_template import CodecommitApprovalRuleTemplate
from cdktn_provider_aws.codecommit_approval_rule_template_association import (
    CodecommitApprovalRuleTemplateAssociation,
)
from cdktn_provider_aws.codecommit_repository import CodecommitRepository
from cdktn_provider_aws.sagemaker_model_package_group import SagemakerModelPackageGroup
from constructs import Construct

from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext

DEFAULT_BRANCH = "main"


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
            default_branch=DEFAULT_BRANCH,
            kms_key_id=props.key.arn,
            description="Pipelines, notebooks and GitOps manifests of the platform (trademl)",
            **ctx.stateful(),
        )
        self.approval_rule = self._create_approval_rule()
        # registry: native -> SageMaker Model Registry; mlflow -> MLflow in the cluster (workloads layer).
        self.model_registry: SagemakerModelPackageGroup | None = None
        if ctx.profile.experiment.registry == "native":
            self.model_registry = SagemakerModelPackageGroup(
                self,
                "ModelRegistry",
                model_package_group_name=ctx.name("models"),
                model_package_group_description="Registered trading models (trademl)",
            )

    def _create_approval_rule(self) -> CodecommitApprovalRuleTemplate:
        """Extension point: pull requests into main need one approval besides the author's (four eyes on
        pipelines and GitOps manifests that reach production)."""
        ctx, repo = self.props.ctx, self.repository
        content = {
            "Version": "2018-11-08",
            "DestinationReferences": [f"refs/heads/{DEFAULT_BRANCH}"],
            "Statements": [{"Type": "Approvers", "NumberOfApprovalsNeeded": 1}],
        }
        template = CodecommitApprovalRuleTemplate(
            self,
            "ApprovalRule",
            name=ctx.name("four-eyes", max_len=100),
            description="One approval before merging into main (trademl)",
            content=json.dumps(content, sort_keys=True),
        )
        CodecommitApprovalRuleTemplateAssociation(
            self,
            "ApprovalRuleAssociation",
            approval_rule_template_name=template.name,
            repository_name=repo.repository_name,
        )
        return template
