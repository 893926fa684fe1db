"""Derived resource names: deterministic, within each cloud's length and alphabet rules, globally unique
where the cloud needs it (a short hash of the owning account/subscription/project, never random)."""

from __future__ import annotations

import hashlib
import re


def _digest(*parts: str, length: int = 6) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def fit(name: str, max_len: int) -> str:
    """Clip to max_len, keeping names unique by replacing the tail with a hash of the whole."""
    name = re.sub(r"-{2,}", "-", name).strip("-")
    if len(name) <= max_len:
        return name
    return f"{name[: max_len - 7].rstrip('-')}-{_digest(name)}"


def dns_name(*parts: str, max_len: int = 63) -> str:
    """Lowercase letters, digits and '-' (buckets, clusters, namespaces, most resources)."""
    return fit("-".join(p for p in parts if p).lower(), max_len)


def compact_name(*parts: str, max_len: int = 24, salt: str = "") -> str:
    """Lowercase letters and digits only (Azure storage accounts, registries), unique by salt."""
    head = re.sub(r"[^a-z0-9]", "", "".join(parts).lower())
    digest = _digest(salt, *parts, length=6)
    return f"{head[: max_len - len(digest)]}{digest}"


def vault_name(*parts: str, salt: str = "") -> str:
    """Key Vault names: 3-24 characters, letters, digits and '-', globally unique."""
    head = "-".join(parts).lower()[:17].rstrip("-")
    return f"{head}-{_digest(salt, *parts, length=6)}"
