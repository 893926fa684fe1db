"""Small in-memory fakes of the Azure Resource Manager and Google REST calls trademl makes.

They are real HTTP servers on 127.0.0.1 (Azure over TLS, as its SDK refuses bearer tokens on plain HTTP),
so the SDKs run unchanged against them: nothing in trademl is mocked.
"""

from __future__ import annotations

import copy
import datetime
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Reply = tuple[int, dict[str, Any] | None]


def merge(into: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)
    return into


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, for the TLS fake; the cert doubles as the CA bundle."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class FakeApi:
    """A JSON REST server on loopback that records every request and answers from handle()."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size) if size else b""
                body = json.loads(raw) if raw else {}
                with api.lock:
                    api.calls.append((self.command, parts.path))
                    status, reply = api.handle(self.command, parts.path, parse_qs(parts.query), body)
                data = json.dumps(reply).encode() if reply is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = _serve  # noqa: N815 (http.server names)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def writes(self) -> list[tuple[str, str]]:
        return [c for c in self.calls if c[0] in ("PUT", "PATCH", "POST", "DELETE")]

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]) -> Reply:
        raise NotImplementedError


class AzureFake(FakeApi):
    """Azure Resource Manager: subscriptions, resource groups, storage accounts, blob services, containers,
    and any resource seeded by id (for adopted resources). Paths are case-insensitive, as in ARM."""

    def reset(self) -> None:
        self.calls.clear()
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.resources: dict[str, dict[str, Any]] = {}
        self.taken_names: set[str] = set()

    def add_subscription(self, sub_id: str, tenant_id: str, state: str = "Enabled") -> None:
        self.subscriptions[sub_id] = {
            "id": f"/subscriptions/{sub_id}",
            "subscriptionId": sub_id,
            "tenantId": tenant_id,
            "displayName": "trading",
            "state": state,
        }

    def seed(self, resource_id: str, body: dict[str, Any] | None = None) -> None:
        self.resources[resource_id.lower()] = {
            "id": resource_id,
            "name": resource_id.rsplit("/", 1)[1],
            **(body or {}),
        }

    def get(self, resource_id: str) -> dict[str, Any] | None:
        return self.resources.get(resource_id.lower())

    @staticmethod
    def _missing(code: str, what: str) -> Reply:
        return 404, {"error": {"code": code, "message": f"{what} was not found."}}

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]) -> Reply:
        key = path.lower().rstrip("/")
        parts = key.split("/")
        if len(parts) == 3 and parts[1] == "subscriptions" and method == "GET":
            found = next((s for k, s in self.subscriptions.items() if k.lower() == parts[2]), None)
            return (
                (200, found) if found else self._missing("SubscriptionNotFound", f"subscription {parts[2]}")
            )
        if key.endswith("/providers/microsoft.storage/checknameavailability"):
            name = body["name"]
            used = name in self.taken_names or any(
                k.endswith(f"/storageaccounts/{name}") for k in self.resources
            )
            return 200, {
                "nameAvailable": not used,
                "reason": "AlreadyExists" if used else None,
                "message": f"The storage account named {name} is already taken." if used else None,
            }
        if method == "HEAD":
            return (204 if key in self.resources else 404), None
        if method == "GET":
            if key in self.resources:
                return 200, self.resources[key]
            if key.endswith("/blobservices/default") and key.rsplit("/", 2)[0] in self.resources:
                return 200, {"id": path, "name": "default", "properties": {}}  # ARM always has one
            return self._missing("ResourceNotFound", path)
        if method == "PUT":
            existing = self.resources.get(key, {})
            created = not existing
            merged = merge(copy.deepcopy(existing), body)
            merged.update(id=path, name=path.rsplit("/", 1)[1])
            merged.setdefault("properties", {})["provisioningState"] = "Succeeded"
            self.resources[key] = merged
            # As ARM does: 201 for a new group or container, 200 (done synchronously) for the rest.
            fresh = created and (parts[-2] in ("resourcegroups", "containers"))
            return (201 if fresh else 200), merged
        if method == "PATCH":
            if key not in self.resources:
                return self._missing("ResourceNotFound", path)
            return 200, merge(self.resources[key], body)
        return 405, {"error": {"code": "MethodNotAllowed", "message": method}}


class GcpFake(FakeApi):
    """Resource Manager v3 projects, the Cloud Storage JSON API for buckets, and GETs of seeded resources."""

    def reset(self) -> None:
        self.calls.clear()
        self.projects: dict[str, dict[str, Any]] = {}
        self.hidden_projects: set[str] = set()
        self.buckets: dict[str, dict[str, Any]] = {}
        self.foreign_buckets: set[str] = set()
        self.resources: dict[str, dict[str, Any]] = {}

    def add_project(self, project_id: str, number: str, state: str = "ACTIVE") -> None:
        self.projects[project_id] = {
            "name": f"projects/{number}",
            "projectId": project_id,
            "state": state,
            "displayName": project_id,
        }

    def seed(self, path: str) -> None:
        self.resources[path] = {"name": path.rsplit("/", 1)[1], "selfLink": path}

    @staticmethod
    def _error(code: int, status: str, message: str) -> Reply:
        return code, {"error": {"code": code, "status": status, "message": message}}

    def _project_number(self, project_id: str) -> str:
        return str(self.projects.get(project_id, {"name": "projects/0"})["name"]).split("/")[1]

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]) -> Reply:
        if path.startswith("/v3/projects/"):
            pid = path.removeprefix("/v3/projects/")
            if pid in self.hidden_projects:
                return self._error(403, "PERMISSION_DENIED", f"Permission denied on resource project {pid}.")
            if pid not in self.projects:
                return self._error(404, "NOT_FOUND", f"Project {pid} not found.")
            return 200, self.projects[pid]
        if path == "/storage/v1/b" and method == "POST":
            name = body["name"]
            if name in self.buckets or name in self.foreign_buckets:
                return self._error(
                    409,
                    "CONFLICT",
                    "Your previous request to create the named bucket succeeded and you already own it."
                    if name in self.buckets
                    else "The requested bucket name is not available.",
                )
            bucket = {
                **copy.deepcopy(body),
                "id": name,
                "kind": "storage#bucket",
                "projectNumber": self._project_number(query["project"][0]),
            }
            self.buckets[name] = bucket
            return 200, bucket
        if path.startswith("/storage/v1/b/"):
            name = path.removeprefix("/storage/v1/b/")
            if name in self.foreign_buckets:
                return self._error(
                    403, "PERMISSION_DENIED", "caller does not have storage.buckets.get access"
                )
            if name not in self.buckets:
                return self._error(404, "NOT_FOUND", "The specified bucket does not exist.")
            if method == "PATCH":
                merge(self.buckets[name], body)
            return 200, self.buckets[name]
        if method == "GET" and path in self.resources:
            return 200, self.resources[path]
        return self._error(404, "NOT_FOUND", f"{path} was not found")
