"""Image references: the private network has no route to public registries, so every image is pulled
from the platform's ECR (pinned images mirrored there, side images through a pull-through cache)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.ecr_pull_through_cache_rule import EcrPullThroughCacheRule
from constructs import Construct

from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.identity import LeastPrivilegeRole

ECR_PUBLIC_PREFIX = "ecr-public"
# AWS's X-Ray daemon, from ECR Public through the pull-through cache (no credentials needed).
XRAY_DAEMON = "xray/aws-xray-daemon:3.x"


def image_ref(image: str) -> str:
    """The tag (':1.0.0') or digest ('@sha256:...') of a pinned image reference."""
    if "@" in image:
        return "@" + image.split("@", 1)[1]
    return ":" + image.rsplit(":", 1)[1]


def ecr_host(placement: Placement) -> str:
    return f"{placement.account_id}.dkr.ecr.{placement.region_name}.amazonaws.com"


def mirrored(placement: Placement, namespace: str, repository: str, pinned: str) -> str:
    """The ECR mirror (or its cross-region replica) of a pinned image: same tag or digest."""
    return f"{ecr_host(placement)}/{namespace}/{repository}{image_ref(pinned)}"


def ecr_public(placement: Placement, path: str) -> str:
    return f"{ecr_host(placement)}/{ECR_PUBLIC_PREFIX}/{path}"


@dataclass(frozen=True, kw_only=True, slots=True)
class PublicImageCacheProps:
    placement: Placement


class PublicImageCache(Construct):
    """ECR pull-through cache of ECR Public, so sidecars (X-Ray) come from the private registry."""

    def __init__(self, scope: Construct, id: str, props: PublicImageCacheProps) -> None:
        super().__init__(scope, id)
        self.placement = props.placement
        self.rule = EcrPullThroughCacheRule(
            self,
            "Rule",
            ecr_repository_prefix=ECR_PUBLIC_PREFIX,
            upstream_registry_url="public.ecr.aws",
            region=props.placement.region,
        )

    def grant_pull(self, role: LeastPrivilegeRole) -> None:
        """Pull cached images; the first pull of a tag imports it from upstream."""
        p = self.placement
        role.add_statement(
            {
                "Effect": "Allow",
                "Resource": f"arn:aws:ecr:{p.region_name}:{p.account_id}:repository/{ECR_PUBLIC_PREFIX}/*",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:BatchImportUpstreamImage",
                    "ecr:CreateRepository",
                    "ecr:GetDownloadUrlForLayer",
                ],
            }
        )
