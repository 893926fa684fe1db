"""Monitoring of the ECS platform beyond Container Insights: Amazon Managed Prometheus (KMS) and Amazon
Managed Grafana (IAM Identity Center sign-in, inside the VPC), an anomaly-detection alarm on request
volume that scales inference out ahead of CPU, and the service's running-task floor alarm."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyStepScalingPolicyConfiguration,
    AppautoscalingPolicyStepScalingPolicyConfigurationStepAdjustment,
)
from cdktn_provider_aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from cdktn_provider_aws.grafana_workspace import GrafanaWorkspace, GrafanaWorkspaceVpcConfiguration
from cdktn_provider_aws.prometheus_workspace import (
    PrometheusWorkspace,
    PrometheusWorkspaceLoggingConfiguration,
)
from cdktn_provider_aws.security_group import SecurityGroup
from cdktn_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from constructs import Construct

from trademl.constructs.aws.alerts import AlarmSpec, Alerts
from trademl.constructs.aws.ecs.inference import Inference
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    service_trust,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.logs import LogGroup, LogGroupProps
from trademl.constructs.aws.network import NetworkRef
from trademl.constructs.context import BuildContext

ANOMALY_BAND_WIDTH = 2  # standard deviations


@dataclass(frozen=True, kw_only=True, slots=True)
class EcsMonitoringProps:
    ctx: BuildContext
    key: KeyRef
    network: NetworkRef
    inference: Inference
    alerts: Alerts


class EcsMonitoring(Construct):
    def __init__(self, scope: Construct, id: str, props: EcsMonitoringProps) -> None:
        super().__init__(scope, id)
        self.props = props
        ctx = props.ctx
        logs = LogGroup(
            self,
            "PrometheusLogs",
            LogGroupProps(ctx=ctx, name=f"/trademl/{ctx.prefix}/prometheus", key=props.key),
        )
        self.prometheus = PrometheusWorkspace(
            self,
            "Prometheus",
            alias=ctx.name("metrics"),
            kms_key_arn=props.key.arn,
            logging_configuration=PrometheusWorkspaceLoggingConfiguration(log_group_arn=f"{logs.arn}:*"),
        )
        self.grafana = self._create_grafana()
        self.anomaly_alarm = self._anomaly_scaling()
        service = props.inference.service
        props.alerts.add_alarm(
            "ServingTaskFloor",
            AlarmSpec(
                name="serving-running-tasks",
                namespace="ECS/ContainerInsights",
                metric_name="RunningTaskCount",
                statistic="Minimum",
                comparison="LessThanThreshold",
                threshold=service.props.min_count,
                dimensions={"ClusterName": service.props.cluster.name, "ServiceName": service.name},
                treat_missing_data="breaching",
                description="Fewer inference tasks than serving.min_replicas (spot interruptions, failed tasks)",
            ),
        )

    def grant_remote_write(self, role: LeastPrivilegeRole) -> None:
        role.add_statement({"Effect": "Allow", "Action": "aps:RemoteWrite", "Resource": self.prometheus.arn})

    def _create_grafana(self) -> GrafanaWorkspace:
        """Extension point: Grafana in the private subnets, reading Prometheus, CloudWatch and X-Ray."""
        ctx, net = self.props.ctx, self.props.network
        role = LeastPrivilegeRole(
            self,
            "GrafanaRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name("grafana"),
                trust_policy=service_trust(["grafana.amazonaws.com"], account_of(ctx)),
                statements=(
                    {
                        "Effect": "Allow",
                        "Resource": self.prometheus.arn,
                        "Action": [
                            "aps:DescribeWorkspace",
                            "aps:GetLabels",
                            "aps:GetMetricMetadata",
                            "aps:GetSeries",
                            "aps:QueryMetrics",
                        ],
                    },
                    # CloudWatch and X-Ray read APIs take no resource ARN.
                    {
                        "Effect": "Allow",
                        "Resource": "*",
                        "Action": [
                            "aps:ListWorkspaces",
                            "cloudwatch:DescribeAlarms",
                            "cloudwatch:GetMetricData",
                            "cloudwatch:ListMetrics",
                            "logs:DescribeLogGroups",
                            "logs:GetQueryResults",
                            "logs:StartQuery",
                            "xray:BatchGetTraces",
                            "xray:GetServiceGraph",
                            "xray:GetTraceSummaries",
                        ],
                    },
                ),
            ),
        )
        sg = SecurityGroup(
            self,
            "GrafanaSecurityGroup",
            name=ctx.name("grafana"),
            vpc_id=net.vpc_id,
            description="Managed Grafana ENIs: HTTPS to the VPC only",
        )
        VpcSecurityGroupEgressRule(
            self,
            "GrafanaToVpc",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=str(ctx.profile.aws(ctx.target).network.cidr),
            description="Prometheus and CloudWatch endpoints",
        )
        return GrafanaWorkspace(
            self,
            "Grafana",
            name=ctx.name("grafana"),
            account_access_type="CURRENT_ACCOUNT",
            authentication_providers=["AWS_SSO"],
            permission_type="SERVICE_MANAGED",
            role_arn=role.arn,
            data_sources=["CLOUDWATCH", "PROMETHEUS", "XRAY"],
            notification_destinations=["SNS"],
            vpc_configuration=GrafanaWorkspaceVpcConfiguration(
                security_group_ids=[sg.id], subnet_ids=net.private_subnet_ids
            ),
            depends_on=[role.policy],
        )

    def _anomaly_scaling(self) -> CloudwatchMetricAlarm:
        """Request volume above its learned band adds tasks before CPU catches up (and alerts)."""
        ctx, inference, alerts = self.props.ctx, self.props.inference, self.props.alerts
        service = inference.service
        step = AppautoscalingPolicy(
            self,
            "AnomalyStep",
            name=ctx.name("serving", "anomaly"),
            policy_type="StepScaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=service.scaling_target.resource_id,
            step_scaling_policy_configuration=AppautoscalingPolicyStepScalingPolicyConfiguration(
                adjustment_type="ChangeInCapacity",
                cooldown=120,
                metric_aggregation_type="Maximum",
                step_adjustment=[
                    AppautoscalingPolicyStepScalingPolicyConfigurationStepAdjustment(
                        metric_interval_lower_bound="0", scaling_adjustment=2
                    )
                ],
            ),
            depends_on=[service.scaling_target],
        )
        lb = inference.balancer
        return CloudwatchMetricAlarm(
            self,
            "RequestAnomaly",
            alarm_name=f"{alerts.alarm_prefix}-serving-request-anomaly",
            alarm_description="Inference requests above the anomaly band: scale out",
            comparison_operator="GreaterThanUpperThreshold",
            threshold_metric_id="band",
            evaluation_periods=3,
            datapoints_to_alarm=2,
            treat_missing_data="notBreaching",
            alarm_actions=[step.arn, alerts.arn],
            ok_actions=[alerts.arn],
            metric_query=[
                CloudwatchMetricAlarmMetricQuery(
                    id="requests",
                    return_data=True,
                    metric=(
                        CloudwatchMetricAlarmMetricQueryMetric(
                            namespace="AWS/ApplicationELB",
                            metric_name="RequestCountPerTarget",
                            stat="Sum",
                            period=60,
                            dimensions={"TargetGroup": lb.target_group.arn_suffix},
                        )
                    ),
                ),
                CloudwatchMetricAlarmMetricQuery(
                    id="band",
                    return_data=True,
                    label="expected requests",
                    expression=f"ANOMALY_DETECTION_BAND(requests, {ANOMALY_BAND_WIDTH})",
                ),
            ],
        )
