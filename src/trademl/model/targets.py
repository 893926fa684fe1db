"""Where a platform goes: one entry per target, with its account, regions, network and state backend."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from trademl.model.adopt import AwsAdopt, AzureAdopt, GcpAdopt
from trademl.model.base import Strict
from trademl.model.network import NetworkSpec
from trademl.model.regions import Cloud, check_region


class TargetName(StrEnum):
    AWS_EKS = "aws-eks"
    AWS_ECS = "aws-ecs"
    AZURE = "azure"
    GCP = "gcp"

    @property
    def cloud(self) -> Cloud:
        return {"aws-eks": Cloud.AWS, "aws-ecs": Cloud.AWS, "azure": Cloud.AZURE, "gcp": Cloud.GCP}[
            self.value
        ]


def _regex(pattern: str, what: str, example: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not {what}; fix: use e.g. {example!r}")
        return value

    return AfterValidator(check)


AwsAccountId = Annotated[str, _regex(r"\d{12}", "a 12-digit AWS account id", "123456789012")]
AzureUuid = Annotated[
    str,
    _regex(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "a lowercase UUID",
        "00000000-0000-0000-0000-000000000000",
    ),
]
GcpProjectId = Annotated[
    str, _regex(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", "a Google Cloud project id (6-30 chars)", "trading-ml-prod")
]
BucketName = Annotated[
    str, _regex(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "a bucket name (3-63 lowercase)", "acme-tfstate")
]


class LocalState(Strict):
    """Terraform state on local disk, one file per stack. Only for experiments: it is not shared or locked."""

    kind: Literal["local"] = "local"


class S3State(Strict):
    """S3 backend with S3-native locking (a lock file beside the state, no DynamoDB table)."""

    kind: Literal["s3"] = "s3"
    bucket: BucketName
    region: str | None = Field(default=None, description="Default: the target's primary region.")
    key_prefix: str = Field(default="trademl", pattern=r"^[A-Za-z0-9_./-]{1,100}$")


class AzurermState(Strict):
    """azurerm backend: a blob container in a storage account, authenticated with Entra ID."""

    kind: Literal["azurerm"] = "azurerm"
    resource_group: str = Field(pattern=r"^[\w.()-]{1,90}$")
    storage_account: str = Field(pattern=r"^[a-z0-9]{3,24}$")
    container: str = Field(default="tfstate", pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


class GcsState(Strict):
    """gcs backend: a bucket with object versioning (locking is built in)."""

    kind: Literal["gcs"] = "gcs"
    bucket: BucketName
    prefix: str = Field(default="trademl", pattern=r"^[A-Za-z0-9_./-]{1,100}$")


class TargetSpec(Strict):
    region: str = Field(description="Primary region.")
    secondary_region: str | None = Field(
        default=None, description="Failover region. Required when failover is enabled."
    )
    network: NetworkSpec = NetworkSpec()

    cloud: ClassVar[Cloud]

    @field_validator("region", "secondary_region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        return None if value is None else check_region(cls.cloud, value)

    @model_validator(mode="after")
    def _regions(self) -> Self:
        if self.secondary_region is not None and self.secondary_region == self.region:
            raise ValueError(
                f"secondary_region equals region ({self.region!r}); fix: pick a different failover region"
            )
        return self

    @model_validator(mode="after")
    def _adopted_in_region(self) -> Self:
        # Each subclass's `adopt` knows which of its ids are regional (model/adopt.py).
        adopt: AwsAdopt | AzureAdopt | GcpAdopt | None = getattr(self, "adopt", None)
        if adopt is not None and (problem := adopt.misplaced(self.region)):
            raise ValueError(problem)
        return self


class AwsTarget(TargetSpec):
    cloud: ClassVar[Cloud] = Cloud.AWS
    account_id: AwsAccountId
    state: S3State | LocalState = Field(discriminator="kind")
    adopt: AwsAdopt = AwsAdopt()

    @model_validator(mode="after")
    def _adopted_in_account(self) -> Self:
        for field, value in self.adopt.model_dump(exclude_none=True).items():
            for arn in value.values() if isinstance(value, dict) else [value]:
                for one in arn if isinstance(arn, (list, tuple)) else [arn]:
                    parts = str(one).split(":")
                    if parts[4] and parts[4] != self.account_id:
                        raise ValueError(
                            f"adopt.{field} {one!r} is in account {parts[4]}, not {self.account_id}; "
                            "fix: adopt a resource of this target's account"
                        )
        return self


class AzureTarget(TargetSpec):
    cloud: ClassVar[Cloud] = Cloud.AZURE
    subscription_id: AzureUuid
    tenant_id: AzureUuid
    state: AzurermState | LocalState = Field(discriminator="kind")
    adopt: AzureAdopt = AzureAdopt()


class GcpTarget(TargetSpec):
    cloud: ClassVar[Cloud] = Cloud.GCP
    project_id: GcpProjectId
    project_number: str = Field(pattern=r"^\d{6,19}$", description="Used by VPC Service Controls members.")
    access_policy: str | None = Field(
        default=None,
        pattern=r"^accessPolicies/\d{1,20}$",
        description="VPC Service Controls access policy (accessPolicies/<number>). Required when "
        "security.private_networking is on.",
    )
    state: GcsState | LocalState = Field(discriminator="kind")
    adopt: GcpAdopt = GcpAdopt()


class Targets(Strict):
    """The targets this profile deploys to, keyed by target name."""

    aws_eks: AwsTarget | None = Field(default=None, alias="aws-eks")
    aws_ecs: AwsTarget | None = Field(default=None, alias="aws-ecs")
    azure: AzureTarget | None = None
    gcp: GcpTarget | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Self:
        if not self.names():
            raise ValueError("no target listed; fix: add at least one of aws-eks, aws-ecs, azure, gcp")
        return self

    @model_validator(mode="after")
    def _ecs_adopts_no_cluster(self) -> Self:
        if self.aws_ecs is not None and self.aws_ecs.adopt.cluster:
            raise ValueError(
                "aws-ecs.adopt.cluster: aws-ecs runs on ECS Fargate, which needs no cluster to adopt; fix: "
                "remove it, or adopt the EKS cluster under targets.aws-eks.adopt"
            )
        return self

    def names(self) -> list[TargetName]:
        return [t for t in TargetName if self.get(t) is not None]

    def get(self, name: TargetName) -> AwsTarget | AzureTarget | GcpTarget | None:
        spec: AwsTarget | AzureTarget | GcpTarget | None = getattr(self, name.value.replace("-", "_"))
        return spec
