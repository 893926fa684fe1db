"""Load the synthesized Terraform JSON of one target into an index that follows references.

Only the output is read (manifest.json + stacks/*/cdk.tf.json): what a construct claims but did not emit
does not exist here. References are the `${type.name.attr}` tokens Terraform itself resolves, including
cdktn's cross-stack ones (`${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<o>}`
in the consumer, resolved through the producer's `output.<o>.value`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Json = object
_REMOTE = "cross-stack-reference-input-"
# One reference inside an interpolation: [data.]type.name[.attr...]; types are lower_snake, names are ids.
_REF = re.compile(
    r"(?<![\w.\-])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_\-]*)((?:\.[A-Za-z0-9_\-]+)*)"
)


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource or data source of one stack."""

    stack: str
    type: str
    name: str
    body: Mapping[str, Json]
    data: bool = False

    @property
    def address(self) -> str:
        kind = f"data.{self.type}" if self.data else self.type
        return f"{self.stack}/{kind}.{self.name}"

    @property
    def local(self) -> str:
        """The address Terraform uses inside the stack."""
        return f"data.{self.type}.{self.name}" if self.data else f"{self.type}.{self.name}"

    @property
    def path(self) -> str:
        """The construct path cdktn recorded (readable in reports)."""
        meta = self.body.get("//")
        if isinstance(meta, Mapping):
            inner = meta.get("metadata")
            if isinstance(inner, Mapping) and isinstance(inner.get("path"), str):
                return str(inner["path"])
        return self.address

    def get(self, path: str) -> list[Json]:
        """Every value at a dotted path; lists (Terraform blocks) are walked through."""
        return values(self.body, path)

    def first(self, path: str) -> Json:
        found = self.get(path)
        return found[0] if found else None


def values(node: Json, path: str) -> list[Json]:
    current: list[Json] = [node]
    for key in path.split(".") if path else []:
        nxt: list[Json] = []
        for item in _flatten(current):
            if isinstance(item, Mapping) and key in item:
                nxt.append(item[key])
        current = nxt
    return _flatten(current)


def _flatten(items: list[Json]) -> list[Json]:
    out: list[Json] = []
    for item in items:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def strings(node: Json, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, string) for every string under node, skipping cdktn metadata and depends_on."""
    if isinstance(node, str):
        yield prefix, node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            if key in ("//", "depends_on", "lifecycle", "provider"):
                continue
            yield from strings(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(node, list):
        for value in node:
            yield from strings(value, prefix)


def interpolations(text: str) -> Iterator[str]:
    """The bodies of `${...}` interpolations, braces balanced."""
    i = 0
    while (start := text.find("${", i)) >= 0:
        depth, j = 1, start + 2
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        yield text[start + 2 : j - 1]
        i = j


@dataclass(frozen=True, slots=True)
class Ref:
    """source's value at `where` references `target` (attribute `attr`, possibly through stack outputs)."""

    source: Resource
    target: Resource
    attr: str
    where: str


