"""Real AWS clients against `shardlab-api --listen`: boto3 (botocore's own
retries included, and SubscribeToShard's event stream over HTTP/1.1), the
AWS CLI, and CBOR requests as the AWS SDK for Java sends them (made with
cbor2), at the versions pinned in requirements.txt.

    python tests/endpoint/test_boto3.py target/debug/shardlab-api

scripts/test.sh runs it in a virtual environment after the native tests.
Each test class starts its own endpoint on a free port.
"""

import base64
import datetime
import http.client
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.eventstream
import cbor2

BINARY = None  # set from argv in __main__

# Any credentials do: the endpoint accepts every signature.
CLIENT_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDSHARDLAB",
    "AWS_SECRET_ACCESS_KEY": "shardlab",
    "AWS_DEFAULT_REGION": "us-east-1",
}
os.environ.update(CLIENT_ENV)
# No shared config or credentials file of the machine's user may change the clients.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


class Endpoint:
    def __init__(self, *args):
        self.process = subprocess.Popen(
            [BINARY, "--listen", "127.0.0.1:0", *args], stdout=subprocess.PIPE, text=True
        )
        line = self.process.stdout.readline().strip()
        assert line.startswith("listening on "), line
        self.url = line.removeprefix("listening on ")

    def client(self, service, **config):
        return boto3.client(
            service, endpoint_url=self.url, config=botocore.config.Config(**config)
        )

    def shardlab(self, target, body):
        """A `Shardlab.*` call, which no SDK knows: plain HTTP."""
        request = urllib.request.Request(
            self.url + "/",
            data=json.dumps(body).encode(),
            headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
        )
        with urllib.request.urlopen(request) as response:
            return json.load(response)

    def stop(self):
        self.process.kill()
        self.process.wait()


def records_of(kinesis, iterator):
    return kinesis.get_records(ShardIterator=iterator)["Records"]


class EndpointCase(unittest.TestCase):
    """One endpoint for a class's tests, started with its CLOCK mode."""

    CLOCK = "manual"
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.endpoint = Endpoint("--clock", cls.CLOCK, *cls.ARGS)
        cls.kinesis = cls.endpoint.client("kinesis")

    @classmethod
    def tearDownClass(cls):
        cls.endpoint.stop()


class ManualClockCase(EndpointCase):
    """The clock moves only with Shardlab.AdvanceClock: every step is exact."""

    def advance(self, millis):
        return self.endpoint.shardlab("Shardlab.AdvanceClock", {"Millis": millis})["EpochMillis"]

    def create_active_stream(self, name, shards):
        self.kinesis.create_stream(StreamName=name, ShardCount=shards)
        status = self.kinesis.describe_stream_summary(StreamName=name)
        self.assertEqual(status["StreamDescriptionSummary"]["StreamStatus"], "CREATING")
        self.advance(5000)
        self.kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0})



