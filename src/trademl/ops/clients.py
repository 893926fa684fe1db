"""Where cloud calls go and with which credentials: the one place that reads endpoint and token overrides.

Without overrides every SDK uses its own default chain (AWS profiles/SSO/OIDC, `az login` or
azure/login, Application Default Credentials). The overrides exist so that tests, emulators and
sovereign endpoints reach real HTTP servers, never mocks of this code:

    TRADEML_AWS_ENDPOINT_URL    every AWS client's endpoint (boto3 itself also honours AWS_ENDPOINT_URL)
    TRADEML_AZURE_ENDPOINT      Azure Resource Manager base URL (default https://management.azure.com)
    TRADEML_AZURE_ACCESS_TOKEN  an ARM bearer token to use instead of DefaultAzureCredential
    TRADEML_GCP_ENDPOINT        base URL for every Google API called (default https://<service>.googleapis.com)
    TRADEML_GCP_ACCESS_TOKEN    an OAuth2 access token to use instead of Application Default Credentials
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

import boto3
import google.auth
from azure.core.credentials import AccessToken, TokenCredential
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import DefaultAzureCredential
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.storage import StorageManagementClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ProfileNotFound
from google.api_core.client_options import ClientOptions
from google.auth.credentials import Credentials as GoogleCredentials
from google.auth.exceptions import DefaultCredentialsError
from google.auth.transport.requests import AuthorizedSession
from google.cloud.resourcemanager_v3 import ProjectsClient
from google.oauth2.credentials import Credentials as TokenOnlyCredentials

from trademl.ops.report import OpsError

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_eks import EKSClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_route53 import Route53Client
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sts import STSClient

AWS_ENDPOINT = "TRADEML_AWS_ENDPOINT_URL"
AZURE_ENDPOINT = "TRADEML_AZURE_ENDPOINT"
AZURE_TOKEN = "TRADEML_AZURE_ACCESS_TOKEN"
GCP_ENDPOINT = "TRADEML_GCP_ENDPOINT"
GCP_TOKEN = "TRADEML_GCP_ACCESS_TOKEN"

ARM_SCOPE = "https://management.azure.com/.default"
GCP_SCOPE = "https://www.googleapis.com/auth/cloud-platform"

NO_AWS = (
    "no AWS credentials found; fix: run `aws sso login` and export AWS_PROFILE, or set AWS_ACCESS_KEY_ID/"
    "AWS_SECRET_ACCESS_KEY (in CI: aws-actions/configure-aws-credentials with role-to-assume)"
)
NO_AZURE = (
    "no Azure credentials found; fix: run `az login --tenant {tenant}` (in CI: azure/login with client-id, "
    "tenant-id, subscription-id) or set TRADEML_AZURE_ACCESS_TOKEN"
)
NO_GCP = (
    "no Google Cloud credentials found; fix: run `gcloud auth application-default login` (in CI: "
    "google-github-actions/auth with workload_identity_provider) or set TRADEML_GCP_ACCESS_TOKEN"
)


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


# --- AWS ---------------------------------------------------------------------------------------------

# Fail fast: a wrong endpoint or an unreachable API should end a preflight in seconds, not minutes.
_AWS_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=30)


class AwsClients:
    """Typed boto3 clients for one region, all sharing one session and the endpoint override."""

    def __init__(self, region: str) -> None:
        try:
            self.session = boto3.session.Session(region_name=region)
            found = self.session.get_credentials()
        except ProfileNotFound as exc:
            raise OpsError(f"{exc}; fix: set AWS_PROFILE to a profile in ~/.aws/config") from None
        except BotoCoreError as exc:
            raise OpsError(f"AWS credentials could not be loaded ({exc}); fix: run `aws sso login`") from None
        if found is None:
            raise OpsError(NO_AWS)
        self.region = region
        self.endpoint = _env(AWS_ENDPOINT)

    def sts(self) -> STSClient:
        return self.session.client("sts", endpoint_url=self.endpoint, config=_AWS_CONFIG)

    def s3(self, region: str | None = None) -> S3Client:
        return self.session.client(
            "s3", region_name=region or self.region, endpoint_url=self.endpoint, config=_AWS_CONFIG
        )

    def ec2(self, region: str) -> EC2Client:
        return self.session.client("ec2", region_name=region, endpoint_url=self.endpoint, config=_AWS_CONFIG)

    def eks(self, region: str) -> EKSClient:
        return self.session.client("eks", region_name=region, endpoint_url=self.endpoint, config=_AWS_CONFIG)

    def kms(self, region: str) -> KMSClient:
        return self.session.client("kms", region_name=region, endpoint_url=self.endpoint, config=_AWS_CONFIG)

    def ecr(self, region: str) -> ECRClient:
        return self.session.client("ecr", region_name=region, endpoint_url=self.endpoint, config=_AWS_CONFIG)

    def route53(self) -> Route53Client:
        return self.session.client("route53", endpoint_url=self.endpoint, config=_AWS_CONFIG)


# --- Azure -------------------------------------------------------------------------------------------


class _FixedToken:
    """A TokenCredential that hands out one token, fetched once: a run lasts far less than its lifetime."""

    def __init__(self, token: AccessToken) -> None:
        self._token = token

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        return self._token


def azure_credential(tenant_id: str) -> TokenCredential:
    """An ARM credential for the profile's tenant, or OpsError naming how to log in."""
    given = _env(AZURE_TOKEN)
    if given is not None:
        return _FixedToken(AccessToken(given, int(time.time()) + 3600))
    try:
        # Ask for the profile's tenant explicitly: a login to another tenant must not be used silently.
        credential = DefaultAzureCredential(additionally_allowed_tenants=[tenant_id])
        token = credential.get_token(ARM_SCOPE, tenant_id=tenant_id)
    except ClientAuthenticationError:
        raise OpsError(NO_AZURE.format(tenant=tenant_id)) from None
    return _FixedToken(token)


