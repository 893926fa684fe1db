"""Existing resources a profile adopts instead of creating them ("bring your own").

Each is given by its cloud's own id and checked for shape here, so a typo fails at validation.
Constructs receive adopted and created resources through the same typed reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from trademl.model.base import Strict


def _shaped(pattern: str, kind: str, example: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not {kind}; fix: give it in the form {example!r}")
        return value

    return AfterValidator(check)


_AWS_ARN = r"arn:aws[a-z-]*:{svc}:{region}:{acct}:{rest}"
_R = r"[a-z]{2}(-[a-z]+)+-\d"
_A = r"\d{12}"

AwsVpcArn = Annotated[
    str,
    _shaped(
        _AWS_ARN.format(svc="ec2", region=_R, acct=_A, rest=r"vpc/vpc-[0-9a-f]{8,17}"),
        "a VPC ARN",
        "arn:aws:ec2:ap-northeast-1:123456789012:vpc/vpc-0a1b2c3d4e5f67890",
    ),
]
AwsSubnetArn = Annotated[
    str,
    _shaped(
        _AWS_ARN.format(svc="ec2", region=_R, acct=_A, rest=r"subnet/subnet-[0-9a-f]{8,17}"),
        "a subnet ARN",
        "arn:aws:ec2:ap-northeast-1:123456789012:subnet/subnet-0a1b2c3d4e5f67890",
    ),
]
AwsEksArn = Annotated[
    str,
    _shaped(
        _AWS_ARN.format(svc="eks", region=_R, acct=_A, rest=r"cluster/[A-Za-z0-9][A-Za-z0-9_-]{0,99}"),
        "an EKS cluster ARN",
        "arn:aws:eks:ap-northeast-1:123456789012:cluster/shared",
    ),
]
AwsKmsArn = Annotated[
    str,
    _shaped(
        _AWS_ARN.format(svc="kms", region=_R, acct=_A, rest=r"key/[0-9a-f-]{36}|key/mrk-[0-9a-f]{32}"),
        "a KMS key ARN",
        "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
]
AwsZoneArn = Annotated[
    str,
    _shaped(
        r"arn:aws[a-z-]*:route53:::hostedzone/Z[0-9A-Z]{1,32}",
        "a Route 53 hosted zone ARN",
        "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
    ),
]
AwsBucketArn = Annotated[
    str,
    _shaped(
        r"arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
        "an S3 bucket ARN",
        "arn:aws:s3:::corp-audit-archive",
    ),
]
AwsEcrArn = Annotated[
    str,
    _shaped(
        _AWS_ARN.format(svc="ecr", region=_R, acct=_A, rest=r"repository/[a-z0-9][a-z0-9._/-]*"),
        "an ECR repository ARN",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/trading",
    ),
]

_AZ = r"/subscriptions/[0-9a-f-]{36}/resourceGroups/[\w.()-]{1,90}/providers/"
AzVnetId = Annotated[
    str,
    _shaped(
        _AZ + r"Microsoft\.Network/virtualNetworks/[\w.-]{2,64}",
        "a virtual network resource id",
        "/subscriptions/<uuid>/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub",
    ),
]
AzSubnetId = Annotated[
    str,
    _shaped(
        _AZ + r"Microsoft\.Network/virtualNetworks/[\w.-]{2,64}/subnets/[\w.-]{1,80}",
        "a subnet resource id",
        "/subscriptions/<uuid>/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/ml",
    ),
]
AzAksId = Annotated[
    str,
    _shaped(
        _AZ + r"Microsoft\.ContainerService/managedClusters/[\w-]{1,63}",
        "an AKS cluster resource id",
        "/subscriptions/<uuid>/resourceGroups/aks/providers/Microsoft.ContainerService/managedClusters/shared",
    ),
]
AzKeyId = Annotated[
    str,
    _shaped(
        _AZ + r"Microsoft\.KeyVault/vaults/[\w-]{3,24}/keys/[\w-]{1,127}",
        "a Key Vault key resource id",
        "/subscriptions/<uuid>/resourceGroups/keys/providers/Microsoft.KeyVault/vaults/corp-kv/keys/ml",
    ),
]
AzDnsZoneId = Annotated[
    str,
    _shaped(
        _AZ + r"Microsoft\.Network/(dnsZones|trafficManagerProfiles)/[\w.-]{1,253}",
        "a DNS zone resource id",
        "/subscriptions/<uuid>/resourceGroups/dns/providers/Microsoft.Network/dnsZones/trading.example.com",
    ),
]
AzStorageId = Annotated[
    str,
    _shaped(
        _AZ + r"Microsoft\.Storage/storageAccounts/[a-z0-9]{3,24}",
        "a storage account resource id",
        "/subscriptions/<uuid>/resourceGroups/audit/providers/Microsoft.Storage/storageAccounts/corpaudit",
    ),
]
AzAcrId = Annotated[
    str,
    _shaped(
        _AZ + r"Microsoft\.ContainerRegistry/registries/[A-Za-z0-9]{5,50}",
        "a container registry resource id",
        "/subscriptions/<uuid>/resourceGroups/acr/providers/Microsoft.ContainerRegistry/registries/corpacr",
    ),
]

_P = r"projects/[a-z][a-z0-9-]{4,28}[a-z0-9]"
GcpNetworkName = Annotated[
    str,
    _shaped(
        _P + r"/global/networks/[a-z]([-a-z0-9]{0,61}[a-z0-9])?",
        "a VPC network resource name",
        "projects/host-project/global/networks/shared-vpc",
    ),
]
GcpSubnetName = Annotated[
    str,
    _shaped(
        _P + r"/regions/[a-z0-9-]+/subnetworks/[a-z]([-a-z0-9]{0,61}[a-z0-9])?",
        "a subnetwork resource name",
        "projects/host-project/regions/asia-northeast1/subnetworks/ml",
    ),
]
GcpClusterName = Annotated[
    str,
    _shaped(
        _P + r"/locations/[a-z0-9-]+/clusters/[a-z]([-a-z0-9]{0,38}[a-z0-9])?",
        "a GKE cluster resource name",
        "projects/p/locations/asia-northeast1/clusters/shared",
    ),
]
GcpKeyName = Annotated[
    str,
    _shaped(
        _P + r"/locations/[a-z0-9-]+/keyRings/[\w-]{1,63}/cryptoKeys/[\w-]{1,63}",
        "a Cloud KMS key name",
        "projects/kms-project/locations/asia-northeast1/keyRings/ml/cryptoKeys/data",
    ),
]
GcpZoneName = Annotated[
    str,
    _shaped(
        _P + r"/managedZones/[a-z]([-a-z0-9]{0,61}[a-z0-9])?",
        "a Cloud DNS managed zone name",
        "projects/dns-project/managedZones/trading",
    ),
]
GcpBucketName = Annotated[
    str,
    _shaped(
        r"projects/_/buckets/[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]",
        "a bucket resource name",
        "projects/_/buckets/corp-audit-archive",
    ),
]
GcpRepoName = Annotated[
    str,
    _shaped(
        _P + r"/locations/[a-z0-9-]+/repositories/[a-z]([-a-z0-9]{0,61}[a-z0-9])?",
        "an Artifact Registry repository name",
        "projects/p/locations/asia-northeast1/repositories/ml",
    ),
]


class AwsAdoptedNetwork(Strict):
    vpc: AwsVpcArn
    private_subnets: tuple[AwsSubnetArn, ...] = Field(min_length=2)


class AzureAdoptedNetwork(Strict):
    vnet: AzVnetId
    private_subnets: tuple[AzSubnetId, ...] = Field(min_length=1)


class GcpAdoptedNetwork(Strict):
    network: GcpNetworkName
    private_subnets: tuple[GcpSubnetName, ...] = Field(min_length=1)


def _cluster_needs_network(adopt: AwsAdopt | AzureAdopt) -> None:
    # Node groups / pools trademl adds to an adopted cluster must join the cluster's own network.
    if adopt.cluster and not adopt.network:
        raise ValueError(
            "adopt.cluster without adopt.network: node pools added to an adopted cluster must join its "
            "network; fix: also adopt the cluster's network (adopt.network)"
        )


def _outside(field: str, value: str, where: str, region: str) -> str:
    return (
        f"adopt.{field} {value!r} is in {where}, not the target's region {region!r}; fix: adopt one in "
        f"{region} (keys, networks, clusters and registries are regional, and data must not leave it)"
    )


class AwsAdopt(Strict):
    """Existing AWS resources to use instead of creating them. Each is an ARN."""

    network: AwsAdoptedNetwork | None = None
    cluster: AwsEksArn | None = None
    key: AwsKmsArn | None = None
    dns_zone: AwsZoneArn | None = None
    audit_archive: AwsBucketArn | None = None
    registry: AwsEcrArn | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _cluster_needs_network(self)
        if self.registry:
            # Refused rather than silently ignored: one adopted repository cannot stand in for the
            # per-image repositories (runtime, training, ops-ui) whose replication and pull grants trademl owns.
            raise ValueError(
                f"adopt.registry {self.registry!r}: not supported on AWS yet (trademl creates one ECR "
                "repository per image, replicated to the failover region, and grants pulls on them); "
                "fix: remove adopt.registry (mirror other registries with an ECR pull-through cache rule)"
            )
        return self

    def misplaced(self, region: str) -> str | None:
        """The first regional ARN (network, cluster, key, registry) outside `region`, as an error."""
        regional: list[tuple[str, str]] = []
        if self.network:
            regional += [("network.vpc", self.network.vpc)]
            regional += [("network.private_subnets", s) for s in self.network.private_subnets]
        regional += [(f, v) for f in ("cluster", "key", "registry") if (v := getattr(self, f))]
        for field, arn in regional:
            if (where := arn.split(":")[3]) != region:
                return _outside(field, arn, where, region)
        return None


class AzureAdopt(Strict):
    """Existing Azure resources to use instead of creating them. Each is a resource id."""

    network: AzureAdoptedNetwork | None = None
    cluster: AzAksId | None = None
    key: AzKeyId | None = None
    dns_zone: AzDnsZoneId | None = None
    audit_archive: AzStorageId | None = None
    registry: AzAcrId | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _cluster_needs_network(self)
        return self

    def misplaced(self, region: str) -> str | None:
        """Azure ids carry no region: `trademl doctor` compares each adopted resource's location."""
        return None