class ManualClock(ManualClockCase):
    def test_create_put_and_page_through_list_shards(self):
        self.create_active_stream("paged", 5)
        self.assertIn("paged", self.kinesis.list_streams()["StreamNames"])
        seen, token, pages = [], None, 0
        while True:
            page = (
                self.kinesis.list_shards(NextToken=token, MaxResults=2)
                if token
                else self.kinesis.list_shards(StreamName="paged", MaxResults=2)
            )
            pages += 1
            seen += [shard["ShardId"] for shard in page["Shards"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(seen, [f"shardId-{i:012d}" for i in range(5)])
        # botocore's paginator sends StreamName with NextToken, which AWS
        # refuses (boto/botocore#2009, aws/aws-cli#9635): so does Shardlab.
        paginator = self.kinesis.get_paginator("list_shards")
        with self.assertRaises(self.kinesis.exceptions.InvalidArgumentException) as caught:
            list(paginator.paginate(StreamName="paged", PaginationConfig={"PageSize": 2}))
        self.assertEqual(caught.exception.response["Error"]["Message"], "NextToken and StreamName cannot be provided together.")

        put = self.kinesis.put_record(StreamName="paged", PartitionKey="alpha", Data=b"one")
        self.assertIn(put["ShardId"], seen)
        batch = self.kinesis.put_records(
            StreamName="paged",
            Records=[{"PartitionKey": f"k{i}", "Data": f"r{i}".encode()} for i in range(50)],
        )
        self.assertEqual(batch["FailedRecordCount"], 0)
        self.assertEqual(len(batch["Records"]), 50)

    def test_every_iterator_type_reads_what_it_should(self):
        self.create_active_stream("iterators", 1)
        shard = "shardId-000000000000"
        first = self.kinesis.put_record(StreamName="iterators", PartitionKey="p", Data=b"first")
        self.advance(1000)
        middle = self.kinesis.put_record(StreamName="iterators", PartitionKey="p", Data=b"middle")
        self.advance(1000)
        latest = self.kinesis.get_shard_iterator(
            StreamName="iterators", ShardId=shard, ShardIteratorType="LATEST"
        )["ShardIterator"]
        self.kinesis.put_record(StreamName="iterators", PartitionKey="p", Data=b"last")

        def read(kind, **position):
            # A shard serves 5 GetRecords calls a second: each read gets a second of its own.
            self.advance(1000)
            iterator = self.kinesis.get_shard_iterator(
                StreamName="iterators", ShardId=shard, ShardIteratorType=kind, **position
            )["ShardIterator"]
            return [r["Data"] for r in records_of(self.kinesis, iterator)]

        self.assertEqual(read("TRIM_HORIZON"), [b"first", b"middle", b"last"])
        self.assertEqual(read("AT_SEQUENCE_NUMBER", StartingSequenceNumber=middle["SequenceNumber"]), [b"middle", b"last"])
        self.assertEqual(read("AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=first["SequenceNumber"]), [b"middle", b"last"])
        self.advance(1000)
        self.assertEqual([r["Data"] for r in records_of(self.kinesis, latest)], [b"last"])
        self.advance(1000)
        # The middle record arrived one simulated second after the first.
        got = self.kinesis.get_records(
            ShardIterator=self.kinesis.get_shard_iterator(
                StreamName="iterators", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
        )["Records"]
        stamp = got[1]["ApproximateArrivalTimestamp"]
        self.assertIsInstance(stamp, datetime.datetime)
        self.assertEqual(read("AT_TIMESTAMP", Timestamp=stamp), [b"middle", b"last"])

    def test_errors_are_aws_exceptions_with_aws_headers(self):
        with self.assertRaises(self.kinesis.exceptions.ResourceNotFoundException) as caught:
            self.kinesis.describe_stream(StreamName="missing")
        response = caught.exception.response
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"], "ResourceNotFoundException")
        self.assertEqual(len(response["ResponseMetadata"]["RequestId"]), 36)
        self.assertEqual(response["Error"]["Message"], "Stream missing under account 123456789012 not found.")

    def test_throttling_is_retried_by_botocore_and_then_raised(self):
        """With the clock stopped the shard's budget never refills, so every
        retry is throttled too: botocore retries exactly as configured."""
        self.create_active_stream("throttled", 1)
        for _ in range(2):  # 1,000 records: the shard's budget for this second
            result = self.kinesis.put_records(
                StreamName="throttled", Records=[{"PartitionKey": "k", "Data": b"x"}] * 500
            )
            self.assertEqual(result["FailedRecordCount"], 0)
        for mode, attempts in (("standard", 2), ("legacy", 3)):
            kinesis = self.endpoint.client("kinesis", retries={"mode": mode, "max_attempts": attempts})
            with self.assertRaises(kinesis.exceptions.ProvisionedThroughputExceededException) as caught:
                kinesis.put_record(StreamName="throttled", PartitionKey="k", Data=b"one too many")
            metadata = caught.exception.response["ResponseMetadata"]
            # `max_attempts` counts retries after the first call, in both modes.
            self.assertEqual(metadata["RetryAttempts"], attempts, mode)
            self.assertEqual(metadata["MaxAttemptsReached"], True)
        # PutRecords reports throttling per record, not as an exception.
        partial = self.kinesis.put_records(StreamName="throttled", Records=[{"PartitionKey": "k", "Data": b"x"}])
        self.assertEqual(partial["Records"][0]["ErrorCode"], "ProvisionedThroughputExceededException")
        # A second later the budget is back.
        self.advance(1000)
        self.kinesis.put_record(StreamName="throttled", PartitionKey="k", Data=b"fits")

    def test_firehose_and_sqs_share_the_port(self):
        sqs = self.endpoint.client("sqs")
        url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([m["Body"] for m in messages], ["hello"])
        with self.assertRaises(sqs.exceptions.QueueDoesNotExist):
            sqs.get_queue_url(QueueName="absent")
        firehose = self.endpoint.client("firehose")
        self.assertEqual(firehose.list_delivery_streams()["DeliveryStreamNames"], [])

    def test_the_aws_cli(self):
        def aws(*args):
            out = subprocess.run(
                [os.path.join(os.path.dirname(sys.executable), "aws"), "--endpoint-url", self.endpoint.url, "--output", "json", *args],
                capture_output=True,
                text=True,
                env={**os.environ, **CLIENT_ENV},
            )
            return out

        created = aws("kinesis", "create-stream", "--stream-name", "cli", "--shard-count", "3")
        self.assertEqual(created.returncode, 0, created.stderr)
        self.advance(5000)
        # CLI v1 sends --data's text as the blob (v2 would read it as base64).
        put = aws("kinesis", "put-record", "--stream-name", "cli", "--partition-key", "k", "--data", "hello")
        self.assertEqual(put.returncode, 0, put.stderr)
        shard = json.loads(put.stdout)["ShardId"]
        # The CLI's own paging sends StreamName with NextToken, which AWS
        # refuses; paging by hand, as on AWS, takes the token alone.
        first = aws("kinesis", "list-shards", "--stream-name", "cli", "--max-results", "2", "--no-paginate")
        self.assertEqual(first.returncode, 0, first.stderr)
        page = json.loads(first.stdout)
        rest = aws("kinesis", "list-shards", "--next-token", page["NextToken"], "--no-paginate")
        self.assertEqual(rest.returncode, 0, rest.stderr)
        shards = [s["ShardId"] for s in page["Shards"] + json.loads(rest.stdout)["Shards"]]
        self.assertEqual(shards, [f"shardId-{i:012d}" for i in range(3)])
        iterator = aws(
            "kinesis", "get-shard-iterator", "--stream-name", "cli", "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON"
        )
        got = aws("kinesis", "get-records", "--shard-iterator", json.loads(iterator.stdout)["ShardIterator"])
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(base64.b64decode(json.loads(got.stdout)["Records"][0]["Data"]), b"hello")
        missing = aws("kinesis", "describe-stream", "--stream-name", "nope")
        self.assertEqual(missing.returncode, 255)  # CLI v1: any service error
        self.assertIn("ResourceNotFoundException", missing.stderr)


def cbor_loads(body):
    """CBOR as the Java SDK reads it: a tag-1 timestamp is epoch milliseconds,
    kept as ("millis", n) (cbor2 would read seconds, and fail)."""
    return cbor2.loads(body, semantic_decoders={1: lambda value, immutable: ("millis", value)})


class Cbor(ManualClockCase):
    """`application/x-amz-cbor-1.1`, the AWS SDK for Java's default for Kinesis."""

    def cbor(self, target, body):
        request = urllib.request.Request(
            self.endpoint.url + "/",
            data=cbor2.dumps(body),
            headers={"X-Amz-Target": f"Kinesis_20131202.{target}", "Content-Type": "application/x-amz-cbor-1.1"},
        )
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.headers, cbor_loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, cbor_loads(error.read())

    def test_blobs_are_byte_strings_and_timestamps_tagged_millis(self):
        status, headers, body = self.cbor("CreateStream", {"StreamName": "cbor", "ShardCount": 1})
        self.assertEqual((status, headers["Content-Type"]), (200, "application/x-amz-cbor-1.1"))
        at = self.advance(5000)
        data = bytes(range(256))
        status, _, put = self.cbor("PutRecord", {"StreamName": "cbor", "PartitionKey": "k", "Data": data})
        self.assertEqual(status, 200, put)
        self.assertEqual(put["ShardId"], "shardId-000000000000")
        # Jackson (the Java SDK's CBOR generator) writes indefinite-length
        # maps; the tag-1 timestamp is in milliseconds, as the SDK writes it.
        iterator_request = (
            b"\xbf" + cbor2.dumps("StreamName")[:] + cbor2.dumps("cbor") + cbor2.dumps("ShardId")
            + cbor2.dumps("shardId-000000000000") + cbor2.dumps("ShardIteratorType") + cbor2.dumps("AT_TIMESTAMP")
            + cbor2.dumps("Timestamp") + cbor2.dumps(cbor2.CBORTag(1, at - 1000)) + b"\xff"
        )
        request = urllib.request.Request(
            self.endpoint.url + "/",
            data=iterator_request,
            headers={"X-Amz-Target": "Kinesis_20131202.GetShardIterator", "Content-Type": "application/x-amz-cbor-1.1"},
        )
        with urllib.request.urlopen(request) as response:
            iterator = cbor_loads(response.read())["ShardIterator"]
        status, _, got = self.cbor("GetRecords", {"ShardIterator": iterator})
        self.assertEqual(status, 200, got)
        [record] = got["Records"]
        self.assertEqual(record["Data"], data)
        self.assertIsInstance(record["Data"], bytes)
        self.assertEqual(record["SequenceNumber"], put["SequenceNumber"])
        self.assertEqual(record["ApproximateArrivalTimestamp"], ("millis", at))
        _, _, summary = self.cbor("DescribeStreamSummary", {"StreamName": "cbor"})
        self.assertEqual(summary["StreamDescriptionSummary"]["StreamCreationTimestamp"], ("millis", at - 5000))

    def test_errors_are_cbor_with_aws_status_and_header(self):
        status, headers, body = self.cbor("DescribeStream", {"StreamName": "missing"})
        self.assertEqual(status, 400)
        self.assertEqual(headers["x-amzn-ErrorType"], "ResourceNotFoundException")
        self.assertEqual(headers["Content-Type"], "application/x-amz-cbor-1.1")
        self.assertEqual(body, {"__type": "ResourceNotFoundException", "message": "Stream missing under account 123456789012 not found."})
        status, headers, body = self.cbor("PutRecord", {"StreamName": "missing", "PartitionKey": "k", "Data": b"\x00"})
        self.assertEqual((status, body["__type"]), (400, "ResourceNotFoundException"))
        # Bytes that are not CBOR, or CBOR nested past the limit, are refused.
        for bad in (b"\xa1", b"\x81" * 100 + b"\x00", b"\x5a\xff\xff\xff\xff", b"\xff"):
            request = urllib.request.Request(
                self.endpoint.url + "/",
                data=bad,
                headers={"X-Amz-Target": "Kinesis_20131202.ListStreams", "Content-Type": "application/x-amz-cbor-1.1"},
            )
            with self.assertRaises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request)
            self.assertEqual(caught.exception.code, 400)
            self.assertEqual(caught.exception.headers["x-amzn-ErrorType"], "SerializationException")
            self.assertEqual(cbor_loads(caught.exception.read())["__type"], "SerializationException")


    def test_subscribe_to_shard_streams_cbor_events(self):
        """The Java SDK subscribes in CBOR too: each event's payload is CBOR,
        in AWS's event-stream framing, read here with botocore's own parser."""
        self.cbor("CreateStream", {"StreamName": "cbor-efo", "ShardCount": 1})
        self.advance(5000)
        _, _, summary = self.cbor("DescribeStreamSummary", {"StreamName": "cbor-efo"})
        arn = summary["StreamDescriptionSummary"]["StreamARN"]
        _, _, registered = self.cbor("RegisterStreamConsumer", {"StreamARN": arn, "ConsumerName": "java"})
        self.advance(5000)
        self.cbor("PutRecord", {"StreamName": "cbor-efo", "PartitionKey": "k", "Data": b"\x00\x01"})
        connection = http.client.HTTPConnection(self.endpoint.url.removeprefix("http://"), timeout=20)
        body = cbor2.dumps({
            "ConsumerARN": registered["Consumer"]["ConsumerARN"],
            "ShardId": "shardId-000000000000",
            "StartingPosition": {"Type": "TRIM_HORIZON"},
        })
        headers = {"X-Amz-Target": "Kinesis_20131202.SubscribeToShard", "Content-Type": "application/x-amz-cbor-1.1"}
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        self.assertEqual((response.status, response.headers["Content-Type"]), (200, "application/vnd.amazon.eventstream"))
        messages = botocore.eventstream.EventStreamBuffer()

        def next_message():
            while True:
                for message in messages:
                    return message
                chunk = response.read1(65536)
                if not chunk:
                    return None
                messages.add_data(chunk)

        initial = next_message()
        self.assertEqual(initial.headers[":event-type"], "initial-response")
        event = next_message()
        self.assertEqual(event.headers[":message-type"], "event")
        self.assertEqual(event.headers[":event-type"], "SubscribeToShardEvent")
        self.assertEqual(event.headers[":content-type"], "application/x-amz-cbor-1.1")
        payload = cbor_loads(event.payload)
        self.assertEqual([r["Data"] for r in payload["Records"]], [b"\x00\x01"])
        self.assertEqual(payload["Records"][0]["ApproximateArrivalTimestamp"][0], "millis")
        self.advance(300_000)
        last = next_message()
        self.assertEqual(cbor_loads(last.payload)["Records"], [])
        self.assertIsNone(next_message())
        connection.close()


class SubscribeToShard(ManualClockCase):
    """Enhanced fan-out with boto3: SubscribeToShard's event stream over HTTP/1.1."""

    def test_subscribe_to_shard_receives_records_then_ends_after_five_minutes(self):
        self.create_active_stream("fanout", 1)
        arn = self.kinesis.describe_stream_summary(StreamName="fanout")["StreamDescriptionSummary"]["StreamARN"]
        consumer = self.kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="efo")["Consumer"]
        self.advance(5000)
        described = self.kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
        self.assertEqual(described["ConsumerDescription"]["ConsumerStatus"], "ACTIVE")
        for i in range(3):
            self.kinesis.put_record(StreamName="fanout", PartitionKey="k", Data=f"before {i}".encode())
        subscribed = self.kinesis.subscribe_to_shard(
            ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000000", StartingPosition={"Type": "TRIM_HORIZON"}
        )
        self.assertEqual(subscribed["ResponseMetadata"]["HTTPHeaders"]["content-type"], "application/vnd.amazon.eventstream")
        events = iter(subscribed["EventStream"])
        first = next(events)["SubscribeToShardEvent"]
        self.assertEqual([r["Data"] for r in first["Records"]], [b"before 0", b"before 1", b"before 2"])
        self.assertEqual(first["ContinuationSequenceNumber"], first["Records"][-1]["SequenceNumber"])
        self.assertEqual(first["MillisBehindLatest"], 0)
        # A record put while subscribed is pushed as it arrives, with no clock move.
        self.kinesis.put_record(StreamName="fanout", PartitionKey="k", Data=b"pushed")
        pushed = next(events)["SubscribeToShardEvent"]
        self.assertEqual([r["Data"] for r in pushed["Records"]], [b"pushed"])
        # Each simulated second without records brings an empty event.
        self.advance(1000)
        self.assertEqual(next(events)["SubscribeToShardEvent"]["Records"], [])
        # Five simulated minutes after it began, the subscription ends: the
        # last event, then the end of the response.
        self.advance(300_000)
        rest = list(events)
        self.assertEqual(len(rest), 1, rest)
        self.assertEqual(rest[0]["SubscribeToShardEvent"]["Records"], [])


class WallClock(EndpointCase):
    """The clock follows the wall clock: throttling clears as real time passes."""

    CLOCK = "wall"

    def test_botocore_retries_through_throttling_and_succeeds(self):
        self.kinesis.create_stream(StreamName="live", ShardCount=1)
        started = time.monotonic()
        self.kinesis.get_waiter("stream_exists").wait(StreamName="live", WaiterConfig={"Delay": 1})
        self.assertGreaterEqual(time.monotonic() - started, 4.0, "a stream is CREATING for 5 s of wall time")
        retrying = self.endpoint.client("kinesis", retries={"mode": "standard", "max_attempts": 10})
        # The shard takes 1 MiB a second, as a bucket that refills
        # continuously: two records of 500 KiB empty it, and a third of
        # 900 KiB fits only once most of a second of wall time has passed.
        # botocore meets ProvisionedThroughputExceededException, backs off
        # and retries until it fits.
        for _ in range(2):
            self.kinesis.put_record(StreamName="live", PartitionKey="k", Data=b"x" * 500 * 1024)
        started = time.monotonic()
        put = retrying.put_record(StreamName="live", PartitionKey="k", Data=b"y" * 900 * 1024)
        waited = time.monotonic() - started
        retried = put["ResponseMetadata"]["RetryAttempts"]
        self.assertGreaterEqual(retried, 1)
        self.assertGreaterEqual(waited, 0.5, "the bucket refills at 1 KiB per wall millisecond")
        self.assertTrue(put["SequenceNumber"])
        print(f"\n  put_record succeeded after {retried} botocore retries, {waited:.2f} s", file=sys.stderr)


class FastWallClock(EndpointCase):
    """The wall clock at 60 times its pace: a subscription's five simulated
    minutes pass in five seconds."""

    CLOCK = "wall"
    ARGS = ("--speed", "60")

    def test_subscription_pushes_events_as_time_passes_and_ends_by_itself(self):
        self.kinesis.create_stream(StreamName="fast", ShardCount=1)
        self.kinesis.get_waiter("stream_exists").wait(StreamName="fast", WaiterConfig={"Delay": 1})
        arn = self.kinesis.describe_stream_summary(StreamName="fast")["StreamDescriptionSummary"]["StreamARN"]
        consumer = self.kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="live")["Consumer"]
        while self.kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"]["ConsumerStatus"] != "ACTIVE":
            time.sleep(0.05)
        self.kinesis.put_record(StreamName="fast", PartitionKey="k", Data=b"live")
        started = time.monotonic()
        subscribed = self.kinesis.subscribe_to_shard(
            ConsumerARN=consumer["ConsumerARN"], ShardId="shardId-000000000000", StartingPosition={"Type": "LATEST"}
        )
        events = []
        for event in subscribed["EventStream"]:
            events.append(event["SubscribeToShardEvent"])
            if len(events) == 1:
                self.kinesis.put_record(StreamName="fast", PartitionKey="k", Data=b"while subscribed")
        elapsed = time.monotonic() - started
        # LATEST: the record put before subscribing is not pushed; the one put while subscribed is.
        self.assertEqual([r["Data"] for e in events for r in e["Records"]], [b"while subscribed"])
        self.assertGreaterEqual(elapsed, 4.5)
        self.assertLess(elapsed, 15)
        # An event at least once a simulated second: 300 of them in five simulated minutes,
        # fewer where one poll spans several simulated seconds.
        self.assertGreaterEqual(len(events), 30)
        print(f"\n  {len(events)} events in {elapsed:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
