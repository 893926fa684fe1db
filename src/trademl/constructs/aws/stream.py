"""The streaming-ingestion path beside batch (training.streaming_ingestion): an encrypted Kinesis stream."""

from __future__ import annotations

from dataclasses import dataclass

from cdktn_provider_aws.kinesis_stream import KinesisStream, KinesisStreamStreamModeDetails
from constructs import Construct

from trademl.constructs.aws.identity import LeastPrivilegeRole, grant_key
from trademl.constructs.aws.kms import KeyRef
from trademl.constructs.context import BuildContext


@dataclass(frozen=True, kw_only=True, slots=True)
class MarketStreamProps:
    ctx: BuildContext
    key: KeyRef
    name: str = "market-data"
    retention_hours: int = 168
    """Default: 7 days, so a failed consumer can replay a trading week."""


class MarketStream(Construct):
    """On-demand capacity (market data is bursty), KMS-encrypted, shard-level metrics on."""

    def __init__(self, scope: Construct, id: str, props: MarketStreamProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.stream = self._create_stream()
        self.arn: str = self.stream.arn
        self.name: str = self.stream.name

    def _create_stream(self) -> KinesisStream:
        """Extension point: the stream."""
        ctx = self.props.ctx
        return KinesisStream(
            self,
            "Stream",
            name=ctx.name(self.props.name),
            encryption_type="KMS",
            kms_key_id=self.props.key.arn,
            retention_period=self.props.retention_hours,
            stream_mode_details=KinesisStreamStreamModeDetails(stream_mode="ON_DEMAND"),
            shard_level_metrics=["IncomingBytes", "IncomingRecords", "IteratorAgeMilliseconds"],
            **ctx.stateful(),
        )

    def grant_read(self, role: LeastPrivilegeRole) -> None:
        role.add_statement(
            {
                "Effect": "Allow",
                "Resource": self.arn,
                "Action": [
                    "kinesis:DescribeStream",
                    "kinesis:DescribeStreamSummary",
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:ListShards",
                    "kinesis:SubscribeToShard",
                ],
            }
        )
        grant_key(role, self.props.key, write=False)

    def grant_write(self, role: LeastPrivilegeRole) -> None:
        role.add_statement(
            {
                "Effect": "Allow",
                "Resource": self.arn,
                "Action": ["kinesis:DescribeStreamSummary", "kinesis:PutRecord", "kinesis:PutRecords"],
            }
        )
        grant_key(role, self.props.key, write=True)