@dataclass(slots=True)
class TargetIndex:
    """Every stack of one profile on one target, with references resolved across stacks."""

    profile: str
    target: str
    stacks: dict[str, Mapping[str, Json]] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    _by_type: dict[str, list[Resource]] = field(default_factory=dict)
    _refs: dict[str, list[Ref]] = field(default_factory=dict)
    _back: dict[str, list[Ref]] = field(default_factory=dict)

    @classmethod
    def from_stacks(cls, profile: str, target: str, stacks: Mapping[str, Mapping[str, Json]]) -> TargetIndex:
        index = cls(profile=profile, target=target, stacks=dict(stacks))
        for stack, doc in stacks.items():
            for data, section in ((False, "resource"), (True, "data")):
                block = doc.get(section)
                if not isinstance(block, Mapping):
                    continue
                for type_, named in block.items():
                    if not isinstance(named, Mapping):
                        continue
                    for name, body in named.items():
                        if isinstance(body, Mapping):
                            res = Resource(stack, type_, name, body, data)
                            index.resources[res.address] = res
                            index._by_type.setdefault(type_, []).append(res)
        for res in index.resources.values():
            refs = list(index._resolve(res))
            index._refs[res.address] = refs
            for ref in refs:
                index._back.setdefault(ref.target.address, []).append(ref)
        return index

    # -- lookups ---------------------------------------------------------------------------------------
    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self._by_type.get(t, []) if not r.data]

    def data_of_type(self, type_: str) -> list[Resource]:
        return [r for r in self._by_type.get(type_, []) if r.data]

    def refs(self, res: Resource, where: str | None = None) -> list[Ref]:
        """References out of res; `where` keeps those found at (or under) that dotted path."""
        found = self._refs.get(res.address, [])
        if where is None:
            return found
        return [r for r in found if r.where == where or r.where.startswith(where + ".")]

    def targets(self, res: Resource, type_: str | None = None, where: str | None = None) -> list[Resource]:
        out: list[Resource] = []
        for ref in self.refs(res, where):
            if (type_ is None or ref.target.type == type_) and ref.target not in out:
                out.append(ref.target)
        return out

    def referrers(self, res: Resource, type_: str | None = None, where: str | None = None) -> list[Resource]:
        """Resources whose value (at `where`, if given) references res."""
        out: list[Resource] = []
        for ref in self._back.get(res.address, []):
            if type_ is not None and ref.source.type != type_:
                continue
            if where is not None and not (ref.where == where or ref.where.startswith(where + ".")):
                continue
            if ref.source not in out:
                out.append(ref.source)
        return out

    def points_to(self, src: Resource, dst: Resource, where: str | None = None) -> bool:
        """src references dst, by token or by dst's literal identifier (names and ARNs often are literal)."""
        if any(r.target == dst for r in self.refs(src, where)):
            return True
        idents = identifiers(dst)
        if not idents:
            return False
        for path, text in strings(src.body):
            if where is not None and not (path == where or path.startswith(where + ".")):
                continue
            if any(ident in text for ident in idents):
                return True
        return False

    def mentioning(self, literal: str) -> list[Resource]:
        """Resources with a string containing `literal` (adopted ids appear this way)."""
        return [r for r in self.resources.values() if any(literal in s for _, s in strings(r.body))]

    def resolve_text(self, stack: str, text: str) -> list[Resource]:
        """The resources one string references (a policy statement's Resource, an image URI...)."""
        probe = Resource(stack, "", "", {})
        out: list[Resource] = []
        for expr in interpolations(text):
            for ref in self._expr(probe, stack, expr, "", set()):
                if ref.target not in out:
                    out.append(ref.target)
        return out

    def mentions(self, stack: str, text: str, dst: Resource) -> bool:
        """A single string references dst by token or contains its literal identifier."""
        return dst in self.resolve_text(stack, text) or any(i in text for i in identifiers(dst))

    # -- resolution ------------------------------------------------------------------------------------
    def _resolve(self, res: Resource) -> Iterator[Ref]:
        for where, text in strings(res.body):
            for expr in interpolations(text):
                yield from self._expr(res, res.stack, expr, where, set())

    def _expr(self, src: Resource, stack: str, expr: str, where: str, seen: set[str]) -> Iterator[Ref]:
        for match in _REF.finditer(expr):
            is_data, type_, name, rest = match.group(1), match.group(2), match.group(3), match.group(4)
            if is_data and type_ == "terraform_remote_state" and name.startswith(_REMOTE):
                producer = name[len(_REMOTE) :]
                parts = rest.split(".")
                if len(parts) >= 3 and parts[1] == "outputs":
                    key = f"{producer}:{parts[2]}"
                    if key not in seen:
                        yield from self._output(src, producer, parts[2], where, seen | {key})
                continue
            address = f"{stack}/{'data.' if is_data else ''}{type_}.{name}"
            target = self.resources.get(address)
            if target is not None:
                yield Ref(src, target, rest.lstrip(".").split(".")[0] if rest else "", where)

    def _output(self, src: Resource, producer: str, output: str, where: str, seen: set[str]) -> Iterator[Ref]:
        doc = self.stacks.get(producer)
        outputs = doc.get("output") if doc else None
        entry = outputs.get(output) if isinstance(outputs, Mapping) else None
        value = entry.get("value") if isinstance(entry, Mapping) else None
        for _, text in strings(value):
            for expr in interpolations(text):
                yield from self._expr(src, producer, expr, where, seen)


_IDENT_KEYS = ("bucket", "name", "arn", "repository_name", "function_name", "topic_name", "cluster_name")


def identifiers(res: Resource) -> list[str]:
    """Literal identifiers of a resource long enough not to match by accident."""
    out: list[str] = []
    for key in _IDENT_KEYS:
        value = res.body.get(key)
        if isinstance(value, str) and "${" not in value and len(value) >= 8:
            out.append(value)
    return out


# -- loading --------------------------------------------------------------------------------------------
class OutputError(Exception):
    """The synthesized output folder is missing or unreadable."""


def load_out(out: Path) -> dict[str, Mapping[str, Json]]:
    """Every stack in out/ by name, read from the manifest (or the stacks folder when it has none)."""
    manifest = out / "manifest.json"
    paths: dict[str, Path] = {}
    if manifest.is_file():
        doc = json.loads(manifest.read_text())
        for name, entry in doc.get("stacks", {}).items():
            paths[name] = out / entry.get("synthesizedStackPath", f"stacks/{name}/cdk.tf.json")
    elif (out / "stacks").is_dir():
        paths = {p.parent.name: p for p in sorted((out / "stacks").glob("*/cdk.tf.json"))}
    else:
        raise OutputError(f"{out}: no manifest.json or stacks/; fix: run `trademl synth --out {out}` first")
    stacks: dict[str, Mapping[str, Json]] = {}
    for name, path in paths.items():
        if path.is_file():
            loaded = json.loads(path.read_text())
            if isinstance(loaded, Mapping):
                stacks[name] = loaded
    return stacks


def index_target(stacks: Mapping[str, Mapping[str, Json]], profile: str, target: str) -> TargetIndex:
    """The stacks named <profile>-<target>-<layer>."""
    prefix = f"{profile}-{target}-"
    mine = {name: doc for name, doc in stacks.items() if name.startswith(prefix)}
    return TargetIndex.from_stacks(profile, target, mine)
