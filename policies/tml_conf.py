"""Helpers shared by trademl's checks: read checkov's view of a terraform_json resource.

checkov wraps every attribute and nested block in a list (`{"rule": [{"mode": ["COMPLIANCE"]}]}`), tags stay a
raw dict inside a list, and cdktf may emit a single nested block as a dict or as a one-element list. These
helpers hide all of that so each check reads like its rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

NON_PROD = frozenset({"dev", "staging"})


def unwrap(node: object) -> object:
    """The first element of (nested) lists, or the node itself."""
    while isinstance(node, list):
        if not node:
            return None
        node = node[0]
    return node


def value(conf: Mapping[str, Any], *path: str) -> object:
    """The value at path, unwrapping checkov's lists at every level; None when any step is missing."""
    node: object = conf
    for key in path:
        node = unwrap(node)
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return unwrap(node)


def is_true(node: object) -> bool:
    return node is True or (isinstance(node, str) and node.lower() == "true")


def is_set(node: object) -> bool:
    """A non-empty literal or reference (a `${...}` token counts: Terraform fills it in)."""
    return node is not None and node != "" and node != [] and node != {}


def positive(node: object) -> bool:
    """A literal number above zero. Tokens are not accepted: a retention period must be reviewable."""
    if isinstance(node, bool):
        return False
    if isinstance(node, int | float):
        return node > 0
    return isinstance(node, str) and node.isdigit() and int(node) > 0


def _segments(name: object) -> set[str]:
    if not isinstance(name, str) or "${" in name:
        return set()
    return set(re.split(r"[^a-z0-9]+", name.lower()))


def environment(conf: Mapping[str, Any], *name_keys: str) -> str:
    """The environment a resource belongs to; "prod" unless it can be shown otherwise (fail closed).

    Evidence, strongest first: the resource's own `environment` tag or label; the stack environment that
    `trademl check` writes into the resource's `//` comment (from the provider's default_tags or the stack's
    tags); a `prod`, `staging` or `dev` segment of its name (trademl names start `<platform>-<environment>-`).
    """
    for key in ("tags", "labels"):
        own = value(conf, key, "environment")
        if isinstance(own, str) and "${" not in own:
            return own
    noted = value(conf, "//", "trademl", "environment")
    if isinstance(noted, str):
        return noted
    for key in name_keys:
        segments = _segments(value(conf, key))
        if "prod" in segments:
            return "prod"
        found = sorted(segments & NON_PROD)
        if found:
            return found[0]
    return "prod"


def is_prod(conf: Mapping[str, Any], *name_keys: str) -> bool:
    return environment(conf, *name_keys) not in NON_PROD


def has_segment(name: object, segment: str) -> bool:
    return segment in _segments(name)
