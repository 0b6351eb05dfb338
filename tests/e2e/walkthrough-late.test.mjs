// Learner walkthroughs of lessons 13 to 23: from the course map into each
// lesson, through every hint, to every goal with the controls the lesson's
// text names (forms, buttons, tables with actions, the clock bar; the API
// console only where the text says to send a request), then the quiz and
// the "next lesson" prompt. Three lessons run on a touch phone, and
// lesson 21 also by keyboard alone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, answerQuestions, assertClean, openPage } from './helpers.mjs';
import { DESKTOP, PHONE, allGoalsMet, count, finishLesson, finishLessonByKeyboard, openLesson, playUntil, press, readEveryHint, useForm } from './walk.mjs';

/**
 * Uses an Operations form as the lesson's text says (see `useForm`) and
 * asserts that its call, `operation`, succeeded.
 */
async function useFormOk(page, title, fields, operation, touch) {
  const outcome = await useForm(page, title, fields, touch);
  assert.match(outcome, new RegExp(`^${operation} (succeeded|answered)`), `${title}: ${outcome}`);
  return outcome;
}

/** The row of KPL producer `id` in the KPL producers table, as its cells' texts. */
async function kplProducerRow(page, id) {
  const table = page.locator('.clients-table', { has: page.locator('caption', { hasText: 'KPL producers' }) });
  const headers = await table.locator('thead th').allTextContents();
  const cells = await table.locator('tbody tr').nth(id).locator('td').allTextContents();
  return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
}

/** The simulated clock, in seconds since the lesson's 00:00:00. */
async function clockSeconds(page) {
  // The clock reads `00:01:05.000`.
  const [h, m, s] = (await page.textContent('.clock')).trim().split(':').map(Number);
  return h * 3600 + m * 60 + s;
}

/** Presses the clock bar's step button (one simulated second) `n` times. */
async function step(page, n, touch) {
  for (let i = 0; i < n; i++) await press(page.locator('.clock-bar .step'), touch);
}

/** Whether the goal whose text matches `pattern` shows Done. */
async function goalDone(page, pattern) {
  return (await page.locator('.goal.met', { hasText: pattern }).count()) === 1;
}

/** The row of generator `id` in the generators table. */
function generatorRow(page, id) {
  return page.locator('.generators-table tbody tr').nth(id);
}

/** Fills in and submits the generator form. */
async function startGenerator(page, { rate, bytes, distribution, distinctKeys }, touch) {
  const form = page.locator('.generator-form');
  await form.locator('input[name=rate]').fill(String(rate));
  if (bytes !== undefined) await form.locator('input[name=bytes]').fill(String(bytes));
  if (distribution !== undefined) await form.locator('select[name=distribution]').selectOption(distribution);
  if (distinctKeys !== undefined) await form.locator('input[name=distinct-keys]').fill(String(distinctKeys));
  const rows = await page.locator('.generators-table tbody tr').count();
  await press(form.locator('button[type=submit]'), touch);
  await page.locator('.generators-table tbody tr').nth(rows).waitFor();
}

/** Starts a polling consumer from the consumer panel at `iteratorType`. */
async function startConsumer(page, iteratorType, touch, another = false) {
  const panel = page.locator('.consumer');
  // The radio button's label is what a learner presses: it covers the input.
  await press(panel.locator('.segmented label', { hasText: iteratorType }), touch);
  assert.ok(await panel.locator(`input[name=iterator-type][value=${iteratorType}]`).isChecked());
  const label = another ? 'Start another consumer' : 'Start consumer';
  await press(panel.getByRole('button', { name: label, exact: true }), touch);
}

/**
 * Lesson 16's quiz opens with a question drawn per attempt ("A producer
 * writes {rate} records a second of {size} bytes each…"): answered as its
 * feedback teaches, the larger of records ÷ 1,000 and bytes ÷ 1 MiB, each
 * rounded up. The other questions come from the answer key.
 */
