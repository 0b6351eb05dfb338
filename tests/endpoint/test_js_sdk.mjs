// The AWS SDK for JavaScript v3 (@aws-sdk/client-kinesis, pinned in
// package.json) against `shardlab-api --listen`. The Kinesis client sends
// every call over HTTP/2 (NodeHttp2Handler; cleartext h2c to an http://
// endpoint), SubscribeToShard's event stream included.
//
//     SHARDLAB_API=target/debug/shardlab-api node --test tests/endpoint/test_js_sdk.mjs
//
// scripts/test.sh runs it after the boto3 tests. The endpoint runs with the
// manual clock, moved by Shardlab.AdvanceClock (plain HTTP/1.1 fetch).

import { spawn } from "node:child_process";
import http2 from "node:http2";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import {
  DescribeStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  ResourceNotFoundException,
  SubscribeToShardCommand,
  CreateStreamCommand,
} from "@aws-sdk/client-kinesis";

const binary = process.env.SHARDLAB_API ?? "target/debug/shardlab-api";
let server;
let url;
let kinesis;

before(async () => {
  server = spawn(binary, ["--listen", "127.0.0.1:0", "--clock", "manual"], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await new Promise((resolve, reject) => {
    server.once("error", reject);
    createInterface({ input: server.stdout }).once("line", (l) => resolve([l]));
  });
  assert.match(line, /^listening on /);
  url = line.replace("listening on ", "");
  // Any credentials do: the endpoint accepts every signature.
  kinesis = new KinesisClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDSHARDLAB", secretAccessKey: "shardlab" },
  });
});

after(() => {
  kinesis?.destroy();
  server?.kill();
});

/** A `Shardlab.*` call, which no SDK knows. */
async function shardlab(target, body) {
  const response = await fetch(`${url}/`, {
    method: "POST",
    headers: { "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
  return response.json();
}

const advance = (millis) => shardlab("Shardlab.AdvanceClock", { Millis: millis });
const text = (bytes) => new TextDecoder().decode(bytes);

async function createActiveStream(name, shards) {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await advance(5000);
  const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: name }));
  assert.equal(StreamDescription.StreamStatus, "ACTIVE");
}

test("h2c with prior knowledge: AWS's headers on an HTTP/2 stream", async () => {
  const session = http2.connect(url);
  try {
    const response = await new Promise((resolve, reject) => {
      const stream = session.request({
        ":method": "POST",
        ":path": "/",
        "x-amz-target": "Kinesis_20131202.DescribeStreamSummary",
        "content-type": "application/x-amz-json-1.1",
      });
      let body = "";
      stream.setEncoding("utf8");
      stream.on("response", (headers) => {
        stream.on("data", (chunk) => (body += chunk));
        stream.on("end", () => resolve({ headers, body }));
      });
      stream.on("error", reject);
      stream.end(JSON.stringify({ StreamName: "absent" }));
    });
    assert.equal(response.headers[":status"], 400);
    assert.equal(response.headers["x-amzn-errortype"], "ResourceNotFoundException");
    assert.equal(response.headers["content-type"], "application/x-amz-json-1.1");
    assert.equal(JSON.parse(response.body).__type, "ResourceNotFoundException");
  } finally {
    session.close();
  }
});

test("create, put, list shards and get records", async () => {
  await createActiveStream("js", 2);
  const put = await kinesis.send(
    new PutRecordCommand({ StreamName: "js", PartitionKey: "alpha", Data: new TextEncoder().encode("hello") }),
  );
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: "js" }));
  assert.deepEqual(
    Shards.map((s) => s.ShardId),
    ["shardId-000000000000", "shardId-000000000001"],
  );
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: "js", ShardId: put.ShardId, ShardIteratorType: "TRIM_HORIZON" }),
  );
  const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  assert.equal(Records.length, 1);
  assert.equal(text(Records[0].Data), "hello");
  assert.equal(Records[0].SequenceNumber, put.SequenceNumber);
  assert.ok(Records[0].ApproximateArrivalTimestamp instanceof Date);
});

test("errors are the SDK's modelled exceptions", async () => {
  await assert.rejects(kinesis.send(new DescribeStreamCommand({ StreamName: "missing" })), (error) => {
    assert.ok(error instanceof ResourceNotFoundException, error.name);
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.message, "Stream missing under account 123456789012 not found.");
    return true;
  });
});

test("SubscribeToShard streams records over HTTP/2 until the subscription ends", async () => {
  await createActiveStream("fanout", 1);
  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "fanout" }));
  const { Consumer } = await kinesis.send(
    new RegisterStreamConsumerCommand({ StreamARN: summary.StreamDescriptionSummary.StreamARN, ConsumerName: "js" }),
  );
  await advance(5000);
  const described = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer.ConsumerARN }));
  assert.equal(described.ConsumerDescription.ConsumerStatus, "ACTIVE");
  for (const word of ["one", "two"]) {
    await kinesis.send(
      new PutRecordCommand({ StreamName: "fanout", PartitionKey: "k", Data: new TextEncoder().encode(word) }),
    );
  }
  const subscribed = await kinesis.send(
    new SubscribeToShardCommand({
      ConsumerARN: Consumer.ConsumerARN,
      ShardId: "shardId-000000000000",
      StartingPosition: { Type: "TRIM_HORIZON" },
    }),
  );
  const received = [];
  let events = 0;
  // The clock move that ends the subscription, answered once the loop is done.
  let ending = Promise.resolve();
  for await (const event of subscribed.EventStream) {
    // The SDK keeps the initial-response event to itself: every event here is a record batch.
    assert.ok(event.SubscribeToShardEvent, `unexpected event ${Object.keys(event)}`);
    events += 1;
    const { Records, ContinuationSequenceNumber, MillisBehindLatest } = event.SubscribeToShardEvent;
    received.push(...Records.map((r) => text(r.Data)));
    assert.equal(typeof MillisBehindLatest, "number");
    if (Records.length > 0) assert.equal(ContinuationSequenceNumber, Records.at(-1).SequenceNumber);
    if (received.length === 2 && events === 1) {
      // Pushed as it arrives, with the clock still.
      await kinesis.send(
        new PutRecordCommand({ StreamName: "fanout", PartitionKey: "k", Data: new TextEncoder().encode("three") }),
      );
    } else if (received.length === 3) {
      // Five simulated minutes end the subscription, and so the loop.
      ending = advance(300_000);
    }
  }
  await ending;
  assert.deepEqual(received, ["one", "two", "three"]);
  assert.ok(events >= 2, `${events} events`);
});
