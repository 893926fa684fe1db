"""Does an IAM role (or a resource policy) allow an action on a resource? Read from the JSON only."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase

from trademl.parity.graph import Resource, TargetIndex

# AWS managed policies the targets attach by ARN, with the actions that matter to parity.
MANAGED: dict[str, tuple[str, ...]] = {
    "AmazonEC2ContainerRegistryReadOnly": (
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:GetAuthorizationToken",
    ),
    "AmazonEC2ContainerRegistryPullOnly": (
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:GetAuthorizationToken",
    ),
    "AmazonECSTaskExecutionRolePolicy": (
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:GetAuthorizationToken",
        "logs:PutLogEvents",
    ),
}


def _statements(doc: object) -> Iterator[Mapping[str, object]]:
    if isinstance(doc, Mapping):
        stmts = doc.get("Statement", doc.get("statement", []))
        for stmt in stmts if isinstance(stmts, list) else [stmts]:
            if isinstance(stmt, Mapping):
                yield stmt


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def statements(index: TargetIndex, holder: Resource, key: str = "policy") -> Iterator[Mapping[str, object]]:
    """Statements of a policy attribute: a JSON string, or a reference to data.aws_iam_policy_document."""
    for text in holder.get(key):
        if not isinstance(text, str):
            continue
        try:
            yield from _statements(json.loads(text))
            continue
        except ValueError:
            pass
        for doc in index.resolve_text(holder.stack, text):
            if doc.type == "aws_iam_policy_document":
                for stmt in doc.get("statement"):
                    if isinstance(stmt, Mapping):
                        yield {
                            "Effect": str(stmt.get("effect", "Allow")).title(),
                            "Action": stmt.get("actions", []),
                            "Resource": stmt.get("resources", []),
                            "Principal": stmt.get("principals", []),
                        }


def role_policies(index: TargetIndex, role: Resource) -> list[Resource]:
    """Inline and attached customer policies of a role, plus managed-policy attachments."""
    out = index.referrers(role, "aws_iam_role_policy", where="role")
    for att in index.referrers(role, "aws_iam_role_policy_attachment", where="role"):
        out.append(att)
        out.extend(index.targets(att, "aws_iam_policy", where="policy_arn"))
    return out


def _matches(patterns: list[str], action: str) -> bool:
    return any(fnmatchcase(action.lower(), p.lower()) for p in patterns)


def allows(
    index: TargetIndex, role: Resource, actions: tuple[str, ...], on: Resource | None
) -> list[Resource]:
    """The policies through which `role` may do any of `actions` on `on` (any resource if None); [] if none."""
    proof: list[Resource] = []
    for pol in role_policies(index, role):
        if pol.type == "aws_iam_role_policy_attachment":
            arn = str(pol.first("policy_arn") or "")
            granted = MANAGED.get(arn.rsplit("/", 1)[-1], ())
            if any(a in granted for a in actions):
                proof.append(pol)
            continue
        for stmt in statements(index, pol):
            if stmt.get("Effect", "Allow") != "Allow":
                continue
            if not any(_matches(_as_list(stmt.get("Action")), a) for a in actions):
                continue
            targets = _as_list(stmt.get("Resource"))
            if on is None or "*" in targets or any(index.mentions(pol.stack, t, on) for t in targets):
                proof.append(pol)
                break
    return proof


def trusts(index: TargetIndex, role: Resource, principal: str) -> bool:
    """The role's trust policy lets `principal` (a service or federated provider fragment) assume it."""
    for stmt in statements(index, role, "assume_role_policy"):
        if principal in json.dumps(stmt.get("Principal", "")):
            return True
    return False
