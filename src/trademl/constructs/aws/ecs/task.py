"""Task definitions that are hardened by default: read-only root filesystem, a non-root user, every Linux
capability dropped, a container health check, logs into a pre-created encrypted group, and an X-Ray
daemon sidecar. Two least-privilege roles: execution (pull + log) and task (what the app may touch)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktn_provider_aws.ecs_task_definition import EcsTaskDefinition, EcsTaskDefinitionVolume
from constructs import Construct

from trademl.constructs.aws.ecs.images import XRAY_DAEMON, PublicImageCache, ecr_public
from trademl.constructs.aws.ecs.placement import Placement
from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    account_of,
    policy_json,
)
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.aws.logs import LogGroup, LogGroupProps

APP_USER = "10001:10001"
XRAY_USER = "1337:1337"
XRAY_PORT = 2000


@dataclass(frozen=True, kw_only=True, slots=True)
class ContainerSpec:
    """The application container of a service."""

    image: str
    port: int
    health_path: str
    cpu: int = 1024
    """Task CPU units. Default: 1 vCPU."""
    memory: int = 2048
    """Task memory in MiB. Default: 2 GiB."""
    gpus: int = 0
    """GPUs per task (EC2 capacity only). Default: none."""
    environment: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class HardenedTaskProps:
    placement: Placement
    name: str
    """Service name (short): names the family, the roles and the log group."""
    key: KeyRef
    """Encrypts the log group."""
    container: ContainerSpec
    public_images: PublicImageCache
    fargate: bool = True
    """False: EC2 (GPU) capacity. Both use awsvpc networking."""


def _ecs_trust(placement: Placement) -> str:
    ctx = placement.ctx
    return policy_json(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_of(ctx)},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{placement.region_name}:{account_of(ctx)}:*"},
                },
            }
        ]
    )


class HardenedTask(Construct):
    """Grant on `execution_role` (image pulls) and `task_role` (the app's own access)."""

    def __init__(self, scope: Construct, id: str, props: HardenedTaskProps) -> None:
        super().__init__(scope, id)
        self.props = props
        p = props.placement
        ctx = p.ctx
        self.log_group = LogGroup(
            self,
            "Logs",
            LogGroupProps(
                ctx=ctx, name=f"/trademl/{ctx.prefix}/ecs/{props.name}", key=props.key, region=p.region
            ),
        )
        self.execution_role = LeastPrivilegeRole(
            self,
            "ExecutionRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name(p.suffix(f"{props.name}-exec")),
                trust_policy=_ecs_trust(p),
                statements=(
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": f"{self.log_group.arn}:*",
                    },
                ),
            ),
        )
        props.public_images.grant_pull(self.execution_role)
        self.task_role = LeastPrivilegeRole(
            self,
            "TaskRole",
            LeastPrivilegeRoleProps(
                ctx=ctx,
                name=ctx.name(p.suffix(f"{props.name}-task")),
                trust_policy=_ecs_trust(p),
                # X-Ray's write and sampling APIs take no resource ARN: "*" is the only form AWS accepts.
                statements=(
                    {
                        "Effect": "Allow",
                        "Resource": "*",
                        "Action": [
                            "xray:GetSamplingRules",
                            "xray:GetSamplingStatisticSummaries",
                            "xray:GetSamplingTargets",
                            "xray:PutTelemetryRecords",
                            "xray:PutTraceSegments",
                        ],
                    },
                ),
            ),
        )
        self.definition = self._create_definition()
        self.arn: str = self.definition.arn

    def _log(self, prefix: str) -> dict[str, object]:
        return {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": self.log_group.name,
                "awslogs-region": self.props.placement.region_name,
                "awslogs-stream-prefix": prefix,
            },
        }

    def containers(self) -> list[dict[str, object]]:
        """Extension point: the container definitions (app first, then sidecars)."""
        c, p = self.props.container, self.props.placement
        probe = f"wget -q -O /dev/null http://127.0.0.1:{c.port}{c.health_path} || exit 1"
        env = {**c.environment, "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{XRAY_PORT}"}
        app: dict[str, object] = {
            "name": "app",
            "image": c.image,
            "essential": True,
            "portMappings": [{"name": "http", "containerPort": c.port, "protocol": "tcp"}],
            "readonlyRootFilesystem": True,
            "user": APP_USER,
            "privileged": False,
            "linuxParameters": {"initProcessEnabled": True, "capabilities": {"drop": ["ALL"]}},
            "healthCheck": {
                "command": ["CMD-SHELL", probe],
                "interval": 15,
                "timeout": 5,
                "retries": 3,
                "startPeriod": 60,
            },
            "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}],
            "environment": [{"name": k, "value": v} for k, v in sorted(env.items())],
            "logConfiguration": self._log("app"),
            "dependsOn": [{"containerName": "xray-daemon", "condition": "START"}],
        }
        if c.gpus:
            app["resourceRequirements"] = [{"type": "GPU", "value": str(c.gpus)}]
        xray: dict[str, object] = {
            "name": "xray-daemon",
            "image": ecr_public(p, XRAY_DAEMON),
            "essential": False,
            "cpu": 32,
            "memoryReservation": 256,
            "readonlyRootFilesystem": True,
            "user": XRAY_USER,
            "privileged": False,
            "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
            "portMappings": [{"containerPort": XRAY_PORT, "protocol": "udp"}],
            "logConfiguration": self._log("xray"),
        }
        return [app, xray]

    def _create_definition(self) -> EcsTaskDefinition:
        """Extension point: the task definition."""
        props, p = self.props, self.props.placement
        c = props.container
        return EcsTaskDefinition(
            self,
            "Definition",
            family=p.ctx.name(props.name),
            network_mode="awsvpc",
            region=p.region,
            requires_compatibilities=["FARGATE"] if props.fargate else ["EC2"],
            cpu=str(c.cpu),
            memory=str(c.memory),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=json.dumps(self.containers(), sort_keys=True),
            runtime_platform={"operating_system_family": "LINUX", "cpu_architecture": "X86_64"},
            volume=[EcsTaskDefinitionVolume(name="tmp")],
        )
