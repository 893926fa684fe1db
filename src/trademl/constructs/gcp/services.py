"""The project's APIs, enabled once in the foundation so every later layer can rely on them."""

from __future__ import annotations

from dataclasses import dataclass, field

from cdktn_provider_google.project_service import ProjectService
from constructs import Construct

from trademl.constructs.context import BuildContext

PLATFORM_APIS = (
    "accesscontextmanager.googleapis.com",
    "aiplatform.googleapis.com",
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudkms.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "dlp.googleapis.com",
    "dns.googleapis.com",
    "eventarc.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "notebooks.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "securitycenter.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
    "storage.googleapis.com",
    "workflows.googleapis.com",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectApisProps:
    ctx: BuildContext
    apis: tuple[str, ...] = field(default=PLATFORM_APIS)
    """Default: every API the platform's layers use."""


class ProjectApis(Construct):
    """Enables APIs; never disables them on destroy (other workloads in the project may use them)."""

    def __init__(self, scope: Construct, id: str, props: ProjectApisProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.services = {api: self._create_service(api) for api in sorted(props.apis)}

    def _create_service(self, api: str) -> ProjectService:
        """Extension point: one enabled API."""
        return ProjectService(
            self,
            f"Api-{api.split('.')[0]}",
            service=api,
            project=self.props.ctx.profile.gcp().project_id,
            disable_on_destroy=False,
            disable_dependent_services=False,
        )
