// End-to-end: the Lambda, Firehose + S3 and SQS views in the sandbox, with
// every resource created from the API console as a learner would.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, assertClean, axeSerious, chooseTarget, openPage } from './helpers.mjs';

const SANDBOX = '/?sandbox';

/** Sends `target` from the console, with its template or with `body`; asserts HTTP 200. */
async function send(page, target, body) {
  const console_ = page.locator('.console');
  await chooseTarget(console_, target);
  if (body !== undefined) await console_.locator('textarea').fill(JSON.stringify(body));
  await console_.locator('button[type=submit]').click();
  const newest = console_.locator('.console-history .api-call').first();
  assert.equal((await newest.locator('.status').textContent()).trim(), '200', `${target} failed: ${await newest.textContent()}`);
}

/** Moves the simulated clock with the console's `Shardlab.AdvanceClock`. */
async function advance(page, millis) {
  await send(page, 'Shardlab.AdvanceClock', { Millis: millis });
}

/** Presses `s` (step one simulated second) `n` times, with no field focused. */
async function step(page, n) {
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < n; i++) await page.keyboard.press('s');
}

async function noSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: page scrolls sideways by ${overflow}px`);
}

/** Data as the JSON APIs carry it. */
const b64 = (text) => Buffer.from(text).toString('base64');

describe('Lambda, Firehose and SQS views', () => {
  test('a Kinesis-only page shows none of them', async () => {
    const { context, page, problems } = await openPage({ width: 1280, height: 800 }, SANDBOX);
    for (const panel of ['.lambda', '.delivery', '.sqs']) assert.equal(await page.locator(panel).count(), 0, panel);
    assertClean(problems);
    await context.close();
  });

  test('a long invocation log is drawn a window at a time, and scrolls to its oldest entry', async () => {
    const { context, page, problems } = await openPage({ width: 1280, height: 800 }, SANDBOX);
    await send(page, 'Shardlab.CreateFunction');
    await send(page, 'Shardlab.StartGenerator');
    await send(page, 'Shardlab.CreateEventSourceMapping');
    await advance(page, 30_000);
    const mapping = page.locator('.lambda .mapping');
    const total = Number((await mapping.locator('.log-count').textContent()).match(/^(\d+) invocations/)[1]);
    assert.ok(total > 100, `${total} invocations`);
    const log = mapping.locator('.invocation-log');
    assert.equal(await log.getAttribute('aria-rowcount'), String(total + 1));
    const rows = log.locator('tbody tr:not(.spacer)');
    const drawn = await rows.count();
    assert.ok(drawn > 0 && drawn <= 18, `${drawn} rows drawn of ${total}`);
    // Newest first: row 2 (after the header) is the last invocation, numbered from 0.
    assert.equal(await rows.first().getAttribute('aria-rowindex'), '2');
    assert.equal(await rows.first().locator('td').first().textContent(), String(total - 1));
    // The scroll bar is as long as the whole log.
    const box = mapping.locator('.table-scroll.virtual');
    assert.ok((await box.evaluate((el) => el.scrollHeight)) > total * 34);
    await box.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('.invocation-log tbody tr:not(.spacer)')];
      return rows.at(-1)?.getAttribute('aria-rowindex') === String(n + 1);
    }, total);
    assert.equal(await rows.last().locator('td').first().textContent(), '0');
    assert.ok((await rows.count()) <= 18);
    await box.screenshot({ path: join(ARTIFACTS, 'invocation-log-scrolled.png'), animations: 'disabled' });
    assertClean(problems);
    await context.close();
  });

  test('delivery stream buffer to S3 object, mapping bisecting to a poison pill, queue in flight', async () => {
    const { context, page, problems } = await openPage({ width: 1280, height: 800 }, SANDBOX);

    // Firehose: a bucket, a Direct PUT stream with a 60 s interval, records in its buffer.
    await send(page, 'Shardlab.S3CreateBucket');
    const delivery = page.locator('.delivery');
    await delivery.waitFor();
    assert.equal(await delivery.locator('.object-count').textContent(), 'No objects in orders-archive yet.');
    await send(page, 'Firehose_20150804.CreateDeliveryStream');
    for (let i = 1; i <= 3; i++) {
      await send(page, 'Firehose_20150804.PutRecord', {
        DeliveryStreamName: 'orders-archive',
        Record: { Data: b64(`{"order": ${i}}\n`) },
      });
    }
    const card = delivery.locator('.delivery-stream[data-name="orders-archive"]');
    await step(page, 5);
    const fills = await card.locator('.fill-text').allTextContents();
    assert.match(fills[0], /^39 B in 3 records of 1\.0 MiB \(SizeInMBs 1\)$/);
    assert.match(fills[1], /^5\.0 s of 60 s/);
    assert.match(await card.textContent(), /From Direct PUT to arn:aws:s3:::orders-archive, prefix orders\/ \(GZIP\)/);
    await delivery.screenshot({ path: join(ARTIFACTS, 'delivery-buffering.png'), animations: 'disabled' });

    await advance(page, 60_000);
    assert.match((await card.locator('.fill-text').allTextContents())[0], /^0 B in 0 records/);
    assert.match(await card.locator('.figures').textContent(), /Delivered objects1/);
    const objects = delivery.locator('.s3-browser tbody tr:not(.spacer)');
    assert.equal(await objects.count(), 1);
    assert.match(await objects.first().locator('button.open-object').textContent(), /^orders\/2026\/01\/01\/00\/orders-archive-1-2026-01-01-00-0\d-\d\d-.+\.gz$/);
    assert.equal(await delivery.locator('.object-count').textContent(), '1 object in orders-archive, newest first.');
    await objects.first().locator('button.open-object').click();
    const opened = delivery.locator('.object-view');
    await opened.waitFor();
    assert.match(await opened.textContent(), /GZIP: \d+ B stored, inflated here to 39 B/);
    assert.equal(await opened.locator('pre').textContent(), '{"order": 1}\n{"order": 2}\n{"order": 3}\n');
    await delivery.screenshot({ path: join(ARTIFACTS, 'delivery-s3-object.png'), animations: 'disabled' });

    // SQS first, so that the mapping's on-failure destination exists.
    await send(page, 'AmazonSQS.CreateQueue');
    const queue = page.locator('.sqs .queue[data-queue="orders-failures"]');
    await queue.waitFor();
    assert.equal(await queue.locator('.visible-count').textContent(), '0');

    // Lambda: a function with a poison pill, eight records in one shard, a bisecting mapping.
    await send(page, 'Shardlab.CreateFunction');
    const keys = ['a', 'b', 'c', 'poison', 'd', 'e', 'f', 'g'];
    await send(page, 'Kinesis_20131202.PutRecords', {
      StreamName: 'sandbox',
      Records: keys.map((k) => ({ PartitionKey: k, ExplicitHashKey: '0', Data: b64(`order from ${k}`) })),
    });
    await send(page, 'Shardlab.CreateEventSourceMapping');
    const mapping = page.locator('.lambda .mapping');
    await mapping.waitFor();
    assert.match(await mapping.locator('h3').textContent(), /process-orders reads stream sandbox/);
    assert.match(await mapping.locator('.figures').textContent(), /Concurrency\d+ running, at most 4 \(4 shards × 1\)/);
    await advance(page, 30_000);
    const log = mapping.locator('.invocation-log');
    const handlings = await log.locator('tbody tr:not(.spacer) td:nth-child(8)').allTextContents();
    assert.ok(handlings.includes('BISECTED'), `handlings: ${handlings}`);
    assert.ok(handlings.includes('DISCARDED'), `handlings: ${handlings}`);
    assert.match(await mapping.locator('.log-count').textContent(), /^\d+ invocations, newest first; scroll the log for older ones\.$/);
    // Newest first: numbers fall down the table.
    const numbers = (await log.locator('tbody tr:not(.spacer) td:nth-child(1)').allTextContents()).map(Number);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a));
    assert.equal(await mapping.locator('.destination-count').textContent(), '1 message');
    assert.match(await mapping.locator('.figures').textContent(), /Discarded records1/);
    await mapping.locator('.settings summary').click();
    assert.match(await mapping.locator('.settings').textContent(), /BisectBatchOnFunctionErrorYes/);
    await mapping.screenshot({ path: join(ARTIFACTS, 'lambda-mapping.png'), animations: 'disabled' });

    // The discarded record's invocation record arrived in the queue; two more, then receive two.
    assert.equal(await queue.locator('.visible-count').textContent(), '1');
    await send(page, 'AmazonSQS.SendMessage');
    await send(page, 'AmazonSQS.SendMessage');
    await send(page, 'AmazonSQS.ReceiveMessage', {
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-failures',
      MaxNumberOfMessages: 2,
    });
    assert.equal(await queue.locator('.in-flight-count').textContent(), '2');
    assert.equal(await queue.locator('.visible-count').textContent(), '1');
    assert.match(await queue.textContent(), /VisibilityTimeout30 s/);
    await page.locator('.sqs').screenshot({ path: join(ARTIFACTS, 'sqs-queue.png'), animations: 'disabled' });
    // The visibility timeout returns them.
    await advance(page, 31_000);
    assert.equal(await queue.locator('.in-flight-count').textContent(), '0');
    assert.equal(await queue.locator('.visible-count').textContent(), '3');

    assert.deepEqual(await axeSerious(page), [], 'serious or critical accessibility violations');
    await page.screenshot({ path: join(ARTIFACTS, 'services-desktop.png'), fullPage: true, animations: 'disabled' });

    // The same page on a phone: no sideways scroll, the tables scroll inside their own boxes.
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page, 'phone');
    await page.locator('.lambda').screenshot({ path: join(ARTIFACTS, 'lambda-phone.png'), animations: 'disabled' });
    await page.locator('.delivery').screenshot({ path: join(ARTIFACTS, 'delivery-phone.png'), animations: 'disabled' });
    await page.locator('.sqs').screenshot({ path: join(ARTIFACTS, 'sqs-phone.png'), animations: 'disabled' });
    assert.deepEqual(await axeSerious(page), [], 'serious or critical accessibility violations on a phone');
    assertClean(problems);
    await context.close();
  });

  test('the log and the object browser are reachable by keyboard', async () => {
    const { context, page, problems } = await openPage({ width: 390, height: 844 }, SANDBOX);
    await send(page, 'Shardlab.S3CreateBucket');
    await send(page, 'Firehose_20150804.CreateDeliveryStream');
    await send(page, 'Firehose_20150804.PutRecord');
    await advance(page, 61_000);
    const open = page.locator('.s3-browser button.open-object');
    await open.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.object-view pre').textContent(), '{"order": 1}\n');
    // The objects table scrolls inside a focusable region, not the page.
    const region = page.locator('.s3-browser .table-scroll');
    assert.equal(await region.getAttribute('tabindex'), '0');
    await noSidewaysScroll(page, 'phone');
    assertClean(problems);
    await context.close();
  });

  test('a queue shows where its redrive policy sends messages, and its dead-letter queue shows from where', async () => {
    const { context, page, problems } = await openPage({ width: 390, height: 844 }, SANDBOX);
    await send(page, 'AmazonSQS.CreateQueue', { QueueName: 'jobs-dlq' });
    await send(page, 'AmazonSQS.CreateQueue', {
      QueueName: 'jobs',
      Attributes: {
        VisibilityTimeout: '10',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:jobs-dlq', maxReceiveCount: 3 }),
      },
    });
    const jobs = page.locator('.queue[data-queue="jobs"]');
    assert.match(await jobs.textContent(), /Redrive policyTo jobs-dlq after 3 receives/);
    assert.match(await jobs.textContent(), /VisibilityTimeout10 s/);
    assert.match(await page.locator('.queue[data-queue="jobs-dlq"]').textContent(), /Dead-letter queue forjobs/);
    await noSidewaysScroll(page, 'phone');
    assertClean(problems);
    await context.close();
  });
});
