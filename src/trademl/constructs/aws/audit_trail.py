"""The audit trail both AWS flavours share: CloudTrail -> CloudWatch Logs -> Firehose -> the WORM archive,
AWS Config, GuardDuty and Security Hub (seed 001: CloudTrail + CloudWatch Logs + Firehose + S3 + Config)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.cloudtrail import (
    Cloudtrail,
    CloudtrailEventSelector,
    CloudtrailEventSelectorDataResource,
)
from cdktn_provider_aws.cloudwatch_log_subscription_filter import CloudwatchLogSubscriptionFilter
from cdktn_provider_aws.config_configuration_recorder import (
    ConfigConfigurationRecorder,
    ConfigConfigurationRecorderRecordingGroup,
)
from cdktn_provider_aws.config_configuration_recorder_status import ConfigConfigurationRecorderStatus
from cdktn_provider_aws.config_delivery_channel import ConfigDeliveryChannel
from cdktn_provider_aws.guardduty_detector import GuarddutyDetector
from cdktn_provider_aws.guardduty_detector_feature import (
    GuarddutyDetectorFeature,
    GuarddutyDetectorFeatureAdditionalConfiguration,
)
from cdktn_provider_aws.kinesis_firehose_delivery_stream import (
    KinesisFirehoseDeliveryStream,
    KinesisFirehoseDeliveryStreamExtendedS3Configuration,
    KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfiguration,
    KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessors,
    KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorsParameters,
    KinesisFirehoseDeliveryStreamServerSideEncryption,
)
from cdktn_provider_aws.securityhub_account import SecurityhubAccount
from cdktn_provider_aws.securityhub_standards_subscription import SecurityhubStandardsSubscription
from constructs import Construct

from trademl.constructs.aws.bucket import BucketRef
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    Statement,
    account_of,
    grant_key,
    service_trust,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.logs import LogGroup, LogGroupProps
from trademl.constructs.context import BuildContext

# Where each writer lands inside the archive bucket.
TRAIL_PREFIX = "cloudtrail"
CONFIG_PREFIX = "config"
FIREHOSE_PREFIX = "cloudwatch-logs"

# GuardDuty protections for a platform of EKS/ECS workloads over S3 data.
GUARDDUTY_FEATURES = ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING")
RUNTIME_AGENTS = ("EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT")
SECURITY_HUB_STANDARDS = (
    "standards/aws-foundational-security-best-practices/v/1.0.0",
    "standards/cis-aws-foundations-benchmark/v/3.0.0",
)


def trail_name(ctx: BuildContext) -> str:
    return ctx.name("trail")


def archive_writer_statements(ctx: BuildContext, bucket_name: str) -> tuple[Statement, ...]:
    """Bucket-policy statements that let CloudTrail and Config write into the archive, only for this
    account's trail and only under their prefixes. The archive's own construct adds them."""
    account, region = account_of(ctx), ctx.profile.aws(ctx.target).region
    arn = f"arn:aws:s3:::{bucket_name}"
    trail_arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{trail_name(ctx)}"
    return (
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{arn}/{TRAIL_PREFIX}/AWSLogs/{account}/*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditTrailProps:
    ctx: BuildContext
    key: KeyRef
    """Encrypts the trail, its log group, the Firehose stream and Config snapshots."""
    archive: BucketRef
    """The WORM archive (AuditArchive.bucket) every audit record ends in."""
    data_event_buckets: tuple[BucketRef, ...] = ()
    """Buckets whose object reads and writes are recorded (the artifact stores). Default: none."""
    account_services: bool = True
    """Create the per-account, per-region singletons (Config recorder, GuardDuty detector, Security Hub).
    Turn off when another stack of the same account and region already owns them."""


class AuditTrail(Construct):
    def __init__(self, scope: Construct, id: str, props: AuditTrailProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        self.log_group = LogGroup(
            self,
            "TrailLogGroup",
            LogGroupProps(ctx=ctx, name=f"/trademl/{ctx.prefix}/cloudtrail", key=props.key, audit=True),
        )
        self.trail = self._create_trail()
        self.firehose = self._create_firehose()
        self._subscribe_logs()
        if props.account_services:
            self.recorder = self._create_config()
            if ctx.profile.security.threat_detection:
                self.detector = self._create_guardduty()
                self.security_hub = self._create_security_hub()

    def _create_trail(self) -> Cloudtrail:
        """Extension point: the multi-region trail with digest files (log file validation)."""
        ctx = self.props.ctx
        role = LeastPrivilegeRole(
            self,
            "TrailLogsRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("cloudtrail-logs"),
                trust_policy=service_trust(["cloudtrail.amazonaws.com"], account_of(ctx)),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": f"{self.log_group.arn}:*",
                    },
                ),
            ),
        )
        data = [
            CloudtrailEventSelectorDataResource(type="AWS::S3::Object", values=[f"{b.arn}/"])
            for b in self.props.data_event_buckets
        ]
        return Cloudtrail(
            self,
            "Trail",
            name=trail_name(ctx),
            s3_bucket_name=self.props.archive.name,
            s3_key_prefix=TRAIL_PREFIX,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=self.props.key.arn,
            cloud_watch_logs_group_arn=f"{self.log_group.arn}:*",
            cloud_watch_logs_role_arn=role.arn,
            event_selector=[
                CloudtrailEventSelector(
                    read_write_type="All", include_management_events=True, data_resource=data or None
                )
            ],
            depends_on=[role.policy],
        )

    def _create_firehose(self) -> KinesisFirehoseDeliveryStream:
        """Extension point: CloudWatch Logs -> S3. Logs arrive gzipped: decompress before storing."""
        ctx, archive = self.props.ctx, self.props.archive
        role = LeastPrivilegeRole(
            self,
            "FirehoseRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("audit-firehose"),
                trust_policy=service_trust(["firehose.amazonaws.com"], account_of(ctx)),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": ["s3:AbortMultipartUpload", "s3:PutObject"],
                        "Resource": f"{archive.arn}/{FIREHOSE_PREFIX}/*",
                    },
                    {
                        "Effect": "Allow",
                        "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
                        "Resource": archive.arn,
                    },
                ),
            ),
        )
        grant_key(role, self.props.key, write=True)
        params = (
            KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorsParameters
        )
        processors = [
            KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessors(
                type="Decompression",
                parameters=[params(parameter_name="CompressionFormat", parameter_value="GZIP")],
            ),
            KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessors(
                type="CloudWatchLogProcessing",
                parameters=[params(parameter_name="DataMessageExtraction", parameter_value="true")],
            ),
        ]
        return KinesisFirehoseDeliveryStream(
            self,
            "Firehose",
            name=ctx.name("audit-logs"),
            destination="extended_s3",
            server_side_encryption=KinesisFirehoseDeliveryStreamServerSideEncryption(
                enabled=True, key_type="CUSTOMER_MANAGED_CMK", key_arn=self.props.key.arn
            ),
            extended_s3_configuration=KinesisFirehoseDeliveryStreamExtendedS3Configuration(
                bucket_arn=archive.arn,
                role_arn=role.arn,
                kms_key_arn=self.props.key.arn,
                prefix=f"{FIREHOSE_PREFIX}/",
                error_output_prefix=f"{FIREHOSE_PREFIX}-errors/",
                compression_format="GZIP",
                buffering_interval=300,
                buffering_size=64,
                processing_configuration=KinesisFirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfiguration(
                    enabled=True, processors=processors
                ),
            ),
            depends_on=[role.policy],
        )

    def _subscribe_logs(self) -> None:
        ctx = self.props.ctx
        region = ctx.profile.aws(ctx.target).region
        # Kept so other layers subscribe their workload log groups through the same stream and role.
        self.logs_role = role = LeastPrivilegeRole(
            self,
            "LogsToFirehoseRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("logs-to-firehose"),
                trust_policy=service_trust([f"logs.{region}.amazonaws.com"], account_of(ctx)),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                        "Resource": self.firehose.arn,
                    },
                ),
            ),
        )
        CloudwatchLogSubscriptionFilter(
            self,
            "TrailToFirehose",
            name="audit-archive",
            log_group_name=self.log_group.name,
            filter_pattern="",
            destination_arn=self.firehose.arn,
            role_arn=role.arn,
            depends_on=[role.policy],
        )

    def _create_config(self) -> ConfigConfigurationRecorder:
        """Extension point: AWS Config records every supported resource, snapshots to the archive."""
        ctx, archive = self.props.ctx, self.props.archive
        role = LeastPrivilegeRole(
            self,
            "ConfigRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("config"),
                trust_policy=service_trust(["config.amazonaws.com"], account_of(ctx)),
                managed_policy_arns=("arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": "s3:PutObject",
                        "Resource": f"{archive.arn}/{CONFIG_PREFIX}/AWSLogs/{account_of(ctx)}/*",
                    },
                    {"Effect": "Allow", "Action": "s3:GetBucketAcl", "Resource": archive.arn},
                ),
            ),
        )
        grant_key(role, self.props.key, write=True)
        recorder = ConfigConfigurationRecorder(
            self,
            "ConfigRecorder",
            name=ctx.name("config"),
            role_arn=role.arn,
            recording_group=ConfigConfigurationRecorderRecordingGroup(
                all_supported=True, include_global_resource_types=True
            ),
        )
        channel = ConfigDeliveryChannel(
            self,
            "ConfigDelivery",
            name=ctx.name("config"),
            s3_bucket_name=archive.name,
            s3_key_prefix=CONFIG_PREFIX,
            s3_kms_key_arn=self.props.key.arn,
            snapshot_delivery_properties={"delivery_frequency": "TwentyFour_Hours"},
            depends_on=[recorder],
        )
        ConfigConfigurationRecorderStatus(
            self, "ConfigRecorderOn", name=recorder.name, is_enabled=True, depends_on=[channel]
        )
        return recorder

    def _create_guardduty(self) -> GuarddutyDetector:
        """Extension point: GuardDuty with S3, EKS audit-log, malware and runtime protection."""
        detector = GuarddutyDetector(
            self, "GuardDuty", enable=True, finding_publishing_frequency="FIFTEEN_MINUTES"
        )
        for feature in GUARDDUTY_FEATURES:
            extra = (
                [
                    GuarddutyDetectorFeatureAdditionalConfiguration(name=a, status="ENABLED")
                    for a in RUNTIME_AGENTS
                ]
                if feature == "RUNTIME_MONITORING"
                else None
            )
            GuarddutyDetectorFeature(
                self,
                f"GuardDuty-{feature}",
                detector_id=detector.id,
                name=feature,
                status="ENABLED",
                additional_configuration=extra,
            )
        return detector

    def _create_security_hub(self) -> SecurityhubAccount:
        """Extension point: Security Hub with consolidated findings and the chosen standards."""
        region = self.props.ctx.profile.aws(self.props.ctx.target).region
        hub = SecurityhubAccount(
            self,
            "SecurityHub",
            enable_default_standards=False,
            auto_enable_controls=True,
            control_finding_generator="SECURITY_CONTROL",
        )
        for standard in SECURITY_HUB_STANDARDS:
            SecurityhubStandardsSubscription(
                self,
                f"Standard-{standard.split('/')[1]}",
                standards_arn=f"arn:aws:securityhub:{region}::{standard}",
                depends_on=[hub],
            )
        return hub
