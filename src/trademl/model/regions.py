"""Regions each cloud offers, so a typo or a region of the wrong cloud fails at validation."""

from __future__ import annotations

from enum import StrEnum


class Cloud(StrEnum):
    AWS = "aws"
    AZURE = "azure"
    GCP = "gcp"


REGIONS: dict[Cloud, frozenset[str]] = {
    Cloud.AWS: frozenset(
        [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "ca-central-1",
            "ca-west-1",
            "sa-east-1",
            "mx-central-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-7",
            "ap-south-1",
            "ap-south-2",
            "ap-east-1",
            "me-south-1",
            "me-central-1",
            "il-central-1",
            "af-south-1",
        ]
    ),
    Cloud.AZURE: frozenset(
        [
            "japaneast",
            "japanwest",
            "eastus",
            "eastus2",
            "centralus",
            "northcentralus",
            "southcentralus",
            "westus",
            "westus2",
            "westus3",
            "westcentralus",
            "canadacentral",
            "canadaeast",
            "brazilsouth",
            "northeurope",
            "westeurope",
            "uksouth",
            "ukwest",
            "francecentral",
            "germanywestcentral",
            "switzerlandnorth",
            "norwayeast",
            "swedencentral",
            "polandcentral",
            "italynorth",
            "spaincentral",
            "southeastasia",
            "eastasia",
            "australiaeast",
            "australiasoutheast",
            "centralindia",
            "southindia",
            "koreacentral",
            "koreasouth",
            "uaenorth",
            "southafricanorth",
            "qatarcentral",
            "israelcentral",
        ]
    ),
    Cloud.GCP: frozenset(
        [
            "asia-northeast1",
            "asia-northeast2",
            "asia-northeast3",
            "asia-east1",
            "asia-east2",
            "asia-south1",
            "asia-south2",
            "asia-southeast1",
            "asia-southeast2",
            "australia-southeast1",
            "australia-southeast2",
            "europe-west1",
            "europe-west2",
            "europe-west3",
            "europe-west4",
            "europe-west6",
            "europe-west8",
            "europe-west9",
            "europe-west10",
            "europe-west12",
            "europe-north1",
            "europe-central2",
            "europe-southwest1",
            "me-central1",
            "me-west1",
            "northamerica-northeast1",
            "northamerica-northeast2",
            "southamerica-east1",
            "southamerica-west1",
            "us-central1",
            "us-east1",
            "us-east4",
            "us-east5",
            "us-south1",
            "us-west1",
            "us-west2",
            "us-west3",
            "us-west4",
            "africa-south1",
        ]
    ),
}

EXAMPLE_REGION = {Cloud.AWS: "ap-northeast-1", Cloud.AZURE: "japaneast", Cloud.GCP: "asia-northeast1"}


LABEL = {Cloud.AWS: "an AWS", Cloud.AZURE: "an Azure", Cloud.GCP: "a Google Cloud"}


def check_region(cloud: Cloud, region: str) -> str:
    if region not in REGIONS[cloud]:
        other = [c for c, names in REGIONS.items() if region in names]
        why = f"{LABEL[other[0]]} region" if other else "not a known region"
        raise ValueError(
            f"{region!r} is {why}, not {LABEL[cloud]} region; "
            f"fix: use {LABEL[cloud]} region such as {EXAMPLE_REGION[cloud]!r}"
        )
    return region
