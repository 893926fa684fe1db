"""Read synthesized Terraform JSON in tests: load a stack, find resources, assert subsets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def stack(out: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "stacks" / name / "cdk.tf.json").read_text())
    return data


def resources(stack_json: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = stack_json.get("resource", {}).get(type_, {})
    return found


def one(stack_json: dict[str, Any], type_: str) -> dict[str, Any]:
    found = resources(stack_json, type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.values()))


def like(actual: Any, expected: Any) -> bool:
    """True when `expected` is a subset of `actual` (dicts by key, lists element-wise, else equal)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and like(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(like(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


def assert_resource_like(stack_json: dict[str, Any], type_: str, expected: dict[str, Any]) -> dict[str, Any]:
    """At least one resource of `type_` contains `expected`; returns it."""
    candidates = resources(stack_json, type_)
    for body in candidates.values():
        if like(body, expected):
            return body
    raise AssertionError(f"no {type_} like {expected}; have {json.dumps(candidates, indent=1)[:2000]}")


def sse_kms_keys(stack_json: dict[str, Any]) -> list[Any]:
    """The KMS key of every SSE-KMS rule on the stack's S3 bucket encryption configurations."""
    return [
        rule["apply_server_side_encryption_by_default"].get("kms_master_key_id")
        for conf in resources(stack_json, "aws_s3_bucket_server_side_encryption_configuration").values()
        for rule in conf["rule"]
        if rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    ]
