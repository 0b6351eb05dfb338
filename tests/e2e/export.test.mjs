// Export as a script (issue 14, part 2): a learner's session, exported from
// the page as an AWS CLI script and as a boto3 script, run against
// `shardlab-api --listen` with the pinned AWS CLI and boto3 (scripts/test.sh
// builds the one and installs the others before this stage), makes the same
// stream, shards and records.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, ROOT, assertClean, openPage } from './helpers.mjs';

const API = join(ROOT, 'target/debug/shardlab-api');
const VENV = join(ROOT, 'target/endpoint-venv/bin');

/**
 * `shardlab-api --listen` on a free port, its clock 100 times the wall clock's
 * pace: a new stream is ACTIVE before the script's waiter first asks, and an
 * iterator lasts 3 s.
 */
async function endpoint() {
  const server = spawn(API, ['--listen', '127.0.0.1:0', '--clock', 'wall', '--speed', '100'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    server.once('error', reject);
    createInterface({ input: server.stdout }).once('line', resolve);
  });
  assert.match(line, /^listening on /);
  return { url: line.replace('listening on ', ''), stop: () => server.kill() };
}

/** The environment a script runs in: the pinned clients, any credentials, the endpoint. */
function environment(url) {
  return {
    ...process.env,
    PATH: `${VENV}:${process.env.PATH}`,
    ENDPOINT: url,
    AWS_ACCESS_KEY_ID: 'AKIDSHARDLAB',
    AWS_SECRET_ACCESS_KEY: 'shardlab',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** Every record of `stream` at `url`, read with boto3: `shard key data`, sorted. */
function recordsAt(url, stream) {
  const read = `
import json, sys, boto3
kinesis = boto3.client("kinesis", region_name="us-east-1", endpoint_url=sys.argv[1])
shards = [s["ShardId"] for s in kinesis.list_shards(StreamName=sys.argv[2])["Shards"]]
records = []
for shard in shards:
    iterator = kinesis.get_shard_iterator(StreamName=sys.argv[2], ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records += [f"{shard} {r['PartitionKey']} {r['Data'].decode()}" for r in kinesis.get_records(ShardIterator=iterator)["Records"]]
print(json.dumps({"shards": shards, "records": sorted(records)}))
`;
  return JSON.parse(execFileSync(join(VENV, 'python'), ['-c', read, url, stream], { env: environment(url) }));
}

describe('export as a script', () => {
  test('a sandbox session exported as an AWS CLI script and as a boto3 script makes the same stream and records', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    const sent = [['user-1', 'first'], ['user-42', 'second'], ["it's quoted", 'third one']];
    for (const [n, [key, data]] of sent.entries()) {
      await page.fill('input[name=partition-key]', key);
      await page.fill('input[name=data]', data);
      await page.click('.put-form button[type=submit]');
      await page.waitForFunction((count) => document.querySelectorAll('.lane .token-key').length === count, n + 1);
    }
    // What the page shows: each record's shard and key.
    const expected = [];
    for (const lane of await page.locator('.lane').all()) {
      const shard = await lane.getAttribute('data-shard');
      for (const key of await lane.locator('.token-key').allTextContents()) {
        expected.push(`${shard} ${key} ${sent.find(([k]) => k === key)[1]}`);
      }
    }
    assert.equal(expected.length, 3);

    await page.locator('.export-panel summary').click();
    const script = page.locator('.export-script');
    await page.locator('.export-panel [role=status]', { hasText: '4 calls.' }).waitFor();
    const cli = await script.inputValue();
    assert.match(cli, /^#!\/usr\/bin\/env bash\n/);
    await page.screenshot({ path: join(ARTIFACTS, 'export-cli.png'), fullPage: false });
    await page.locator('.export-kind label', { hasText: 'boto3' }).click();
    const boto3 = await script.inputValue();
    assert.match(boto3, /^#!\/usr\/bin\/env python3\n/);
    assertClean(problems);
    await context.close();

    const dir = mkdtempSync(join(tmpdir(), 'shardlab-export-'));
    try {
      for (const [file, text, interpreter] of [['session.sh', cli, 'bash'], ['session.py', boto3, join(VENV, 'python')]]) {
        const server = await endpoint();
        try {
          writeFileSync(join(dir, file), text);
          execFileSync(interpreter, [join(dir, file)], { env: environment(server.url), stdio: ['ignore', 'ignore', 'inherit'] });
          const { shards, records } = recordsAt(server.url, 'sandbox');
          assert.equal(shards.length, 4, `${file}: the sandbox's four shards`);
          assert.deepEqual(records, expected.sort(), `${file}: the same records in the same shards`);
        } finally {
          server.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
