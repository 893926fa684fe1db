"""Checks over a whole target rather than one resource, which checkov's per-resource checks cannot express.

CKV_TML_10 asks that a Google Cloud deployment has a VPC Service Controls perimeter: a resource that is
required to exist somewhere among a profile's gcp stacks. Its results join checkov's and obey the same
allowlist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trademl.check.controls import PolicyInfo
from trademl.check.findings import Finding, Status
from trademl.check.prepare import Span, resources

PERIMETER = "google_access_context_manager_service_perimeter"
PERIMETERS = "google_access_context_manager_service_perimeters"  # every perimeter of a policy in one resource
MEMBER = "google_access_context_manager_service_perimeter_resource"  # adds a project to a perimeter
VPC_SC = PolicyInfo(
    check_id="CKV_TML_10",
    name="A VPC Service Controls perimeter restricts services around the project",
    control="data-perimeter",
    satisfied_by={
        "gcp": f"{PERIMETER} (status.restricted_services; status.resources or a {MEMBER})",
    },
    source="src/trademl/check/stack_checks.py",
)


@dataclass(frozen=True, slots=True)
class StackDoc:
    """A parsed stack, with where its blocks sit in the original file."""

    name: str
    target: str
    profile: str
    file: str
    doc: Mapping[str, object]
    spans: Mapping[str, Span]


def _list(node: object) -> list[object]:
    return node if isinstance(node, list) else [] if node is None else [node]


def _statuses(rtype: str, conf: Mapping[str, object]) -> list[Mapping[str, object]]:
    """The enforced (`status`) configurations a perimeter resource declares."""
    holders = _list(conf.get("service_perimeters")) if rtype == PERIMETERS else [conf]
    return [
        status
        for holder in holders
        if isinstance(holder, Mapping)
        for status in _list(holder.get("status"))
        if isinstance(status, Mapping)
    ]


def _enforces(status: Mapping[str, object], has_members: bool) -> bool:
    return bool(_list(status.get("restricted_services"))) and (
        bool(_list(status.get("resources"))) or has_members
    )


def vpc_sc_findings(stacks: Sequence[StackDoc]) -> list[Finding]:
    """One finding per perimeter in each profile's gcp stacks, or one failure when there is none."""
    findings: list[Finding] = []
    by_profile: dict[str, list[StackDoc]] = {}
    for stack in stacks:
        if stack.target == "gcp":
            by_profile.setdefault(stack.profile, []).append(stack)
    for group in by_profile.values():
        group = sorted(group, key=lambda s: s.name)
        has_members = any(rtype == MEMBER for s in group for rtype, _, _ in resources(s.doc))
        found = [
            (stack, rtype, name, conf)
            for stack in group
            for rtype, name, conf in resources(stack.doc)
            if rtype in (PERIMETER, PERIMETERS)
        ]
        if not found:
            # Reported where the network lives, so the finding (and any allowlist entry) has a stable home.
            home = next((s for s in group if s.name.endswith("-foundation")), group[0])
            findings.append(_finding(home, PERIMETER, Span(1, 1), Status.FAILED))
        for stack, rtype, name, conf in found:
            address = f"{rtype}.{name}"
            ok = any(_enforces(status, has_members) for status in _statuses(rtype, conf))
            span = stack.spans.get(address, Span(1, 1))
            findings.append(_finding(stack, address, span, Status.PASSED if ok else Status.FAILED))
    return findings


def _finding(stack: StackDoc, resource: str, span: Span, status: Status) -> Finding:
    return Finding(
        check_id=VPC_SC.check_id,
        check_name=VPC_SC.name,
        stack=stack.name,
        target=stack.target,
        resource=resource,
        status=status,
        file=stack.file,
        start_line=span.start,
        end_line=span.end,
        source="trademl",
    )
