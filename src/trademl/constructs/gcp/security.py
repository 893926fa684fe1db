"""Stage 5 extras on Google Cloud: a VPC Service Controls perimeter around the project (dry run outside
prod) and DLP inspection of the data stores."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_google.access_context_manager_service_perimeter import (
    AccessContextManagerServicePerimeter,
    AccessContextManagerServicePerimeterSpec,
    AccessContextManagerServicePerimeterSpecVpcAccessibleServices,
    AccessContextManagerServicePerimeterStatus,
    AccessContextManagerServicePerimeterStatusVpcAccessibleServices,
)
from cdktn_provider_google.data_loss_prevention_inspect_template import (
    DataLossPreventionInspectTemplate,
    DataLossPreventionInspectTemplateInspectConfig,
    DataLossPreventionInspectTemplateInspectConfigInfoTypes,
)
from cdktn_provider_google.data_loss_prevention_job_trigger import (
    DataLossPreventionJobTrigger,
    DataLossPreventionJobTriggerInspectJob,
    DataLossPreventionJobTriggerInspectJobActions,
    DataLossPreventionJobTriggerInspectJobActionsSaveFindings,
    DataLossPreventionJobTriggerInspectJobActionsSaveFindingsOutputConfig,
    DataLossPreventionJobTriggerInspectJobActionsSaveFindingsOutputConfigTable,
    DataLossPreventionJobTriggerInspectJobStorageConfig,
    DataLossPreventionJobTriggerInspectJobStorageConfigCloudStorageOptions,
    DataLossPreventionJobTriggerInspectJobStorageConfigCloudStorageOptionsFileSet,
    DataLossPreventionJobTriggerTriggers,
    DataLossPreventionJobTriggerTriggersSchedule,
)
from constructs import Construct

from trademl.constructs.context import BuildContext

RESTRICTED_SERVICES = (
    "aiplatform.googleapis.com",
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudkms.googleapis.com",
    "container.googleapis.com",
    "dlp.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "notebooks.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "storage.googleapis.com",
    "workflows.googleapis.com",
)
# What a trading data store must not leak: personal and payment identifiers.
INFO_TYPES = (
    "CREDIT_CARD_NUMBER",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "PERSON_NAME",
    "PHONE_NUMBER",
    "SWIFT_CODE",
    "JAPAN_INDIVIDUAL_NUMBER",
    "GCP_CREDENTIALS",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class PerimeterProps:
    ctx: BuildContext
    access_policy: str
    """accessPolicies/<number>, from the profile."""


class Perimeter(Construct):
    """Enforced in prod; elsewhere the same rules ship as an explicit dry-run spec, so violations are logged
    without blocking until the perimeter is promoted."""

    def __init__(self, scope: Construct, id: str, props: PerimeterProps) -> None:
        super().__init__(scope, id)
        ctx = props.ctx
        spec = ctx.profile.gcp()
        resources = [f"projects/{spec.project_number}"]
        restricted = list(RESTRICTED_SERVICES)
        name = ctx.name("perimeter").replace("-", "_")
        enforce = ctx.profile.is_prod
        self.perimeter = AccessContextManagerServicePerimeter(
            self,
            "Perimeter",
            parent=props.access_policy,
            title=name,
            name=f"{props.access_policy}/servicePerimeters/{name}",
            perimeter_type="PERIMETER_TYPE_REGULAR",
            status=AccessContextManagerServicePerimeterStatus(
                resources=resources,
                restricted_services=restricted,
                vpc_accessible_services=AccessContextManagerServicePerimeterStatusVpcAccessibleServices(
                    enable_restriction=True, allowed_services=["RESTRICTED-SERVICES"]
                ),
            )
            if enforce
            else None,
            spec=None
            if enforce
            else AccessContextManagerServicePerimeterSpec(
                resources=resources,
                restricted_services=restricted,
                vpc_accessible_services=AccessContextManagerServicePerimeterSpecVpcAccessibleServices(
                    enable_restriction=True, allowed_services=["RESTRICTED-SERVICES"]
                ),
            ),
            use_explicit_dry_run_spec=not enforce,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class DataInspectionProps:
    ctx: BuildContext
    buckets: dict[str, str]
    """Store name -> bucket name to inspect."""
    findings_dataset: str


class DataInspection(Construct):
    """A DLP inspect template and a daily job trigger per store, findings saved to BigQuery."""

    def __init__(self, scope: Construct, id: str, props: DataInspectionProps) -> None:
        super().__init__(scope, id)
        ctx = props.ctx
        spec = ctx.profile.gcp()
        parent = f"projects/{spec.project_id}/locations/{spec.region}"
        self.template = DataLossPreventionInspectTemplate(
            self,
            "Template",
            parent=parent,
            template_id=ctx.name("inspect").replace("-", "_"),
            display_name=f"{ctx.prefix} data stores",
            inspect_config=DataLossPreventionInspectTemplateInspectConfig(
                info_types=[
                    DataLossPreventionInspectTemplateInspectConfigInfoTypes(name=t) for t in INFO_TYPES
                ],
                min_likelihood="LIKELY",
                include_quote=False,
            ),
        )
        self.triggers = {
            store: DataLossPreventionJobTrigger(
                self,
                f"Trigger-{store}",
                parent=parent,
                trigger_id=ctx.name("dlp", store).replace("-", "_"),
                display_name=f"{ctx.prefix} inspect {store}",
                triggers=[
                    DataLossPreventionJobTriggerTriggers(
                        schedule=DataLossPreventionJobTriggerTriggersSchedule(
                            recurrence_period_duration="86400s"
                        )
                    )
                ],
                inspect_job=DataLossPreventionJobTriggerInspectJob(
                    inspect_template_name=self.template.id,
                    storage_config=DataLossPreventionJobTriggerInspectJobStorageConfig(
                        cloud_storage_options=DataLossPreventionJobTriggerInspectJobStorageConfigCloudStorageOptions(
                            file_set=DataLossPreventionJobTriggerInspectJobStorageConfigCloudStorageOptionsFileSet(
                                url=f"gs://{bucket}/**"
                            ),
                            files_limit_percent=10,
                            sample_method="RANDOM_START",
                        )
                    ),
                    actions=[
                        DataLossPreventionJobTriggerInspectJobActions(
                            save_findings=DataLossPreventionJobTriggerInspectJobActionsSaveFindings(
                                output_config=DataLossPreventionJobTriggerInspectJobActionsSaveFindingsOutputConfig(
                                    table=DataLossPreventionJobTriggerInspectJobActionsSaveFindingsOutputConfigTable(
                                        project_id=spec.project_id,
                                        dataset_id=props.findings_dataset,
                                        table_id=f"dlp_{store}".replace("-", "_"),
                                    )
                                )
                            )
                        )
                    ],
                ),
            )
            for store, bucket in sorted(props.buckets.items())
        }
