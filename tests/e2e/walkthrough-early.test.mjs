// Learner walkthroughs of the lessons in lessons/data/02, 04 to 10 and 12
// (learner.test.mjs walks 01, 03 and 11), each test named by its lesson's
// directory: from the course map into the lesson, through its hints, to its
// goals with the controls the lesson's text names (forms, buttons, table
// actions, the clock bar; the API console only where the text sends the
// learner there), its quiz and the "next lesson" prompt. 02, 07 and 08 are
// walked on a touch phone: forms and tables are where a phone learner
// struggles.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, answerQuestions, assertClean, chooseTarget } from './helpers.mjs';
import { DESKTOP, PHONE, allGoalsMet, count, finishLesson, openLesson, playUntil, press, readEveryHint } from './walk.mjs';

/** Opens the lesson titled `title` from the course map, then reads every hint. */
async function openLessonAndReadHints(device, title) {
  const opened = await openLesson(device, title);
  assert.ok((await readEveryHint(opened.page, opened.touch)) >= 2);
  return opened;
}

/**
 * Sends `target` from the API console, as a lesson's text tells the learner
 * to: picks the target (its template fills the body), replaces the body with
 * `body` if given, presses Send and returns the response it shows.
 */
async function sendInConsole(page, target, body, touch) {
  const console_ = page.locator('.panel.console');
  const history = console_.locator('.console-history .api-call');
  const before = await history.count();
  await chooseTarget(console_, target);
  if (body !== undefined) await console_.locator('textarea[name=body]').fill(JSON.stringify(body));
  await press(console_.locator('button[type=submit]'), touch);
  await history.nth(before).waitFor();
  const call = history.first();
  assert.match(await call.locator('summary').textContent(), new RegExp(`^200 ${target.split('.').pop()}`), `${target} answered 200`);
  const response = await call.locator('.api-call-body pre').last().textContent();
  return response === '(empty body)' ? null : JSON.parse(response);
}

/** Presses the clock bar's Step 1 s `n` times. */
async function step(page, n, touch) {
  for (let i = 0; i < n; i++) await press(page.locator('.clock-bar .step'), touch);
}

/** The simulated clock, as the clock bar shows it (`00:01:10.000`). */
async function clockText(page) {
  return (await page.textContent('.clock-bar .clock')).trim();
}

/**
 * Asserts `locator` lies within the phone's width, as the page is laid out
 * (nothing scrolled sideways): the learner sees it by scrolling down only.
 */
async function onScreen(locator, what) {
  const box = await locator.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.viewport.width, `${what} at x=${box?.x}, width ${box?.width}`);
}

/** Opens the newest object in the S3 browser; returns its opened view. */
async function openNewestObject(page, touch) {
  const browser = page.locator('.s3-browser');
  await press(browser.locator('button.open-object').first(), touch);
  const opened = browser.locator('.object-view');
  await opened.waitFor();
  return opened;
}

