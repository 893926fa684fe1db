"""IAM roles for service accounts: each role trusts exactly one namespace/service-account pair."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from trademl.constructs.aws.identity import (
    LeastPrivilegeRole,
    LeastPrivilegeRoleProps,
    OidcIssuer,
    Statement,
    irsa_trust,
)
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class IrsaRoleProps:
    ctx: BuildContext
    issuer: OidcIssuer
    namespace: str
    service_account: str
    name: str
    """Role name; the workloads layer annotates the service account with the matching ARN."""
    statements: tuple[Statement, ...] = ()
    managed_policy_arns: tuple[str, ...] = ()


class IrsaRole(LeastPrivilegeRole):
    def __init__(self, scope: Construct, id: str, props: IrsaRoleProps) -> None:
        super().__init__(
            scope,
            id,
            LeastPrivilegeRoleProps(
                ctx=props.ctx,
                name=props.name,
                statements=props.statements,
                managed_policy_arns=props.managed_policy_arns,
                trust_policy=irsa_trust(props.issuer, props.namespace, props.service_account),
            ),
        )
        self.namespace = props.namespace
        self.service_account = props.service_account
