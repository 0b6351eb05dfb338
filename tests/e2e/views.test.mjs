// End-to-end tests of the playground's views and controls in the sandbox:
// generators, metrics with an alarm, undo, the timeline and KCL leases.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, assertClean, axeSerious, chooseTarget, openPage } from './helpers.mjs';

const SANDBOX = '/?sandbox';

async function step(page, seconds) {
  for (let i = 0; i < seconds; i++) await page.keyboard.press('s');
}

async function send(page, target, body) {
  const console_ = page.locator('.console');
  await chooseTarget(console_, target);
  await console_.locator('textarea').fill(JSON.stringify(body));
  await console_.locator('button[type=submit]').click();
  await console_.locator('.api-call .status').first().waitFor();
  return console_.locator('.api-call').first();
}

describe('views', () => {
  test('a hot-key generator throttles, the metric alarm fires, and the cost meter counts', async () => {
    const { context, page, problems } = await openPage(undefined, SANDBOX);
    const form = page.locator('.generator-form');
    await form.locator('input[name=rate]').fill('2000');
    await form.locator('select[name=distribution]').selectOption('HOT_KEY');
    await form.locator('input[name=hot-percent]').fill('100');
    await form.locator('button[type=submit]').click();
    await step(page, 4);
    const row = page.locator('.generators-table tbody tr').first();
    // Counts are grouped in thousands, as the page prints numbers.
    assert.equal(await row.locator('td').nth(3).textContent(), '8,000');
    assert.ok(Number((await row.locator('td').nth(5).textContent()).replaceAll(',', '')) > 2000, 'throttled writes counted');

    const metrics = page.locator('.metrics');
    await metrics.locator('select[name=metric]').selectOption({ label: 'WriteProvisionedThroughputExceeded' });
    await metrics.locator('input[name=threshold]').fill('500');
    await metrics.locator('input[name=periods]').fill('2');
    assert.equal(await metrics.locator('.alarm-state').textContent(), 'ALARM');
    await metrics.locator('input[name=threshold]').fill('5000');
    assert.equal(await metrics.locator('.alarm-state').textContent(), 'OK');
    assert.match(await metrics.locator('.cost-meter .total').textContent(), /Total\$0\.\d{4}/);
    await row.locator('button', { hasText: 'Stop' }).click();
    await page.locator('.generators-table tbody tr.stopped').first().waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await page.screenshot({ path: join(ARTIFACTS, 'views-generators-metrics.png'), fullPage: true });
    assertClean(problems);
    await context.close();
  });

  test('undo takes back an action; the timeline scrubs back and branches', async () => {
    const { context, page, problems } = await openPage(undefined, SANDBOX);
    const total = async () => {
      const counts = await page.locator('.lane .count').allTextContents();
      return counts.reduce((sum, text) => sum + parseInt(text, 10), 0);
    };
    await page.fill('input[name=partition-key]', 'user-1');
    await page.click('.put-form button[type=submit]');
    await page.locator('.result.ok').waitFor();
    assert.equal(await total(), 1);
    await page.keyboard.press('u');
    assert.equal(await total(), 0, 'undone');

    await step(page, 3);
    const clockAtEnd = await page.textContent('.clock');
    assert.match(await page.textContent('.timeline-label'), /Timeline: 4 moments kept/);
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    assert.match(await page.textContent('.timeline-label'), /^Viewing 00:00:06/);
    assert.notEqual(await page.textContent('.clock'), clockAtEnd);
    await page.keyboard.press('s');
    assert.match(await page.textContent('.timeline-label'), /Timeline: 3 moments kept/, 'branched: later moments dropped');
    assertClean(problems);
    await context.close();
  });

  test('fault buttons split the hottest shard, merge the coldest pair and poison a record', async () => {
    const { context, page, problems } = await openPage(undefined, SANDBOX);
    for (const key of ['user-42', 'user-42', 'user-1']) {
      await page.fill('input[name=partition-key]', key);
      await page.click('.put-form button[type=submit]');
    }
    const faults = page.locator('.faults');
    await faults.locator('button', { hasText: 'Split the hottest shard' }).click();
    assert.match(await faults.locator('.api-call .cli').textContent(), /^aws kinesis split-shard .*--shard-to-split shardId-000000000001/);
    await step(page, 4);
    assert.equal(await page.locator('.lane').count(), 6, 'a closed parent and two children');
    assert.equal(await page.locator('.lane.closed').count(), 1);
    assert.match(await page.locator('.lane.closed .lane-head').textContent(), /shardId-000000000001.*closed/);
    assert.equal(await page.locator('.lane .origin', { hasText: 'split from shardId-000000000001' }).count(), 2);
    assert.match(await page.locator('.lineage svg').getAttribute('aria-label'), /^Shard lineage: 6 shards over 2 generations, 1 closed/);
    assert.equal(await page.locator('.lineage .lineage-edge').count(), 2);
    await faults.locator('button', { hasText: 'Merge the two coldest neighbours' }).click();
    await step(page, 4);
    assert.equal(await page.locator('.lane').count(), 7, 'two closed parents more and one merged child');
    assert.equal(await page.locator('.lane.closed').count(), 3);
    assert.equal(await page.locator('.lane .origin', { hasText: /^merged from shardId-\d+ and shardId-\d+$/ }).count(), 1);
    assert.equal(await page.locator('.lineage .lineage-edge').count(), 4);
    await page.locator('.stream').screenshot({ path: join(ARTIFACTS, 'stream-lineage.png'), animations: 'disabled' });
    await faults.locator('button', { hasText: 'Put a poison record' }).click();
    assert.match(await faults.locator('.api-call .status').textContent(), /200/);
    assertClean(problems);
    await context.close();
  });

  test('a fan-out consumer becomes ACTIVE and a KPL producer packs user records', async () => {
    const { context, page, problems } = await openPage(undefined, SANDBOX);
    const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/sandbox';
    await send(page, 'Kinesis_20131202.RegisterStreamConsumer', { StreamARN: arn, ConsumerName: 'dashboard' });
    const consumerRow = page.locator('.clients-table', { hasText: 'Enhanced fan-out' }).locator('tbody tr').first();
    assert.match(await consumerRow.textContent(), /dashboard\s*CREATING/);
    await step(page, 5);
    assert.match(await consumerRow.textContent(), /dashboard\s*ACTIVE/);
    // Two records in shard 1, then a subscription to it from TRIM_HORIZON that reads them.
    for (const data of ['b25l', 'dHdv']) {
      await send(page, 'Kinesis_20131202.PutRecord', { StreamName: 'sandbox', PartitionKey: 'user-42', Data: data });
    }
    const described = await send(page, 'Kinesis_20131202.DescribeStreamConsumer', { StreamARN: arn, ConsumerName: 'dashboard' });
    const consumerArn = JSON.parse(await described.locator('pre').last().textContent()).ConsumerDescription.ConsumerARN;
    const subscribed = await send(page, 'Kinesis_20131202.SubscribeToShard', {
      ConsumerARN: consumerArn, ShardId: 'shardId-000000000001', StartingPosition: { Type: 'TRIM_HORIZON' },
    });
    const { SubscriptionId } = JSON.parse(await subscribed.locator('pre').last().textContent());
    const positions = page.locator('.clients-table', { hasText: 'dashboard: position in each shard' });
    assert.match(await positions.locator('tbody tr').first().textContent(), /^shardId-000000000001start\d+open$/);
    await send(page, 'Shardlab.ReadSubscription', { SubscriptionId });
    const row = await positions.locator('tbody tr').first().textContent();
    assert.match(row, /^shardId-000000000001…000001\d+open$/, 'the position is the last record read');
    await send(page, 'Shardlab.KplCreateProducer', {});
    for (let i = 0; i < 4; i++) {
      await send(page, 'Shardlab.KplPut', { ProducerId: 0, StreamName: 'sandbox', PartitionKey: 'user-42', Data: 'aGVsbG8=' });
    }
    await send(page, 'Shardlab.KplFlush', { ProducerId: 0 });
    await step(page, 1);
    const cells = await page.locator('.clients-table', { hasText: 'KPL producers' }).locator('tbody tr td').allTextContents();
    // #, buffered, in flight, put, succeeded, Kinesis records sent, calls, retries
    assert.deepEqual(cells, ['0', '0', '0', '4', '4', '1', '1', '0']);
    assert.deepEqual(await axeSerious(page), []);
    await page.locator('.clients').screenshot({ path: join(ARTIFACTS, 'views-clients.png') });
    assertClean(problems);
    await context.close();
  });

  test('a consumer stalled for six minutes meets ExpiredIteratorException and resumes without a gap', async () => {
    const { context, page, problems } = await openPage(undefined, SANDBOX);
    const put = (data) => send(page, 'Kinesis_20131202.PutRecord', { StreamName: 'sandbox', PartitionKey: 'user-42', Data: data });
    await page.locator('.consumer button.primary').click();
    await put('b25l');
    await page.evaluate(() => document.activeElement?.blur());
    await step(page, 2);
    const shard = page.locator('.consumer-shard[data-shard="shardId-000000000001"]');
    assert.equal(await shard.locator('.received li').count(), 1);
    await page.locator('.faults button', { hasText: 'Stall the consumer for 6 minutes' }).click();
    assert.match(await page.locator('.consumer .result[role=status]').textContent(), /^Paused until \d\d:\d\d:\d\d/);
    await put('dHdv');
    await send(page, 'Shardlab.AdvanceClock', { Millis: 390_000 });
    assert.match(await shard.textContent(), /ExpiredIteratorException at \d\d:\d\d:\d\d\.\d+; resumed with a new iterator: AFTER_SEQUENCE_NUMBER/);
    // Both records read, once each.
    assert.equal(await shard.locator('.received li').count(), 2);
    await page.locator('.consumer').screenshot({ path: join(ARTIFACTS, 'consumer-expired-iterator.png'), animations: 'disabled' });
    assertClean(problems);
    await context.close();
  });

  test('killing a KCL worker moves its leases to the survivor', async () => {
    const { context, page, problems } = await openPage(undefined, SANDBOX);
    await send(page, 'Shardlab.KclCreateApplication', { ApplicationName: 'billing', StreamName: 'sandbox' });
    await send(page, 'Shardlab.KclStartWorker', { ApplicationId: 0 });
    await send(page, 'Shardlab.KclStartWorker', { ApplicationId: 0 });
    await step(page, 3);
    const owners = async () => page.locator('.leases-table tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual([...new Set(await owners())].sort(), ['worker-0', 'worker-1']);
    await page.locator('.workers li', { hasText: 'worker-0' }).locator('button', { hasText: 'Kill' }).click();
    await step(page, 20);
    assert.deepEqual([...new Set(await owners())], ['worker-1']);
    assert.deepEqual(await axeSerious(page), []);
    await page.locator('.kcl').screenshot({ path: join(ARTIFACTS, 'views-kcl.png') });
    assertClean(problems);
    await context.close();
  });
});