async function finishWithDrawnQuestion(page, lessonId, touch, screenshot) {
  await page.locator('.explanation').waitFor();
  const question = page.locator('.quiz-question', { has: page.locator('.numeric-answer') }).first();
  const prompt = await question.textContent();
  const [, rate, size] = prompt.match(/writes ([\d,]+) records a second of ([\d,]+) bytes/);
  const shards = Math.max(Math.ceil(count(rate) / 1000), Math.ceil((count(rate) * count(size)) / 1_048_576));
  await question.locator('.numeric-answer input').fill(String(shards));
  await press(question.locator('.check-answer'), touch);
  await answerQuestions(page, lessonId, { skipProbes: true });
  const next = page.locator('.lesson-complete a.next-step');
  await next.waitFor();
  await page.screenshot({ path: join(ARTIFACTS, screenshot) });
  assert.match(await next.textContent(), /^Next lesson: .+ →$/);
  await press(next, touch);
  await page.locator('.lane').first().waitFor();
  return page.locator('.lesson .kicker').first().textContent();
}

/** The last lesson's prompt leads to the practice exam instead. */
async function finishCourse(page, lessonId, touch, screenshot) {
  await page.locator('.explanation').waitFor();
  await answerQuestions(page, lessonId);
  const next = page.locator('.lesson-complete a.next-step');
  await next.waitFor();
  await page.screenshot({ path: join(ARTIFACTS, screenshot) });
  assert.equal(await next.textContent(), 'That was the last lesson. Try the practice exam →');
  await press(next, touch);
  await page.locator('.exam-question').first().waitFor();
}

async function finish(page, problems, context, lessonId, touch, n, name) {
  await page.screenshot({ path: join(ARTIFACTS, `walk-lesson-${n}-${name}.png`), fullPage: touch });
  const done = `walk-lesson-${n}-complete-${name}.png`;
  let kicker;
  if (lessonId === 'provisioned-capacity') kicker = await finishWithDrawnQuestion(page, lessonId, touch, done);
  else if (n === 23) await finishCourse(page, lessonId, touch, done);
  else kicker = await finishLesson(page, lessonId, touch, done);
  // Two lessons share the number 9, so lesson n is the (n + 1)th and the next is the (n + 2)th.
  if (n < 23) assert.match(kicker, new RegExp(`^Lesson ${n + 2} of \\d+$`));
  assertClean(problems);
  await context.close();
}

