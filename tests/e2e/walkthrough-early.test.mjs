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
import { ARTIFACTS, answerQuestions, assertClean } from './helpers.mjs';
import { DESKTOP, PHONE, allGoalsMet, count, finishLesson, openLesson, playUntil, press, readEveryHint, useForm } from './walk.mjs';

/** Opens the lesson titled `title` from the course map, then reads every hint. */
async function openLessonAndReadHints(device, title) {
  const opened = await openLesson(device, title);
  assert.ok((await readEveryHint(opened.page, opened.touch)) >= 2);
  return opened;
}

/**
 * The answer to the last call the Operations panel's form titled `title`
 * made, as its call view shows it (the form's outcome line says only part).
 */
async function formAnswer(page, title) {
  const form = page.locator('.task-form').filter({ has: page.locator('summary').getByText(title, { exact: true }) });
  const call = form.locator('.api-call').last();
  assert.match(await call.locator('summary').textContent(), /^200 /, `${title}: its last call answered 200`);
  return JSON.parse(await call.locator('.api-call-body pre').last().textContent());
}

/** Presses the button labelled `label` in the Break it, fix it panel; checks its call answered 200. */
async function pressFault(page, label, touch) {
  const panel = page.locator('.panel.faults');
  await press(panel.getByRole('button', { name: label }), touch);
  assert.match(await panel.locator('.api-call summary').textContent(), /^200 /, `${label}: its call answered 200`);
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

  test('04-streams-or-firehose: the delivery stream and the clicks from the Operations panel, the object in the S3 browser', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Data Streams or Data Firehose?');
    const created = await useForm(page, 'Create a Direct PUT delivery stream to S3', {
      'Delivery stream name': 'clicks-archive',
      'S3 bucket': 'clickstream-archive',
      'Prefix (optional)': 'clicks/',
      'Buffer interval (seconds)': '60',
    }, touch);
    assert.match(created, /^CreateDeliveryStream (answered|succeeded)/);
    // Typed as the lesson prints them: one click a line, no newline of its own.
    const sent = await useForm(page, 'Send records to a delivery stream', {
      'Delivery stream': 'clicks-archive',
      'Records, one a line': '{"page":"/home"}\n{"page":"/cart"}\n{"page":"/pay"}',
    }, touch);
    assert.match(sent, /^PutRecordBatch (answered|succeeded)/);
    assert.equal((await formAnswer(page, 'Send records to a delivery stream')).FailedPutCount, 0);
    // The delivery stream's card shows its buffer filling, then the delivery.
    const card = page.locator('.delivery-stream[data-name=clicks-archive]');
    assert.match(await card.textContent(), /3 records/);
    await playUntil(page, '1000', () => allGoalsMet(page), touch);
    const opened = await openNewestObject(page, touch);
    assert.match(await opened.locator('.object-key').textContent(), /^clicks\/\d{4}\/\d\d\/\d\d\/\d\d\/clicks-archive-1-/);
    // Firehose adds no delimiter: the clicks run together, as the explanation says.
    assert.equal(await opened.locator('.object-text').textContent(), '{"page":"/home"}{"page":"/cart"}{"page":"/pay"}');
    await page.locator('.panel.delivery').screenshot({ path: join(ARTIFACTS, 'walk-04-delivery.png') });
    assert.match(await finishLesson(page, 'streams-or-firehose', touch), /^Lesson 5 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('05-data-streams-essentials: scale with the Operations form, retain with the fault button, consumers and the fleet from their panels', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'A stream for a fleet of sensors');
    const scaled = await useForm(page, 'Change the shard count', { 'Target shard count': '2' }, touch);
    assert.match(scaled, /^UpdateShardCount (answered|succeeded)/);
    // Move the clock until the Stream panel shows the two new shards, as the hint says.
    const shards = page.locator('.panel.stream .panel-head .muted');
    for (let n = 0; !(await shards.textContent()).startsWith('2 shards open, 1 closed'); n++) {
      assert.ok(n < 30, `the stream never showed 2 shards open: ${await shards.textContent()}`);
      await step(page, 1, touch);
    }
    await pressFault(page, 'Raise retention to 7 days', touch);
    assert.match(await page.locator('.panel.faults .api-call summary').textContent(), /IncreaseStreamRetentionPeriod/);

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

  test('06-when-to-use-data-streams: two consumers from the panel, the re-read with the Operations form', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Fraud detection and analytics on one stream');
    const consumer = page.locator('.panel.consumer');
    await press(consumer.getByRole('button', { name: 'Start consumer' }), touch);
    await press(consumer.getByRole('button', { name: 'Start another consumer' }), touch);
    await step(page, 1, touch);
    const read = await consumer.locator('.consumers-table tbody tr td:nth-child(3)').allTextContents();
    assert.deepEqual(read.map(count), [8, 8]);

    const outcome = await useForm(page, 'Read a shard from a position', {
      'Shard': 'shardId-000000000000',
      'Iterator type': 'AT_SEQUENCE_NUMBER',
      'Starting sequence number (AT_ or AFTER_ only)': '49000000000000000000000000000000000000000000000000000004',
    }, touch);
    assert.match(outcome, /^GetRecords returned 4 records: “\{"payment": 5, /);
    assert.match(outcome, /\{"payment": 8, /);
    const records = await formAnswer(page, 'Read a shard from a position');
    assert.deepEqual(records.Records.map((r) => r.SequenceNumber.slice(-1)), ['4', '5', '6', '7']);
    await step(page, 1, touch);
    assert.ok(await allGoalsMet(page));
    await page.locator('.panel.consumer').screenshot({ path: join(ARTIFACTS, 'walk-06-consumers.png') });
    assert.match(await finishLesson(page, 'when-to-use-data-streams', touch), /^Lesson 7 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('09-starting-positions: AFTER_SEQUENCE_NUMBER with the Operations form', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Starting positions: where a reader begins');
    const outcome = await useForm(page, 'Read a shard from a position', {
      'Shard': 'shardId-000000000000',
      'Iterator type': 'AFTER_SEQUENCE_NUMBER',
      'Starting sequence number (AT_ or AFTER_ only)': '49000000000000000000000000000000000000000000000000000004',
    }, touch);
    assert.match(outcome, /^GetRecords returned 3 records: “\{"invoice":6,.*\{"invoice":7,.*\{"invoice":8,/);
    await step(page, 1, touch);
    assert.ok(await allGoalsMet(page));
    await page.locator('.panel.task-forms').screenshot({ path: join(ARTIFACTS, 'walk-09-starting-positions-form.png') });
    assert.match(await finishLesson(page, 'starting-positions', touch), /^Lesson 10 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('09-expired-iterators: stall it with the fault button, watch it resume and catch up', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'A stalled consumer: lag and expired iterators');
    await pressFault(page, 'Stall the consumer for 6 minutes', touch);
    const stall = page.locator('.panel.faults .api-call');
    assert.match(await stall.locator('summary').textContent(), /PauseConsumer/);
    assert.deepEqual(JSON.parse(await stall.locator('.api-call-body pre').nth(1).textContent()), { ConsumerId: 0, Millis: 360000 });
    // While it is frozen, the first goal has nothing to show yet, as the hint says.
    const resumed = page.locator('.goal .detail').first();
    assert.equal(await resumed.textContent(), 'where consumer 0 resumed on shardId-000000000000: none yet');
    await playUntil(page, '10000', () => allGoalsMet(page), touch);
    assert.equal(await resumed.textContent(), 'where consumer 0 resumed on shardId-000000000000: AFTER_SEQUENCE_NUMBER');
    // The Metrics panel's iterator-age series, as the last hint says.
    await page.locator('.panel.metrics select[name=metric]').selectOption({ label: 'GetRecords.IteratorAgeMilliseconds' });
    await page.locator('.lesson').screenshot({ path: join(ARTIFACTS, 'walk-09-expired-iterators-goals.png') });
    assert.match(await finishLesson(page, 'expired-iterators', touch), /^Lesson 11 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('10-enhanced-fan-out: register, subscribe to both shards and read, with the Operations forms', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Enhanced fan-out: a dedicated pipe per consumer');
    const registered = await useForm(page, 'Register a fan-out consumer', { 'Consumer name': 'fraud-detector' }, touch);
    assert.match(registered, /^RegisterStreamConsumer (answered|succeeded)/);
    // Move the clock until its ConsumerStatus reads ACTIVE, as the hint says.
    const status = page.locator('.panel.clients .clients-table tbody tr', { hasText: 'fraud-detector' }).locator('td').nth(1);
    for (let n = 0; (await status.textContent()) !== 'ACTIVE'; n++) {
      assert.ok(n < 30, 'the consumer never became ACTIVE');
      await step(page, 1, touch);
    }
    const shards = ['shardId-000000000000', 'shardId-000000000001'];
    for (const shard of shards) {
      const subscribed = await useForm(page, 'Subscribe a fan-out consumer to a shard', {
        'Consumer': 'fraud-detector',
        'Shard': shard,
        'Starting position': 'LATEST',
      }, touch);
      assert.match(subscribed, /^SubscribeToShard (answered|succeeded)/);
    }
    await step(page, 5, touch);
    for (const shard of shards) {
      const read = await useForm(page, 'Read what a subscription was pushed', { 'Subscription': `fraud-detector on ${shard}` }, touch);
      assert.match(read, /^ReadSubscription returned [1-9][\d,]* records?: “/);
      const pushed = await formAnswer(page, 'Read what a subscription was pushed');
      assert.ok(JSON.stringify(pushed).length > 100, `the subscription to ${shard} received records`);
    }
    await step(page, 1, touch);
    assert.ok(await allGoalsMet(page));
    await page.locator('.lesson').screenshot({ path: join(ARTIFACTS, 'walk-10-enhanced-fan-out-goals.png') });
    assert.match(await finishLesson(page, 'enhanced-fan-out', touch), /^Lesson 12 of \d+$/);
    assertClean(problems);
    await context.close();
  });

  test('12-firehose-delivery: the transform, the delivery stream and the batch with the Operations forms, the object in the S3 browser', async () => {
    const { context, page, problems } = await openLessonAndReadHints(DESKTOP, 'Firehose: buffer, transform, deliver');
    const created = await useForm(page, 'Create a transformation function', {
      'Function name': 'clean-events',
      'Steps, one a line: DROP_IF_CONTAINS text, FAIL_IF_CONTAINS text, UPPERCASE, APPEND_NEWLINE': 'DROP_IF_CONTAINS heartbeat\nAPPEND_NEWLINE',
    }, touch);
    assert.match(created, /^CreateTransformFunction (answered|succeeded)/);
    // Tried on a heartbeat and a click before it is wired in, as the lesson says.
    const triedOutcome = await useForm(page, 'Try a transformation function', {
      'Function name': 'clean-events',
      'Records, one a line': '{"type":"heartbeat"}\n{"type":"click","page":"/home"}',
    }, touch);
    assert.equal(triedOutcome, 'TestTransformFunction: record 1 Dropped, record 2 Ok “{"type":"click","page":"/home"}\\n”.');
    const tried = await formAnswer(page, 'Try a transformation function');
    assert.deepEqual(tried.records.map((r) => r.result), ['Dropped', 'Ok']);
    const delivery = await useForm(page, 'Create a Direct PUT delivery stream to S3', {
      'Delivery stream name': 'events-to-lake',
      'S3 bucket': 'events-lake',
      'Prefix (optional)': 'events/',
      'Error output prefix (optional)': 'errors/',
      'Buffer interval (seconds)': '60',
      'Compression': 'GZIP',
      'Transformation function (optional)': 'clean-events',
    }, touch);
    assert.match(delivery, /^CreateDeliveryStream (answered|succeeded)/);
    const events = [
      '{"type":"click","page":"/home"}',
      '{"type":"heartbeat"}',
      '{"type":"click","page":"/cart"}',
      '{"type":"click","page":"/pay"}',
      '{"type":"heartbeat"}',
      '{"type":"click","page":"/done"}',
    ];
    await useForm(page, 'Send records to a delivery stream', { 'Delivery stream': 'events-to-lake', 'Records, one a line': events.join('\n') }, touch);
    const sent = await formAnswer(page, 'Send records to a delivery stream');
    assert.equal(sent.FailedPutCount, 0);
    assert.equal(sent.RequestResponses.length, 6);
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