describe('a learner on a phone', () => {
  test('02-producers-stream-consumers: the consumer panel and the put form', async () => {
    const { context, page, problems, touch } = await openLessonAndReadHints(PHONE, 'Producers, the stream, consumers');
    const panel = page.locator('.panel.consumer');
    // Billing from TRIM_HORIZON, as the hints say.
    await press(panel.locator('label', { hasText: 'TRIM_HORIZON' }), touch);
    assert.ok(await panel.locator('input[value=TRIM_HORIZON]').isChecked());
    await press(panel.getByRole('button', { name: 'Start consumer' }), touch);
    await step(page, 1, touch);

    // Two new orders with the producer's form.
    const form = page.locator('.put-form');
    for (const [key, data] of [['customer-23', '{"order": 6, "item": "chair"}'], ['customer-9', '{"order": 7, "item": "vase"}']]) {
      await form.locator('input[name=partition-key]').fill(key);
      await form.locator('input[name=data]').fill(data);
      await press(form.locator('button[type=submit]'), touch);
      await page.locator('.producer .result.ok').waitFor();
    }
    await page.locator('.goal.met').first().waitFor();

    // The warehouse: another consumer, TRIM_HORIZON still picked.
    await press(panel.getByRole('button', { name: 'Start another consumer' }), touch);
    await step(page, 1, touch);
    const rows = panel.locator('.consumers-table tbody tr');
    assert.equal(await rows.count(), 2);
    for (const row of await rows.all()) assert.equal(count(await row.locator('td').nth(2).textContent()), 7);
    await onScreen(rows.nth(1).locator('td').nth(2), 'the warehouse\'s records read');
    assert.ok(await allGoalsMet(page));
    await panel.screenshot({ path: join(ARTIFACTS, 'walk-02-phone-consumers.png') });
    assert.match(await finishLesson(page, 'producers-stream-consumers', touch, 'walk-02-phone-complete.png'), /^Lesson 3 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('07-putrecords-partial-failures: the PutRecords form and its retry button', async () => {
    const { context, page, problems, touch } = await openLessonAndReadHints(PHONE, 'When PutRecords partly fails');
    const start = await clockText(page);
    const batch = page.locator('.panel.batch');
    const orders = Array.from({ length: 10 }, (_, i) => `order-${i + 1} {"order": ${i + 1}}`).join('\n');
    await batch.locator('textarea[name=batch]').fill(orders);
    await press(batch.getByRole('button', { name: 'PutRecords (10 records)' }), touch);
    assert.equal(await batch.locator('.batch-summary').textContent(), 'FailedRecordCount 5 of 10 records');
    assert.equal(await clockText(page), start, 'the first batch is sent with the clock paused');
    const refused = await batch.locator('.batch-results tbody tr:has(.tag.bad) td:nth-child(2)').allTextContents();
    assert.deepEqual(refused, ['order-3', 'order-5', 'order-7', 'order-8', 'order-10']);
    // On a phone, which entries failed shows without scrolling the table sideways: their rows are tinted, their ErrorCode on screen.
    assert.deepEqual(await batch.locator('.batch-results tr.failed td:nth-child(2)').allTextContents(), refused);
    await onScreen(batch.locator('.batch-results .tag.bad').first(), 'the first ErrorCode');
    await batch.screenshot({ path: join(ARTIFACTS, 'walk-07-phone-refused.png') });

    // Back off a second, then retry only the refused entries.
    await step(page, 1, touch);
    const retry = batch.getByRole('button', { name: 'Retry the 5 failed entries' });
    await onScreen(retry, 'Retry');
    await press(retry, touch);
    assert.equal(await batch.locator('.batch-summary').textContent(), 'FailedRecordCount 0 of 5 records');
    await step(page, 1, touch);
    assert.ok(await allGoalsMet(page));
    await batch.screenshot({ path: join(ARTIFACTS, 'walk-07-phone-putrecords.png') });
    assert.match(await finishLesson(page, 'putrecords-partial-failures', touch, 'walk-07-phone-complete.png'), /^Lesson 8 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('08-polling-read-limits: stop the forgotten consumer from its table row', async () => {
    const { context, page, problems, touch } = await openLessonAndReadHints(PHONE, 'Polling consumers share a shard\'s reads');
    const table = page.locator('.panel.consumer .consumers-table');
    assert.equal(await table.locator('tbody tr').count(), 3);
    // The Stop button leads the row: on a phone it is on screen without scrolling the table.
    const stop = table.getByRole('button', { name: 'Stop consumer 2' });
    await onScreen(stop, 'Stop');
    await press(stop, touch);
    assert.equal(await table.locator('tbody tr').count(), 2);
    assert.ok((await clockText(page)) < '00:01:00', 'the change is made before the goals\' minute');
    await playUntil(page, '5000', () => allGoalsMet(page), touch);
    assert.ok((await clockText(page)) >= '00:02:00');
    await page.locator('.panel.consumer').screenshot({ path: join(ARTIFACTS, 'walk-08-phone-consumers.png') });

    // The quiz: one question's numbers are drawn for the learner, who reads them off the page.
    await page.locator('.explanation').waitFor();
    await answerQuestions(page, 'polling-read-limits', { skipProbes: true });
    const probe = page.locator('.quiz-question:has(.numeric-answer)');
    const consumers = Number((await probe.textContent()).match(/(\d+) polling consumers/)[1]);
    await probe.locator('.numeric-answer input').fill(String(Math.floor(5 / consumers)));
    await press(probe.locator('.check-answer'), touch);
    const next = page.locator('.lesson-complete a.next-step');
    await next.waitFor();
    assert.match(await next.textContent(), /^Next lesson: .+ →$/);
    await press(next, touch);
    await page.locator('.lane').first().waitFor();
    assert.match(await page.locator('.lesson .kicker').first().textContent(), /^Lesson 9 of \d+$/);
    assertClean(problems);
    await context.close();
  });
});

describe('a learner on a desktop', () => {
  const touch = false;

  test('04-streams-or-firehose: the delivery stream from the console, the object in the S3 browser', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Data Streams or Data Firehose?');
    await sendInConsole(page, 'Firehose_20150804.CreateDeliveryStream', {
      DeliveryStreamName: 'clicks-archive',
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        BucketARN: 'arn:aws:s3:::clickstream-archive',
        RoleARN: 'arn:aws:iam::123456789012:role/firehose-delivery',
        Prefix: 'clicks/',
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 5 },
      },
    }, touch);
    const answer = await sendInConsole(page, 'Firehose_20150804.PutRecordBatch', {
      DeliveryStreamName: 'clicks-archive',
      Records: ['eyJwYWdlIjoiL2hvbWUifQo=', 'eyJwYWdlIjoiL2NhcnQifQo=', 'eyJwYWdlIjoiL3BheSJ9Cg=='].map((Data) => ({ Data })),
    }, touch);
    assert.equal(answer.FailedPutCount, 0);
    // The delivery stream's card shows its buffer filling, then the delivery.
    const card = page.locator('.delivery-stream[data-name=clicks-archive]');
    assert.match(await card.textContent(), /3 records/);
    await playUntil(page, '1000', () => allGoalsMet(page), touch);
    const opened = await openNewestObject(page, touch);
    assert.match(await opened.locator('.object-key').textContent(), /^clicks\/\d{4}\/\d\d\/\d\d\/\d\d\/clicks-archive-1-/);
    assert.equal(await opened.locator('.object-text').textContent(), '{"page":"/home"}\n{"page":"/cart"}\n{"page":"/pay"}\n');
    await page.locator('.panel.delivery').screenshot({ path: join(ARTIFACTS, 'walk-04-delivery.png') });
    assert.match(await finishLesson(page, 'streams-or-firehose', touch), /^Lesson 5 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('05-data-streams-essentials: scale and retain from the console, consumers and the fleet from their panels', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'A stream for a fleet of sensors');
    await sendInConsole(page, 'Kinesis_20131202.UpdateShardCount', { StreamName: 'telemetry', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }, touch);
    // Move the clock until the stream is ACTIVE again, as the hint says.
    let status = 'UPDATING';
    for (let n = 0; status !== 'ACTIVE'; n++) {
      assert.ok(n < 30, 'the stream never became ACTIVE');
      await step(page, 1, touch);
      status = (await sendInConsole(page, 'Kinesis_20131202.DescribeStreamSummary', { StreamName: 'telemetry' }, touch)).StreamDescriptionSummary.StreamStatus;
    }
    await sendInConsole(page, 'Kinesis_20131202.IncreaseStreamRetentionPeriod', { StreamName: 'telemetry', RetentionPeriodHours: 168 }, touch);

    const consumer = page.locator('.panel.consumer');
    assert.ok(await consumer.locator('input[value=TRIM_HORIZON]').isChecked());
    await press(consumer.getByRole('button', { name: 'Start consumer' }), touch);
    await press(consumer.getByRole('button', { name: 'Start another consumer' }), touch);

    const form = page.locator('.generator-form');
    await form.locator('input[name=rate]').fill('1500');
    await form.locator('input[name=distinct-keys]').fill('5000');
    await press(form.locator('button[type=submit]'), touch);
    await page.locator('.generators-table tbody tr').first().waitFor();
    await playUntil(page, '1000', () => allGoalsMet(page), touch);
    const fleet = page.locator('.generators-table tbody tr').first();
    assert.ok(count(await fleet.locator('td').nth(4).textContent()) >= 15_000);
    assert.equal(count(await fleet.locator('td').nth(5).textContent()), 0, 'no reading throttled');
    await page.locator('.panel.generators').screenshot({ path: join(ARTIFACTS, 'walk-05-generators.png') });
    assert.match(await finishLesson(page, 'data-streams-essentials', touch), /^Lesson 6 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('06-when-to-use-data-streams: two consumers from the panel, the re-read from the console', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Fraud detection and analytics on one stream');
    const consumer = page.locator('.panel.consumer');
    await press(consumer.getByRole('button', { name: 'Start consumer' }), touch);
    await press(consumer.getByRole('button', { name: 'Start another consumer' }), touch);
    await step(page, 1, touch);
    const read = await consumer.locator('.consumers-table tbody tr td:nth-child(3)').allTextContents();
    assert.deepEqual(read.map(count), [8, 8]);

    const iterator = await sendInConsole(page, 'Kinesis_20131202.GetShardIterator', {
      StreamName: 'payments',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      StartingSequenceNumber: '49000000000000000000000000000000000000000000000000000004',
    }, touch);
    // Choosing GetRecords fills in the iterator, as the hint says.
    await chooseTarget(page.locator('.panel.console'), 'Kinesis_20131202.GetRecords');
    assert.match(await page.inputValue('.panel.console textarea[name=body]'), new RegExp(iterator.ShardIterator.replace(/[+/=]/g, '\\$&')));
    const records = await sendInConsole(page, 'Kinesis_20131202.GetRecords', undefined, touch);
    assert.deepEqual(records.Records.map((r) => r.SequenceNumber.slice(-1)), ['4', '5', '6', '7']);
    await step(page, 1, touch);
    assert.ok(await allGoalsMet(page));
    await page.locator('.panel.consumer').screenshot({ path: join(ARTIFACTS, 'walk-06-consumers.png') });
    assert.match(await finishLesson(page, 'when-to-use-data-streams', touch), /^Lesson 7 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('09-starting-positions: AFTER_SEQUENCE_NUMBER from the console', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Starting positions: where a reader begins');
    await sendInConsole(page, 'Kinesis_20131202.GetShardIterator', {
      StreamName: 'billing',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      StartingSequenceNumber: '49000000000000000000000000000000000000000000000000000004',
    }, touch);
    const records = await sendInConsole(page, 'Kinesis_20131202.GetRecords', undefined, touch);
    assert.equal(records.Records.length, 3);
    await step(page, 1, touch);
    assert.ok(await allGoalsMet(page));
    await page.locator('.panel.console').screenshot({ path: join(ARTIFACTS, 'walk-09-starting-positions-console.png') });
    assert.match(await finishLesson(page, 'starting-positions', touch), /^Lesson 10 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('09-expired-iterators: pause it from the console, watch it resume and catch up', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'A stalled consumer: lag and expired iterators');
    await sendInConsole(page, 'Shardlab.PauseConsumer', { ConsumerId: 0, Millis: 360000 }, touch);
    const paused = await sendInConsole(page, 'Shardlab.Consumers', undefined, touch);
    assert.ok(paused.Consumers[0].PausedUntil, 'Shardlab.Consumers shows PausedUntil');
    await playUntil(page, '10000', () => allGoalsMet(page), touch);
    const resumed = await sendInConsole(page, 'Shardlab.Consumers', undefined, touch);
    assert.equal(resumed.Consumers[0].Shards[0].IteratorExpired.ResumeFrom.ShardIteratorType, 'AFTER_SEQUENCE_NUMBER');
    await page.locator('.lesson').screenshot({ path: join(ARTIFACTS, 'walk-09-expired-iterators-goals.png') });
    assert.match(await finishLesson(page, 'expired-iterators', touch), /^Lesson 11 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('10-enhanced-fan-out: register, subscribe to both shards and read, from the console', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Enhanced fan-out: a dedicated pipe per consumer');
    const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/telemetry';
    const registered = await sendInConsole(page, 'Kinesis_20131202.RegisterStreamConsumer', { StreamARN: streamArn, ConsumerName: 'fraud-detector' }, touch);
    const consumerArn = registered.Consumer.ConsumerARN;
    let status = registered.Consumer.ConsumerStatus;
    for (let n = 0; status !== 'ACTIVE'; n++) {
      assert.ok(n < 30, 'the consumer never became ACTIVE');
      await step(page, 1, touch);
      status = (await sendInConsole(page, 'Kinesis_20131202.DescribeStreamConsumer', { StreamARN: streamArn, ConsumerName: 'fraud-detector' }, touch)).ConsumerDescription.ConsumerStatus;
    }
    const ids = [];
    for (const shard of ['shardId-000000000000', 'shardId-000000000001']) {
      const answer = await sendInConsole(page, 'Kinesis_20131202.SubscribeToShard', { ConsumerARN: consumerArn, ShardId: shard, StartingPosition: { Type: 'LATEST' } }, touch);
      ids.push(answer.SubscriptionId);
    }
    await step(page, 5, touch);
    for (const id of ids) {
      const pushed = await sendInConsole(page, 'Shardlab.ReadSubscription', { SubscriptionId: id }, touch);
      assert.ok(JSON.stringify(pushed).length > 100, 'the subscription received records');
    }
    await step(page, 1, touch);
    assert.ok(await allGoalsMet(page));
    await page.locator('.lesson').screenshot({ path: join(ARTIFACTS, 'walk-10-enhanced-fan-out-goals.png') });
    assert.match(await finishLesson(page, 'enhanced-fan-out', touch), /^Lesson 12 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('12-firehose-delivery: the transform, the delivery stream and the batch from the console, the object in the S3 browser', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Firehose: buffer, transform, deliver');
    const steps = [{ Type: 'DROP_IF_CONTAINS', Text: 'heartbeat' }, { Type: 'APPEND_NEWLINE' }];
    const created = await sendInConsole(page, 'Shardlab.CreateTransformFunction', { FunctionName: 'clean-events', Steps: steps }, touch);
    const functionArn = created.FunctionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:clean-events';
    // Tried on a heartbeat and a click before it is wired in, as the lesson says.
    const tried = await sendInConsole(page, 'Shardlab.TestTransformFunction', {
      FunctionName: 'clean-events',
      Records: [{ recordId: '1', data: 'eyJ0eXBlIjoiaGVhcnRiZWF0In0=' }, { recordId: '2', data: 'eyJ0eXBlIjoiY2xpY2siLCJwYWdlIjoiL2hvbWUifQ==' }],
    }, touch);
    assert.deepEqual(tried.records.map((r) => r.result), ['Dropped', 'Ok']);
    await sendInConsole(page, 'Firehose_20150804.CreateDeliveryStream', {
      DeliveryStreamName: 'events-to-lake',
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        BucketARN: 'arn:aws:s3:::events-lake',
        RoleARN: 'arn:aws:iam::123456789012:role/firehose-delivery',
        Prefix: 'events/',
        ErrorOutputPrefix: 'errors/',
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 5 },
        CompressionFormat: 'GZIP',
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [{ Type: 'Lambda', Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: functionArn }] }],
        },
      },
    }, touch);
    const events = [
      'eyJ0eXBlIjoiY2xpY2siLCJwYWdlIjoiL2hvbWUifQ==',
      'eyJ0eXBlIjoiaGVhcnRiZWF0In0=',
      'eyJ0eXBlIjoiY2xpY2siLCJwYWdlIjoiL2NhcnQifQ==',
      'eyJ0eXBlIjoiY2xpY2siLCJwYWdlIjoiL3BheSJ9',
      'eyJ0eXBlIjoiaGVhcnRiZWF0In0=',
      'eyJ0eXBlIjoiY2xpY2siLCJwYWdlIjoiL2RvbmUifQ==',
    ];
    await sendInConsole(page, 'Firehose_20150804.PutRecordBatch', { DeliveryStreamName: 'events-to-lake', Records: events.map((Data) => ({ Data })) }, touch);
    await playUntil(page, '1000', () => allGoalsMet(page), touch);
    const opened = await openNewestObject(page, touch);
    assert.match(await opened.locator('.object-key').textContent(), /^events\//);
    assert.match(await opened.textContent(), /GZIP/);
    assert.equal(
      await opened.locator('.object-text').textContent(),
      '{"type":"click","page":"/home"}\n{"type":"click","page":"/cart"}\n{"type":"click","page":"/pay"}\n{"type":"click","page":"/done"}\n',
    );
    await page.locator('.panel.delivery').screenshot({ path: join(ARTIFACTS, 'walk-12-delivery.png') });
    assert.match(await finishLesson(page, 'firehose-delivery', touch), /^Lesson 14 of \d+$/);
    assertClean(problems);
    await context.close();
  });
});
