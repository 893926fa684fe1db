"""Small hand-written synthesized stacks, shaped exactly like cdktn's output (cross-stack outputs included)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from trademl.model import Profile, TargetName, load_profile
from trademl.parity.evidence import Ctx
from trademl.parity.graph import TargetIndex, index_target

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "profiles" / "example.yaml"
REMOTE = "${data.terraform_remote_state.cross-stack-reference-input-alpha-aws-eks-foundation.outputs.%s}"


def profile() -> Profile:
    return load_profile(EXAMPLE)


def _policy(actions: list[str], resource: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]}
    )


def _store(name: str, key: str) -> dict[str, dict[str, Any]]:
    ref = f"${{aws_s3_bucket.{name}.id}}"
    return {
        "aws_s3_bucket": {name: {"bucket": f"alpha-prod-{name.lower()}-111111111111"}},
        "aws_s3_bucket_versioning": {
            f"{name}_v": {"bucket": ref, "versioning_configuration": {"status": "Enabled"}}
        },
        "aws_s3_bucket_server_side_encryption_configuration": {
            f"{name}_e": {
                "bucket": ref,
                "rule": [
                    {
                        "apply_server_side_encryption_by_default": {
                            "sse_algorithm": "aws:kms",
                            "kms_master_key_id": key,
                        }
                    }
                ],
            }
        },
    }


def _merge(into: dict[str, dict[str, Any]], more: dict[str, dict[str, Any]]) -> None:
    for type_, named in more.items():
        into.setdefault(type_, {}).update(named)


def aws_stacks() -> dict[str, dict[str, Any]]:
    """foundation (key, three stores), audit (WORM archive, trail, log pipeline), platform (alarms, flows)."""
    foundation: dict[str, dict[str, Any]] = {
        "aws_kms_key": {"Key": {"enable_key_rotation": True, "rotation_period_in_days": 365}},
    }
    for name in ("Data", "Models", "Logs"):
        _merge(foundation, _store(name, "${aws_kms_key.Key.arn}"))
    archive = "${aws_s3_bucket.Archive.id}"
    audit: dict[str, dict[str, Any]] = {
        "aws_s3_bucket": {
            "Archive": {"bucket": "alpha-prod-audit-111111111111", "object_lock_enabled": True}
        },
        "aws_s3_bucket_object_lock_configuration": {
            "Lock": {"bucket": archive, "rule": {"default_retention": {"mode": "COMPLIANCE", "years": 7}}}
        },
        "aws_cloudtrail": {
            "Trail": {
                "s3_bucket_name": archive,
                "is_multi_region_trail": True,
                "enable_log_file_validation": True,
                "kms_key_id": REMOTE % "cross-stack-output-aws_kms_keyKeyarn",
            }
        },
        "aws_cloudwatch_log_group": {"Workloads": {"name": "/trademl/workloads"}},
        "aws_iam_role": {
            "ToFirehose": {"assume_role_policy": "{}"},
            "FirehoseWrites": {"assume_role_policy": "{}"},
        },
        "aws_iam_role_policy": {
            "ToFirehosePut": {
                "role": "${aws_iam_role.ToFirehose.id}",
                "policy": _policy(
                    ["firehose:PutRecord", "firehose:PutRecordBatch"],
                    "${aws_kinesis_firehose_delivery_stream.Hose.arn}",
                ),
            },
            "FirehoseWritesS3": {
                "role": "${aws_iam_role.FirehoseWrites.id}",
                "policy": _policy(["s3:PutObject"], "${aws_s3_bucket.Archive.arn}/*"),
            },
        },
        "aws_kinesis_firehose_delivery_stream": {
            "Hose": {
                "extended_s3_configuration": {
                    "bucket_arn": "${aws_s3_bucket.Archive.arn}",
                    "role_arn": "${aws_iam_role.FirehoseWrites.arn}",
                }
            }
        },
        "aws_cloudwatch_log_subscription_filter": {
            "Ship": {
                "log_group_name": "${aws_cloudwatch_log_group.Workloads.name}",
                "destination_arn": "${aws_kinesis_firehose_delivery_stream.Hose.arn}",
                "role_arn": "${aws_iam_role.ToFirehose.arn}",
            }
        },
    }
    _merge(audit, _store("AuditSse", REMOTE % "cross-stack-output-aws_kms_keyKeyarn"))
    del audit["aws_s3_bucket"]["AuditSse"]  # only the encryption of the archive, below
    audit["aws_s3_bucket_server_side_encryption_configuration"]["AuditSse_e"]["bucket"] = archive
    del audit["aws_s3_bucket_versioning"]
    platform: dict[str, dict[str, Any]] = {
        "aws_sagemaker_pipeline": {"Retrain": {"pipeline_name": "alpha-prod-retrain"}},
        "aws_sns_topic": {"Alerts": {"name": "alpha-prod-alerts"}},
        "aws_cloudwatch_metric_alarm": {
            "AccuracyDrop": {
                "metric_name": "ModelAccuracy",
                "threshold": 5,
                "alarm_name": "alpha-prod-accuracy-drop",
                "alarm_actions": ["${aws_sns_topic.Alerts.arn}"],
            },
        },
        "aws_cloudwatch_event_rule": {
            "OnDrift": {
                "event_pattern": json.dumps(
                    {
                        "source": ["aws.cloudwatch"],
                        "detail-type": ["CloudWatch Alarm State Change"],
                        "resources": ["${aws_cloudwatch_metric_alarm.AccuracyDrop.arn}"],
                    }
                )
            },
            "Daily": {"schedule_expression": "cron(30 21 ? * MON-FRI *)"},
            "Weekly": {"schedule_expression": "cron(0 3 ? * SAT *)"},
        },
        "aws_iam_role": {"Starter": {"assume_role_policy": "{}"}},
        "aws_iam_role_policy": {
            "StarterStarts": {
                "role": "${aws_iam_role.Starter.id}",
                "policy": _policy(
                    ["sagemaker:StartPipelineExecution"], "${aws_sagemaker_pipeline.Retrain.arn}"
                ),
            }
        },
        "aws_cloudwatch_event_target": {
            name: {
                "rule": f"${{aws_cloudwatch_event_rule.{name[:-1]}.name}}",
                "arn": "${aws_sagemaker_pipeline.Retrain.arn}",
                "role_arn": "${aws_iam_role.Starter.arn}",
            }
            for name in ("OnDriftT", "DailyT", "WeeklyT")
        },
        "aws_lambda_function": {
            "Relay": {
                "function_name": "alpha-prod-slack-relay",
                "environment": {"variables": {"WEBHOOK": "${var.slack_webhook_url}"}},
            }
        },
        "aws_sns_topic_subscription": {
            "ToRelay": {
                "topic_arn": "${aws_sns_topic.Alerts.arn}",
                "protocol": "lambda",
                "endpoint": "${aws_lambda_function.Relay.arn}",
            }
        },
    }
    return {
        "alpha-aws-eks-foundation": {
            "resource": foundation,
            "output": {
                "cross-stack-output-aws_kms_keyKeyarn": {"sensitive": True, "value": "${aws_kms_key.Key.arn}"}
            },
        },
        "alpha-aws-eks-audit": {
            "resource": audit,
            "data": {
                "terraform_remote_state": {
                    "cross-stack-reference-input-alpha-aws-eks-foundation": {"backend": "s3", "config": {}}
                }
            },
        },
        "alpha-aws-eks-platform": {
            "resource": platform,
            "variable": {"slack_webhook_url": {"type": "string", "sensitive": True}},
        },
    }


def ctx(
    stacks: dict[str, dict[str, Any]], target: TargetName = TargetName.AWS_EKS, prof: Profile | None = None
) -> Ctx:
    index: TargetIndex = index_target(stacks, "alpha", target.value)
    return Ctx(index=index, profile=prof or profile(), target=target)


def without(
    stacks: dict[str, dict[str, Any]], stack: str, type_: str, name: str | None = None
) -> dict[str, dict[str, Any]]:
    """A copy with one resource (or every resource of a type) removed: the evidence-removal operator."""
    out = copy.deepcopy(stacks)
    block = out[stack]["resource"]
    if name is None:
        del block[type_]
    else:
        del block[type_][name]
    return out
