"""The copy of a stack that checkov scans, and where each block sits in a pretty-printed stack file.

checkov's terraform_json parser rejects a whole file (and still exits 0) when a top-level block holds a plain
string where it expects an object: `terraform.required_version`, and the `import`, `moved` and `removed`
blocks cdktf writes for adoption and refactors. Those blocks configure Terraform and state, not cloud
resources, so the copy drops them. The copy also notes the stack's environment in each resource's `//`
comment (ignored by Terraform) so policies can tell prod from dev on resources that carry no tags.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

JsonObject = dict[str, object]

STRIPPED_BLOCKS = ("terraform", "import", "moved", "removed")
BLOCK_KINDS = ("resource", "data")


def _items(node: object) -> list[Mapping[str, object]]:
    """cdktf writes a block either as an object or as a list of objects."""
    if isinstance(node, Mapping):
        return [node]
    if isinstance(node, list):
        return [item for item in node if isinstance(item, Mapping)]
    return []


def _environment_of(tags: object) -> str | None:
    for mapping in _items(tags):
        env = mapping.get("environment")
        if isinstance(env, str) and "${" not in env:
            return env
    return None


def resources(
    doc: Mapping[str, object], kind: str = "resource"
) -> list[tuple[str, str, Mapping[str, object]]]:
    """(type, name, config) of every resource (or data source) in a stack document."""
    found = []
    for block in _items(doc.get(kind)):
        for rtype, named in block.items():
            for group in _items(named):
                for name, conf in group.items():
                    if name != "//" and isinstance(conf, Mapping):
                        found.append((rtype, name, conf))
    return found


def stack_environment(doc: Mapping[str, object]) -> str | None:
    """The provider's default tags or labels, else the `environment` most of the stack's resources carry."""
    for block in _items(doc.get("provider")):
        for configs in block.values():
            for config in _items(configs):
                for default in _items(config.get("default_tags")):
                    env = _environment_of(default.get("tags"))
                    if env:
                        return env
                env = _environment_of(config.get("default_labels"))
                if env:
                    return env
    seen = Counter(
        env
        for _, _, conf in resources(doc)
        for env in (_environment_of(conf.get("tags")), _environment_of(conf.get("labels")))
        if env
    )
    return seen.most_common(1)[0][0] if seen else None


def scan_copy(doc: Mapping[str, object]) -> JsonObject:
    """The document checkov should see: blocks it cannot parse removed, the environment noted per resource."""
    copy: JsonObject = json.loads(json.dumps({k: v for k, v in doc.items() if k not in STRIPPED_BLOCKS}))
    env = stack_environment(copy)
    if env is None:
        return copy
    for _, _, conf in resources(copy):
        assert isinstance(conf, dict)
        comment = conf.get("//")
        note: JsonObject = dict(comment) if isinstance(comment, Mapping) else {}
        note["trademl"] = {"environment": env}
        conf["//"] = note
    return copy


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def block_spans(text: str) -> dict[str, Span]:
    """Line spans of `type.name`, `data.type.name` and `provider.name` in a pretty-printed stack file.

    Works on any JSON printed one key per line (cdktf and json.dumps with indent): an opener line ends in
    `{` or `[`, a closer line starts with `}` or `]`.
    """
    spans: dict[str, Span] = {}
    open_keys: list[tuple[str | None, int]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith(("}", "]")):
            if not open_keys:
                break
            _record(spans, [key for key, _ in open_keys], open_keys[-1][1], number)
            open_keys.pop()
        elif line.endswith(("{", "[")):
            key = None
            if line.startswith('"'):
                try:
                    key = json.loads(line[: line.rindex(":")])
                except ValueError:
                    key = None
            open_keys.append((key if isinstance(key, str) else None, number))
    return spans


def _record(spans: dict[str, Span], path: list[str | None], start: int, end: int) -> None:
    # path[0] is the document's own `{`.
    if len(path) == 4 and path[1] in BLOCK_KINDS and path[2] and path[3]:
        prefix = "data." if path[1] == "data" else ""
        spans.setdefault(f"{prefix}{path[2]}.{path[3]}", Span(start, end))
    elif len(path) == 3 and path[1] == "provider" and path[2]:
        spans.setdefault(f"provider.{path[2]}", Span(start, end))