describe('learner walkthroughs, lessons 13 to 23', () => {
  test('13 hot and cold: the Operations panel\'s Firehose form for the delivery stream, the consumer button, the clock', async () => {
    const { context, page, problems, touch } = await openLesson(DESKTOP, 'Hot and cold: one stream, two paths');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    // The last hint: the form that reads this stream, its buffer interval down from 300 to 60 seconds.
    await useFormOk(page, 'Deliver this stream to S3 with Firehose', {
      'Delivery stream name': 'clicks-cold',
      'S3 bucket': 'clicks-archive',
      'Prefix (optional)': 'raw/',
      'Buffer interval (seconds)': '60',
    }, 'CreateDeliveryStream', touch);
    await page.locator('.delivery-stream[data-name=clicks-cold]').waitFor();
    await startConsumer(page, 'LATEST', touch);
    await playUntil(page, '1000', () => allGoalsMet(page), touch);
    // The archive is there to see in the S3 browser.
    assert.match(await page.locator('.s3-browser .object-count').textContent(), /object/);
    await finish(page, problems, context, 'hot-cold-pattern', touch, 13, 'desktop');
  });

  test('14 Kinesis or SQS on a phone: two consumers from the consumer panel, the queue worked from its card', async () => {
    const { context, page, problems, touch } = await openLesson(PHONE, 'Kinesis or SQS: share the stream, split the queue');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    await startConsumer(page, 'TRIM_HORIZON', touch);
    await startConsumer(page, 'TRIM_HORIZON', touch, true);
    // Worker A, then worker B: two receives of up to two messages each, from the queue's card.
    const card = page.locator('.queue[data-queue=order-tasks]');
    await card.locator('input[name=max-messages]').fill('2');
    const received = card.locator('.received li');
    for (const [worker, held] of [['A', 2], ['B', 4]]) {
      await press(card.getByRole('button', { name: 'ReceiveMessage' }), touch);
      await received.nth(held - 1).waitFor();
      assert.equal(await received.count(), held, `worker ${worker} receives two orders`);
    }
    assert.equal(await card.locator('.in-flight-count').textContent(), '4');
    assert.equal(await card.locator('.visible-count').textContent(), '0');
    const bodies = (await received.locator('.mono').allTextContents()).sort();
    assert.deepEqual(bodies, [1, 2, 3, 4].map((n) => `{"order": ${n}}`));
    await page.locator('.sqs').screenshot({ path: join(ARTIFACTS, 'walk-lesson-14-queue-phone.png') });
    // Each worker deletes what it processed: the DeleteMessage beside each message.
    for (let left = 4; left > 0; left--) {
      await press(received.first().getByRole('button', { name: /^DeleteMessage / }), touch);
      await page.waitForFunction((n) => document.querySelectorAll('.queue[data-queue=order-tasks] .received li').length === n, left - 1);
    }
    await card.locator('.in-flight-count', { hasText: '0' }).waitFor();
    await playUntil(page, '100', () => allGoalsMet(page), touch);
    await finish(page, problems, context, 'kinesis-or-sqs', touch, 14, 'phone');
  });

  test('15 resharding: the hot shard in the lanes, Split the hottest shard and Merge the two coldest neighbours before 00:01:00, then let the minute run', async () => {
    const { context, page, problems, touch } = await openLesson(DESKTOP, 'Resharding: split the hot shard, merge the cold ones');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    // Hint 1: compare the lanes' throttles; only shard 2 throttles.
    const throttling = page.locator('.lane:not(.closed)').filter({ has: page.locator('.throttled') });
    await throttling.first().waitFor();
    assert.deepEqual(await throttling.evaluateAll((lanes) => lanes.map((l) => l.dataset.shard)), ['shardId-000000000002']);
    const faults = page.locator('.faults');
    await press(faults.getByRole('button', { name: 'Split the hottest shard' }), touch);
    const split = await faults.locator('.api-call .cli').textContent();
    assert.match(split, /^aws kinesis split-shard /);
    assert.match(split, /--shard-to-split shardId-000000000002 /);
    assert.match(split, /--new-starting-hash-key 212676479325586539664609129644855132160 /);
    await step(page, 3, touch);
    await press(faults.getByRole('button', { name: 'Merge the two coldest neighbours' }), touch);
    const merge = await faults.locator('.api-call .cli').textContent();
    assert.match(merge, /^aws kinesis merge-shards /);
    assert.match(merge, /--shard-to-merge shardId-000000000000 /);
    assert.match(merge, /--adjacent-shard-to-merge shardId-000000000001 /);
    assert.ok((await clockSeconds(page)) < 60, 'resharded before 00:01:00');
    await playUntil(page, '5000', () => allGoalsMet(page), touch);
    assert.ok((await clockSeconds(page)) >= 120);
    await finish(page, problems, context, 'resharding-hot-shards', touch, 15, 'desktop');
  });

  test('16 provisioned capacity: the throttles in the Metrics panel, then Change the shard count twice, three seconds apart', async () => {
    const { context, page, problems, touch } = await openLesson(DESKTOP, 'Provisioned capacity: enough shards, and no more');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    // The intro: "pick WriteProvisionedThroughputExceeded in the Metrics panel to see how many".
    const metrics = page.locator('.metrics');
    await metrics.locator('select[name=metric]').selectOption({ label: 'WriteProvisionedThroughputExceeded' });
    const [, peak] = (await metrics.locator('figcaption').textContent()).match(/Peak ([\d,.]+);/);
    assert.ok(count(peak) > 0, 'throttled writes before resharding');
    const update = (target) => useFormOk(page, 'Change the shard count', { 'Target shard count': String(target) }, 'UpdateShardCount', touch);
    await update(2);
    await step(page, 3, touch);
    await page.locator('#stream-title + p', { hasText: /^2 shards open/ }).waitFor();
    await update(3);
    assert.ok((await clockSeconds(page)) < 60, 'resharded before 00:01:00');
    await playUntil(page, '5000', () => allGoalsMet(page), touch);
    await finish(page, problems, context, 'provisioned-capacity', touch, 16, 'desktop');
  });

  test('17 on-demand: Change the capacity mode before 00:00:55, then the clock until Kinesis has scaled', async () => {
    const { context, page, problems, touch } = await openLesson(DESKTOP, 'On-demand capacity');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    assert.equal(await clockSeconds(page), 45);
    await useFormOk(page, 'Change the capacity mode', { 'Capacity mode': 'ON_DEMAND' }, 'UpdateStreamMode', touch);
    await playUntil(page, '500', () => allGoalsMet(page), touch);
    // The last hint: the Stream panel's heading counts four open shards.
    assert.match(await page.locator('#stream-title + p').textContent(), /^4 shards open/);
    // The task ends by reading the bill under "Cost so far": on-demand lines beside the provisioned ones.
    const lines = await page.locator('.metrics .cost-meter li > span:first-child').allTextContents();
    for (const line of ['Shard hours', 'PUT payload units', 'On-demand stream hours', 'On-demand data in']) {
      assert.ok(lines.includes(line), `${line} in ${lines}`);
    }
    await finish(page, problems, context, 'on-demand-capacity', touch, 17, 'desktop');
  });

  test('18 the KPL: Start a KPL producer, ten user records and a flush, from the Operations panel', async () => {
    const { context, page, problems, touch } = await openLesson(DESKTOP, 'The KPL: aggregation and buffering');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    // AggregationEnabled is left at true, as the first hint says.
    await useFormOk(page, 'Start a KPL producer', {}, 'KplCreateProducer', touch);
    for (let n = 1; n <= 10; n++) {
      await useFormOk(page, 'Add a user record to a KPL producer', { Producer: 'producer 0', 'Partition key': `user-${n}`, Data: 'click' }, 'KplPut', touch);
    }
    // The KPL producers table: ten user records wait in the buffer.
    assert.equal((await kplProducerRow(page, 0)).Buffered, '10');
    await useFormOk(page, 'Flush a KPL producer', { Producer: 'producer 0' }, 'KplFlush', touch);
    await step(page, 1, touch);
    assert.ok(await allGoalsMet(page));
    const row = await kplProducerRow(page, 0);
    assert.equal(row.Succeeded, '10');
    assert.equal(row['Kinesis records sent'], '2');
    await finish(page, problems, context, 'kpl-aggregation', touch, 18, 'desktop');
  });

  test('19 KCL leases: Add a worker twice, the clock, worker-1\'s Kill button, the clock until worker-2 holds both leases', async () => {
    const { context, page, problems, touch } = await openLesson(DESKTOP, 'The KCL: leases, workers and checkpoints');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    const kcl = page.locator('.kcl');
    await press(kcl.getByRole('button', { name: 'Add a worker' }), touch);
    await press(kcl.getByRole('button', { name: 'Add a worker' }), touch);
    const owners = async () => (await kcl.locator('table tbody tr').evaluateAll((rows) => rows.map((r) => r.cells[1].textContent))).sort().join(',');
    await playUntil(page, '500', async () => (await owners()) === 'worker-1,worker-2', touch);
    assert.ok(!(await goalDone(page, /Crash worker-1/)));
    await press(kcl.locator('.workers li', { hasText: 'worker-1' }).getByRole('button', { name: 'Kill' }), touch);
    // However long failover takes, the learner plays the clock until the leases move.
    await playUntil(page, '500', () => allGoalsMet(page), touch);
    assert.equal(await owners(), 'worker-2,worker-2');
    await finish(page, problems, context, 'kcl-leases', touch, 19, 'desktop');
  });

  test('20 idempotent consumers: the clock, Kill, Add a worker, the put form for the retried payment', async () => {
    const { context, page, problems, touch } = await openLesson(DESKTOP, 'At-least-once delivery and idempotency');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    await step(page, 3, touch);
    const kcl = page.locator('.kcl');
    await press(kcl.locator('.workers li', { hasText: 'worker-0' }).getByRole('button', { name: 'Kill' }), touch);
    await press(kcl.getByRole('button', { name: 'Add a worker' }), touch);
    await playUntil(page, '500', async () => (await goalDone(page, /Crash a worker/)) && (await goalDone(page, /Start a new worker/)), touch);
    const form = page.locator('.producer');
    await form.locator('input[name=partition-key]').fill('customer-3');
    await form.locator('input[name=data]').fill('{"payment_id": "pay-3", "amount": 30}');
    await press(form.locator('button[type=submit]'), touch);
    await form.locator('.result.ok').waitFor();
    await playUntil(page, '500', () => allGoalsMet(page), touch);
    await finish(page, problems, context, 'idempotent-consumers', touch, 20, 'desktop');
  });

  test('21 throughput errors on a phone: Stop the hot generator, the generator form with uniform keys, the clock', async () => {
    const { context, page, problems, touch } = await openLesson(PHONE, 'Throughput errors and their cures');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    assert.ok(count(await generatorRow(page, 0).locator('td').nth(5).textContent()) > 0, 'generator 0 is throttled');
    await press(generatorRow(page, 0).getByRole('button', { name: 'Stop generator 0' }), touch);
    await generatorRow(page, 0).locator('text=stopped').waitFor();
    await startGenerator(page, { rate: 1500, bytes: 100, distribution: 'UNIFORM', distinctKeys: 1000 }, touch);
    await playUntil(page, '500', () => allGoalsMet(page), touch);
    assert.equal(count(await generatorRow(page, 1).locator('td').nth(5).textContent()), 0);
    await finish(page, problems, context, 'throughput-errors', touch, 21, 'phone');
  });

  test('22 monitoring on a phone: a burst from the generator form, Stop, a consumer at TRIM_HORIZON, the clock', async () => {
    const { context, page, problems, touch } = await openLesson(PHONE, 'Monitoring a stream: a game day');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    await startGenerator(page, { rate: 3000, bytes: 200, distribution: 'UNIFORM', distinctKeys: 1000 }, touch);
    await step(page, 2, touch);
    await press(generatorRow(page, 1).getByRole('button', { name: 'Stop generator 1' }), touch);
    await generatorRow(page, 1).locator('text=stopped').waitFor();
    assert.ok(await goalDone(page, /WriteProvisionedThroughputExceeded/));
    await startConsumer(page, 'TRIM_HORIZON', touch);
    await playUntil(page, '200', () => allGoalsMet(page), touch);
    await finish(page, problems, context, 'monitoring-metrics', touch, 22, 'phone');
  });

  test('23 security: caller, encryption and policy from the Operations panel, the producer restarted from the generator panel', async () => {
    const { context, page, problems, touch } = await openLesson(DESKTOP, 'Encryption and least-privilege access');
    assert.ok((await readEveryHint(page, touch)) >= 2);
    const producer = 'arn:aws:iam::123456789012:user/payments-producer';
    const principal = 'Principal ARN (empty: the administrator)';
    // The generators table says why the producer stores nothing: its writes fail, they are not throttled.
    const failed = async (id) => count(await generatorRow(page, id).locator('td').nth(6).textContent());
    assert.equal(await page.locator('.generators-table thead th').nth(6).textContent(), 'Failed');
    assert.ok((await failed(0)) > 0, 'generator 0 is refused');
    assert.equal(count(await generatorRow(page, 0).locator('td').nth(4).textContent()), 0);
    // The first hint: try the encryption as you are, and be refused.
    assert.match(await useForm(page, 'Encrypt the stream at rest', { 'KMS key': 'alias/aws/kinesis' }, touch), /^AccessDeniedException /);
    // Whom the page's calls are made as is said above the forms, until the learner acts as the administrator.
    const actingAs = page.locator('.task-forms .acting-as');
    assert.match(await actingAs.textContent(), /made as arn:aws:iam::123456789012:user\/payments-producer,/);
    await useFormOk(page, 'Act as a principal', { [principal]: '' }, 'SetCaller', touch);
    assert.equal(await actingAs.count(), 0);
    await useFormOk(page, 'Encrypt the stream at rest', { 'KMS key': 'alias/aws/kinesis' }, 'StartStreamEncryption', touch);
    // The policy document starts with the stream as its Resource and an empty Action list, which the learner fills.
    const policy = page.locator('.task-form', { has: page.locator('summary', { hasText: 'Attach an IAM policy' }) }).locator('textarea');
    const template = JSON.parse(await policy.inputValue());
    assert.deepEqual(template.Statement, [{ Effect: 'Allow', Action: [], Resource: 'arn:aws:kinesis:us-east-1:123456789012:stream/payments' }]);
    template.Statement[0].Action = ['kinesis:DescribeStream', 'kinesis:PutRecord', 'kinesis:PutRecords'];
    await useFormOk(page, 'Attach an IAM policy', {
      'Principal (ARN)': producer,
      'Policy document (JSON)': JSON.stringify(template, null, 2),
    }, 'AttachPolicy', touch);
    await useFormOk(page, 'Act as a principal', { [principal]: producer }, 'SetCaller', touch);
    assert.match(await actingAs.textContent(), /payments-producer/);
    await press(generatorRow(page, 0).getByRole('button', { name: 'Stop generator 0' }), touch);
    await startGenerator(page, { rate: 100 }, touch);
    await playUntil(page, '500', () => allGoalsMet(page), touch);
    assert.equal(await failed(1), 0);
    await finish(page, problems, context, 'security', touch, 23, 'desktop');
  });

  test('21 throughput errors by keyboard alone: Tab to the lesson, Stop, the generator form, Space for the clock', async () => {
    const { context, page, problems } = await openPage(DESKTOP.viewport, '/', '.lesson-card');
    let onLink = false;
    for (let n = 0; n < 80 && !onLink; n++) {
      await page.keyboard.press('Tab');
      onLink = await page.evaluate(() => document.activeElement?.textContent === 'Throughput errors and their cures');
    }
    assert.ok(onLink, 'Tab reaches the lesson on the course map');
    await page.keyboard.press('Enter');
    await page.locator('.lane').first().waitFor();
    assert.equal(await page.locator('.goal.met').count(), 0);

    await page.locator('.hint-button').focus();
    while ((await page.locator('.hint-button').getAttribute('aria-disabled')) !== 'true') await page.keyboard.press('Enter');
    assert.equal(await page.locator('.hint').count(), 3);

    await page.getByRole('button', { name: 'Stop generator 0' }).focus();
    await page.keyboard.press('Enter');
    await generatorRow(page, 0).locator('text=stopped').waitFor();
    // The form, field by field with Tab, sent with Enter.
    await page.locator('.generator-form input[name=rate]').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1500');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('100');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.value), 'UNIFORM');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1000');
    await page.keyboard.press('Enter');
    await generatorRow(page, 1).waitFor();

    // Space plays the clock once focus is off the fields; Space again pauses it.
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Space');
    const deadline = Date.now() + 30_000;
    while (!(await allGoalsMet(page))) {
      assert.ok(Date.now() < deadline, 'the goals were not reached with the clock running');
      await page.waitForTimeout(100);
    }
    await page.keyboard.press('Space');
    assert.equal(await page.textContent('.clock-bar .play'), 'Play');

    // The quiz by keyboard, then the prompt to the next lesson.
    assert.match(await finishLessonByKeyboard(page, 'throughput-errors'), /^Lesson 23 of \d+$/);
    assertClean(problems);
    await context.close();
  });
});