def _azure_options() -> dict[str, Any]:
    base = _env(AZURE_ENDPOINT)
    options: dict[str, Any] = {"retry_total": 2}
    if base is not None:
        options["base_url"] = base
    return options


def subscription_client(credential: TokenCredential) -> SubscriptionClient:
    return SubscriptionClient(credential, **_azure_options())


def resource_client(credential: TokenCredential, subscription_id: str) -> ResourceManagementClient:
    return ResourceManagementClient(credential, subscription_id, **_azure_options())


def storage_client(credential: TokenCredential, subscription_id: str) -> StorageManagementClient:
    return StorageManagementClient(credential, subscription_id, **_azure_options())


# --- Google Cloud ------------------------------------------------------------------------------------


def gcp_credentials() -> GoogleCredentials:
    given = _env(GCP_TOKEN)
    if given is not None:
        return TokenOnlyCredentials(token=given)  # type: ignore[no-untyped-call]  # google-auth: untyped init
    try:
        found, _project = google.auth.default(scopes=[GCP_SCOPE])
    except DefaultCredentialsError:
        raise OpsError(NO_GCP) from None
    return found


def gcp_url(host: str, path: str) -> str:
    """The URL of a Google API path on its service host, or on the override endpoint."""
    base = _env(GCP_ENDPOINT) or f"https://{host}"
    return f"{base.rstrip('/')}/{path.lstrip('/')}"


def gcp_session(credentials: GoogleCredentials) -> AuthorizedSession:
    return AuthorizedSession(credentials)  # type: ignore[no-untyped-call]  # google-auth: untyped init


def projects_client(credentials: GoogleCredentials) -> ProjectsClient:
    # REST, not gRPC: the same HTTP endpoint override then works against any plain HTTP server.
    endpoint = _env(GCP_ENDPOINT)
    options = ClientOptions(api_endpoint=endpoint) if endpoint else None
    return ProjectsClient(credentials=credentials, transport="rest", client_options=options)
