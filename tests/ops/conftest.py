"""Fixtures for the operations tests: real HTTP servers on loopback, and an environment sealed off from
the machine's own credentials and from any cloud metadata endpoint."""

from __future__ import annotations

import ipaddress
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from moto.server import ThreadedMotoServer
from ops_fakes import AzureFake, GcpFake, self_signed
from ops_support import GCP_NUMBER, GCP_PROJECT, SUBSCRIPTION, TENANT

_SEALED = ("AWS_", "AZURE_", "ARM_", "GOOGLE_", "GCE_", "CLOUDSDK_", "TRADEML_", "MSI_", "IDENTITY_")
UNREACHABLE = "127.0.0.1:9"  # the discard port: refused at once


def _loopback(host: object) -> bool:
    if host in ("localhost", "127.0.0.1", "::1"):
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A guard, not a mock: resolving or reaching any host off this machine is refused, and recorded so the
    test fails even when an SDK swallows the error (credential chains do)."""
    real_connect, real_resolve = socket.socket.connect, socket.getaddrinfo
    off_loopback: list[str] = []

    def connect(sock: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and not _loopback(address[0]):
            off_loopback.append(f"connect {address}")
            raise OSError(f"blocked: {address} is off loopback")
        real_connect(sock, address)  # type: ignore[arg-type]

    def resolve(host: object, *args: object, **kwargs: object) -> object:
        if host is not None and not _loopback(host):
            off_loopback.append(f"resolve {host!r}")
            raise socket.gaierror(f"blocked: {host!r} is off loopback")
        return real_resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    yield
    assert off_loopback == [], f"the test tried to leave loopback: {off_loopback}"


@pytest.fixture(autouse=True)
def sealed_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials from this machine, and every metadata service pointed at a closed loopback port, so
    a credential chain never reaches 169.254.169.254."""
    for name in list(os.environ):
        if name.startswith(_SEALED) or name in ("JSII_NODE", "REQUESTS_CA_BUNDLE"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(home / "azure"))
    monkeypatch.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", f"http://{UNREACHABLE}")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(home / "gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    monkeypatch.setenv("GCE_METADATA_HOST", UNREACHABLE)
    monkeypatch.setenv("GCE_METADATA_IP", UNREACHABLE)
    monkeypatch.chdir(tmp_path)  # no cdktf.json above: tools are looked up on PATH only


def _script(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Working node 22, cdktn and terraform 1.11 executables on a PATH of their own."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _script(bin_dir, "node", "echo v22.23.3")
    _script(bin_dir, "cdktn", "echo 0.24.0")
    _script(bin_dir, "terraform", """echo '{"terraform_version": "1.11.4"}'""")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    return bin_dir


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """moto in server mode, emptied, with static test credentials (moto's account 123456789012)."""
    requests.post(f"{moto_url}/moto-api/reset", timeout=10).raise_for_status()
    monkeypatch.setenv("TRADEML_AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return moto_url


@pytest.fixture(scope="session")
def azure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AzureFake, Path]]:
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    fake = AzureFake(tls=(cert, key)).start()
    yield fake, cert
    fake.stop()


@pytest.fixture
def azure(azure_server: tuple[AzureFake, Path], monkeypatch: pytest.MonkeyPatch) -> AzureFake:
    """The ARM fake, emptied, holding the profile's Enabled subscription; trusted through its own cert."""
    fake, cert = azure_server
    fake.reset()
    fake.add_subscription(SUBSCRIPTION, TENANT)
    monkeypatch.setenv("TRADEML_AZURE_ENDPOINT", fake.url)
    monkeypatch.setenv("TRADEML_AZURE_ACCESS_TOKEN", "test-token")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    return fake


@pytest.fixture(scope="session")
def gcp_server() -> Iterator[GcpFake]:
    fake = GcpFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def gcp(gcp_server: GcpFake, monkeypatch: pytest.MonkeyPatch) -> GcpFake:
    """The Google fake, emptied, holding the profile's ACTIVE project."""
    gcp_server.reset()
    gcp_server.add_project(GCP_PROJECT, GCP_NUMBER)
    monkeypatch.setenv("TRADEML_GCP_ENDPOINT", gcp_server.url)
    monkeypatch.setenv("TRADEML_GCP_ACCESS_TOKEN", "test-token")
    return gcp_server