class GcpAdopt(Strict):
    """Existing Google Cloud resources to use instead of creating them. Each is a resource name."""

    network: GcpAdoptedNetwork | None = None
    cluster: GcpClusterName | None = None
    key: GcpKeyName | None = None
    dns_zone: GcpZoneName | None = None
    audit_archive: GcpBucketName | None = None
    registry: GcpRepoName | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.dns_zone:
            raise ValueError(
                f"adopt.dns_zone {self.dns_zone!r}: on gcp serving names live in a private zone bound to "
                "the platform network and repointed by the failover switch function, so trademl owns it; "
                "fix: remove adopt.dns_zone and delegate or forward a name of your zone to it"
            )
        if self.registry:
            raise ValueError(
                f"adopt.registry {self.registry!r}: not supported on gcp yet (the node pull grants, the "
                "failover region and the Cloud Run fallback are wired to the images repository trademl "
                "creates); fix: remove adopt.registry (other registries are mirrored by remote repositories)"
            )
        return self

    def misplaced(self, region: str) -> str | None:
        """The first regional name outside `region`: subnets and keys in the region itself (a CMEK must
        share its data's location), the cluster in the region or one of its zones, the registry in the
        region or its multi-region (asia, europe, us)."""
        checks: list[tuple[str, str, bool]] = []
        if self.network:
            for subnet in self.network.private_subnets:
                at = subnet.split("/regions/", 1)[1].split("/", 1)[0]
                checks.append(("network.private_subnets", subnet, at == region))
        if self.cluster:
            at = _location(self.cluster)
            checks.append(("cluster", self.cluster, at == region or at.rsplit("-", 1)[0] == region))
        if self.key:
            checks.append(("key", self.key, _location(self.key) == region))
        if self.registry:
            at = _location(self.registry)
            checks.append(("registry", self.registry, at == region or region.startswith(f"{at}-")))
        for field, name, ok in checks:
            if not ok:
                where = name.split("/regions/", 1)[-1] if "/regions/" in name else _location(name)
                return _outside(field, name, where.split("/", 1)[0], region)
        return None


def _location(name: str) -> str:
    return name.split("/locations/", 1)[1].split("/", 1)[0]


def adopted_ids(adopt: AwsAdopt | AzureAdopt | GcpAdopt) -> Iterator[tuple[str, str]]:
    """(field path, id) for everything a target adopts, in profile order: one walk for every cloud."""
    for field in type(adopt).model_fields:
        value = getattr(adopt, field)
        if isinstance(value, Strict):
            for sub in type(value).model_fields:
                item = getattr(value, sub)
                if isinstance(item, tuple):
                    yield from ((f"{field}.{sub}[{i}]", str(one)) for i, one in enumerate(item))
                else:
                    yield f"{field}.{sub}", str(item)
        elif value is not None:
            yield field, str(value)
