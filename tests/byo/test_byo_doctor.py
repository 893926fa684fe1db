"""`trademl doctor` reads every kind of adopted resource: each adopt field of each cloud yields a probe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from trademl.model.adopt import AwsAdopt, AzureAdopt, GcpAdopt
from trademl.model.targets import AwsTarget, AzureTarget, GcpTarget
from trademl.ops import aws_checks, azure_checks, gcp_checks

A = "arn:aws:{}:ap-northeast-1:123456789012:{}"
AZ = "/subscriptions/00000000-0000-4000-8000-000000000002/resourceGroups/g/providers/"
EVERYTHING: dict[str, tuple[type[Any], dict[str, Any], Callable[[Any], Iterator[tuple[str, str]]]]] = {
    "aws": (
        AwsTarget,
        {
            "account_id": "123456789012",
            "region": "ap-northeast-1",
            "state": {"kind": "local"},
            "adopt": {
                "network": {
                    "vpc": A.format("ec2", "vpc/vpc-0a1b2c3d"),
                    "private_subnets": [A.format("ec2", "subnet/subnet-0a1b2c3d")] * 2,
                },
                "cluster": A.format("eks", "cluster/shared"),
                "key": A.format("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
                "dns_zone": "arn:aws:route53:::hostedzone/Z0123456789",
                "audit_archive": "arn:aws:s3:::corp-audit",
            },
        },
        aws_checks.adopted,
    ),
    "azure": (
        AzureTarget,
        {
            "subscription_id": "00000000-0000-4000-8000-000000000002",
            "tenant_id": "00000000-0000-4000-8000-0000000000aa",
            "region": "japaneast",
            "state": {"kind": "local"},
            "adopt": {
                "network": {
                    "vnet": AZ + "Microsoft.Network/virtualNetworks/hub",
                    "private_subnets": [AZ + "Microsoft.Network/virtualNetworks/hub/subnets/ml"],
                },
                "cluster": AZ + "Microsoft.ContainerService/managedClusters/shared",
                "key": AZ + "Microsoft.KeyVault/vaults/corp-kv/keys/ml",
                "dns_zone": AZ + "Microsoft.Network/dnsZones/trading.example.com",
                "audit_archive": AZ + "Microsoft.Storage/storageAccounts/corpaudit",
                "registry": AZ + "Microsoft.ContainerRegistry/registries/corpacr",
            },
        },
        azure_checks.adopted,
    ),
    "gcp": (
        GcpTarget,
        {
            "project_id": "trading-prd",
            "project_number": "123456789012",
            "region": "asia-northeast1",
            "state": {"kind": "local"},
            "adopt": {
                "network": {
                    "network": "projects/host-net/global/networks/shared",
                    "private_subnets": ["projects/host-net/regions/asia-northeast1/subnetworks/ml"],
                },
                "cluster": "projects/trading-prd/locations/asia-northeast1/clusters/shared",
                "key": "projects/kms-sec/locations/asia-northeast1/keyRings/ml/cryptoKeys/data",
                "audit_archive": "projects/_/buckets/corp-audit",
            },
        },
        gcp_checks.adopted,
    ),
}


@pytest.mark.parametrize("cloud", sorted(EVERYTHING))
def test_doctor_probes_every_adoptable_kind(cloud: str) -> None:
    cls, data, adopted = EVERYTHING[cloud]
    spec = cls.model_validate(data)
    if cloud == "gcp":
        # The model refuses an adopted zone and registry on gcp (they would go unused); doctor reads them.
        late = {
            "dns_zone": "projects/dns-prj/managedZones/trading",
            "registry": "projects/trading-prd/locations/asia-northeast1/repositories/ml",
        }
        spec = spec.model_copy(update={"adopt": spec.adopt.model_copy(update=late)})
    if cloud == "aws":
        # The model refuses an adopted registry on AWS (it would go unused); doctor still reads one.
        late = {"registry": A.format("ecr", "repository/trading")}
        spec = spec.model_copy(update={"adopt": spec.adopt.model_copy(update=late)})
    fields = {field.split(".")[0].split("[")[0] for field, _ in adopted(spec)}
    model: type[AwsAdopt | AzureAdopt | GcpAdopt] = type(spec.adopt)
    assert fields == set(model.model_fields)
