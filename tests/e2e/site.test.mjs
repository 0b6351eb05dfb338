// End-to-end tests: the release build in dist/, served on loopback and
// clicked through in Debian's Chromium with playwright-core.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, FIRST_LESSON, axeSerious, assertClean, browser, chooseTarget, openPage, origin } from './helpers.mjs';

async function putRecord(page, key, data) {
  await page.fill('input[name=partition-key]', key);
  await page.fill('input[name=data]', data);
  await page.click('.put-form button[type=submit]');
}

describe('playground', () => {
  test('a record lands in the shard the preview predicts and the consumer reads it', async () => {
    const { context, page, problems } = await openPage();
    await page.fill('input[name=partition-key]', 'user-42');
    assert.equal(await page.textContent('.predicted-shard'), 'shardId-000000000001');

    await putRecord(page, 'user-42', '{"order": 1}');
    await page.locator('.result.ok').waitFor();
    assert.match(await page.textContent('.result.ok'), /shardId-000000000001 · SequenceNumber 49\d{54}/);
    const lane = page.locator('.lane[data-shard="shardId-000000000001"]');
    assert.equal(await lane.locator('.count').textContent(), '1 record');
    assert.equal(await lane.locator('.token-key').textContent(), 'user-42');

    await page.check('input[name=iterator-type][value=TRIM_HORIZON]', { force: true });
    await page.click('text=Start consumer');
    await page.click('text=Poll now');
    const received = page.locator('.consumer-shard[data-shard="shardId-000000000001"] .received li');
    await received.first().waitFor();
    assert.equal(await received.locator('.data').textContent(), '{"order": 1}');
    assertClean(problems);
    await context.close();
  });

  test('LATEST skips what was written before; the running clock delivers what comes after', async () => {
    const { context, page, problems } = await openPage();
    await putRecord(page, 'before', 'old');
    await page.check('input[name=iterator-type][value=LATEST]', { force: true });
    await page.click('text=Start consumer');
    await putRecord(page, 'after', 'new');
    await page.click('.clock-bar .play');
    // The consumer polls once per simulated second; at 1x that is within ~1 s.
    await page.locator('.consumer-shard .received li').first().waitFor({ timeout: 5000 });
    const data = await page.locator('.consumer-shard .received .data').allTextContents();
    assert.deepEqual(data, ['new']);
    await page.click('.clock-bar .play');
    assertClean(problems);
    await context.close();
  });

  test('screenshots at desktop and phone sizes', async () => {
    for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
      const { context, page, problems } = await openPage(viewport);
      for (const key of ['user-42', 'user-42', 'user-7', 'device-9', 'order-1001']) await putRecord(page, key, 'x');
      await page.click('text=Start consumer');
      await page.click('text=Poll now');
      await page.screenshot({ path: join(ARTIFACTS, `playground-${name}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: page scrolls sideways by ${overflow}px`);
      assertClean(problems);
      await context.close();
    }
  });
});

describe('controls and inspector', () => {
  test('keyboard shortcuts step the clock, change speed and list themselves', async () => {
    const { context, page, problems } = await openPage();
    const clock = async () => (await page.textContent('.clock')).trim();
    assert.equal(await clock(), '00:00:05.000', 'a lesson starts once its stream is ACTIVE');
    await page.keyboard.press('s');
    assert.equal(await clock(), '00:00:06.000');
    await page.click('.clock-bar .step');
    assert.equal(await clock(), '00:00:07.000');
    const speeds = await page.locator('.clock-bar select option').allTextContents();
    assert.deepEqual([speeds[0], speeds.at(-1)], ['0.25×', '1000×']);
    await page.keyboard.press('+');
    assert.equal(await page.locator('.clock-bar select').inputValue(), '200');
    await page.keyboard.press('?');
    await page.locator('.shortcuts').waitFor();
    assert.ok((await page.locator('.shortcuts dt').count()) >= 5);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.shortcuts').count(), 0);
    // Typing in a field is not a shortcut.
    await page.fill('input[name=partition-key]', 's');
    assert.equal(await clock(), '00:00:07.000');
    assertClean(problems);
    await context.close();
  });

  test('a hot shard shows its load against the limit and its throttled writes', async () => {
    const { context, page, problems } = await openPage();
    const records = Array.from({ length: 500 }, () => ({ PartitionKey: 'user-42', Data: 'eA==' }));
    const console_ = page.locator('.console');
    await chooseTarget(console_, 'Kinesis_20131202.PutRecords');
    await console_.locator('textarea').fill(JSON.stringify({ StreamName: 'orders', Records: records }));
    // 1,500 records to one shard in the same simulated instant: 500 throttled.
    for (let i = 0; i < 3; i++) await console_.locator('button[type=submit]').click();
    assert.match(await console_.locator('.api-call pre').nth(2).textContent(), /"FailedRecordCount": 500/);
    await page.keyboard.press('s');
    const hot = page.locator('.lane[data-shard="shardId-000000000001"]');
    assert.equal(await hot.locator('.heat-value').first().textContent(), '100 % of 1,000 records/s limit');
    assert.match(await hot.locator('.throttled').textContent(), /500 writes/);
    // One key fills it: the lane says so, and why a split would not help.
    assert.match(await hot.locator('.hot-key').textContent(), /^Hot key: user-42 wrote 100 % of this shard's newest records\. A split divides hash key ranges, not a key/);
    assert.equal(await page.locator('.lane[data-shard="shardId-000000000000"] .heat-value').first().textContent(), '0 % of 1 MiB/s limit');
    assert.equal(await page.locator('.lane[data-shard="shardId-000000000000"] .hot-key').count(), 0);
    await page.locator('.stream').screenshot({ path: join(ARTIFACTS, 'hot-shard.png') });
    assertClean(problems);
    await context.close();
  });

  test('clicking a record shows what Kinesis knows about it', async () => {
    const { context, page, problems } = await openPage();
    await putRecord(page, 'user-42', 'inspect me');
    await page.click('.lane[data-shard="shardId-000000000001"] .token');
    const rows = page.locator('.inspector-rows');
    await rows.waitFor();
    const text = await rows.textContent();
    assert.match(text, /PartitionKeyuser-42/);
    // MD5("user-42"), and the shard the ring assigns it.
    assert.match(text, /MD5 of the partition key[0-9a-f]{32}/);
    assert.match(text, /ShardIdshardId-000000000001/);
    assert.match(text, /Datainspect me/);
    assert.match(text, /EncryptionTypeNONE/);
    assertClean(problems);
    await context.close();
  });

  test('an explicit hash key overrides the MD5; a PutRecords batch fails entry by entry and retries the failed', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    await page.fill('input[name=partition-key]', 'user-42');
    assert.equal(await page.textContent('.predicted-shard'), 'shardId-000000000001');
    await page.fill('input[name=explicit-hash-key]', '0');
    assert.equal(await page.textContent('.predicted-shard'), 'shardId-000000000000');
    await page.click('.put-form button[type=submit]');
    assert.equal(await page.locator('.lane[data-shard="shardId-000000000000"] .token-key').textContent(), 'user-42');
    await page.fill('input[name=explicit-hash-key]', '');

    const batch = page.locator('.batch');
    await batch.locator('button', { hasText: 'Fill in 500 records with one key' }).click();
    const submit = batch.locator('button[type=submit]');
    assert.equal(await submit.textContent(), 'PutRecords (500 records)');
    // One shard takes 1,000 records a second: the third batch in the same second is refused.
    const failures = [];
    for (let i = 0; i < 3; i++) {
      await submit.click();
      failures.push(Number((await batch.locator('.batch-summary').textContent()).match(/^FailedRecordCount (\d+) of 500 records$/)[1]));
    }
    assert.equal(failures[0], 0);
    assert.ok(failures[2] > 0, `failures per batch: ${failures}`);
    const failedRows = batch.locator('.batch-results tbody tr:not(.spacer) .tag.bad');
    assert.equal(await failedRows.first().textContent(), 'ProvisionedThroughputExceededException');
    assert.equal(await batch.locator('.batch-results').getAttribute('aria-rowcount'), '501');
    await batch.screenshot({ path: join(ARTIFACTS, 'putrecords-batch.png'), animations: 'disabled' });
    // A second later, the failed entries alone go through.
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('s');
    await batch.locator('.retry-failed').click();
    assert.equal(await batch.locator('.batch-summary').textContent(), `FailedRecordCount 0 of ${failures[2]} records`);
    assertClean(problems);
    await context.close();
  });

  test('the inspector reads the shard from the selected record with each positioned iterator type', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    for (const data of ['one', 'two', 'three']) await putRecord(page, 'user-42', data);
    const tokens = page.locator('.lane[data-shard="shardId-000000000001"] .token');
    const titles = await tokens.evaluateAll((all) => all.map((t) => t.title));
    const sequence = (title) => BigInt(title.match(/SequenceNumber (\d+)/)[1]);
    const middle = [...titles].sort((a, b) => (sequence(a) < sequence(b) ? -1 : 1))[1];
    await page.locator(`.lane .token[title="${middle}"]`).click();
    const inspector = page.locator('.inspector');
    const read = async (label) => {
      await inspector.locator('.read-from button', { hasText: label }).click();
      const summary = await inspector.locator('.read-summary').textContent();
      const keys = await inspector.locator('.read-records li').allTextContents();
      return { summary, keys };
    };
    // AT_SEQUENCE_NUMBER includes the record; AFTER_SEQUENCE_NUMBER starts past it.
    const at = await read('At this record');
    assert.match(at.summary, /^AT_SEQUENCE_NUMBER: GetRecords returned 2 of/);
    const after = await read('After this record');
    assert.match(after.summary, /^AFTER_SEQUENCE_NUMBER: GetRecords returned 1 of/);
    assert.deepEqual(after.keys, [at.keys[1]]);
    // The three arrived in the same simulated millisecond: AT_TIMESTAMP reads them all.
    const atTime = await read('At its arrival time');
    assert.match(atTime.summary, /^AT_TIMESTAMP: GetRecords returned 3 of/);
    assert.ok(atTime.keys.every((k) => k.startsWith('user-42 …')), atTime.keys.join(', '));
    const calls = inspector.locator('.positioned-read .api-call');
    assert.equal(await calls.count(), 2);
    await calls.first().locator('summary').click();
    assert.match(await calls.first().locator('.cli').textContent(), /^aws kinesis get-shard-iterator .*--shard-iterator-type AT_TIMESTAMP .*--timestamp 17672\d+/);
    await inspector.screenshot({ path: join(ARTIFACTS, 'inspector-read-from.png'), animations: 'disabled' });
    assertClean(problems);
    await context.close();
  });
});

describe('accessibility', () => {
  test('axe-core finds no serious or critical violations', async () => {
    // Reduced motion, so that colours are checked as they settle, not mid-animation.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(origin + FIRST_LESSON);
    await page.locator('.lane').first().waitFor();
    await putRecord(page, 'user-42', 'a11y');
    await page.click('text=Start consumer');
    await page.click('text=Poll now');
    await page.click('.lane[data-shard="shardId-000000000001"] .token');
    await page.locator('.producer .api-call summary').click();
    assert.deepEqual(await axeSerious(page), []);
    await context.close();
  });
});

describe('share links', () => {
  test('a share link restores the exact simulation; a damaged one is explained', async () => {
    const { context, page, problems } = await openPage();
    for (const key of ['user-42', 'user-42', 'device-9']) await putRecord(page, key, 'shared');
    await page.keyboard.press('s');
    await page.click('.topbar .share');
    await page.locator('.share-status').waitFor();
    const link = page.url();
    assert.match(link, /#sim=2\./);
    const clock = await page.textContent('.clock');

    const path = link.slice(origin.length);
    const other = await openPage(undefined, path);
    assert.equal(await other.page.textContent('.clock'), clock, 'same simulated time');
    assert.equal(await other.page.locator('.lane[data-shard="shardId-000000000001"] .count').textContent(), '2 records');
    assert.equal(await other.page.locator('.lane[data-shard="shardId-000000000002"] .count').textContent(), '1 record');
    assertClean(other.problems);
    await other.context.close();

    // A link cut short is told apart from one altered on the way.
    const mangled = await openPage(undefined, `${path.slice(0, path.length - 8)}!!!!${path.slice(-4)}`);
    await mangled.page.locator('.link-problem').waitFor();
    assert.match(await mangled.page.textContent('.link-problem'), /could not be opened: the link is damaged \(it holds characters a link does not\): it is not a link Shardlab made/);
    await mangled.context.close();
    const damaged = await openPage(undefined, path.slice(0, path.length - 40));
    await damaged.page.locator('.link-problem').waitFor();
    assert.match(await damaged.page.textContent('.link-problem'), /This share link could not be opened: the link ends too early: it was cut short when copied/);
    assert.equal(await damaged.page.locator('.lane .count').first().textContent(), '0 records', 'the lesson starts as usual');
    // Pasting a link into an open tab changes only the fragment: the page follows it.
    await damaged.page.evaluate((fragment) => { window.location.hash = fragment; }, path.slice(path.indexOf('#') + 1));
    await damaged.page.locator('.lane[data-shard="shardId-000000000002"] .count', { hasText: '1 record' }).waitFor();
    assertClean(damaged.problems);
    await damaged.context.close();
    assertClean(problems);
    await context.close();
  });
});

describe('api console', () => {
  test('requests go through the Kinesis JSON API and show their CLI command', async () => {
    const { context, page, problems } = await openPage();
    await putRecord(page, 'user-42', 'via the form');
    // The form's own call is shown with its CLI equivalent.
    await page.locator('.producer .api-call summary').click();
    assert.match(await page.textContent('.producer .api-call .cli'), /^aws kinesis put-record --data \S+ --partition-key user-42 --stream-name orders$/);

    const console_ = page.locator('.console');
    await chooseTarget(console_, 'Kinesis_20131202.GetShardIterator');
    await console_.locator('button[type=submit]').click();
    await console_.locator('.api-call').first().waitFor();
    assert.match(await console_.locator('.api-call .status').first().textContent(), /200/);

    // GetRecords is filled in with the iterator the last response returned.
    await chooseTarget(console_, 'Kinesis_20131202.GetRecords');
    assert.doesNotMatch(await console_.locator('textarea').inputValue(), /paste the ShardIterator/);
    await console_.locator('button[type=submit]').click();
    const latest = console_.locator('.api-call').first();
    assert.match(await latest.locator('pre').nth(2).textContent(), /"PartitionKey": "user-42"/);
    assert.match(await latest.locator('.cli').textContent(), /^aws kinesis get-records --limit 10 --shard-iterator \S+$/);

    // A malformed request gets the service's error, and the session carries on.
    await chooseTarget(console_, 'Kinesis_20131202.SplitShard');
    await console_.locator('textarea').fill('{"StreamName": "orders", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1"}');
    await console_.locator('button[type=submit]').click();
    assert.equal(await console_.locator('.api-call .error-code').first().textContent(), 'InvalidArgumentException');
    assert.equal(await page.locator('.lane').count(), 4);
    await page.screenshot({ path: join(ARTIFACTS, 'api-console.png'), fullPage: true });
    assertClean(problems);
    await context.close();
  });
});

describe('lesson', () => {
  test('complete the goals and the quiz; progress survives a reload', async () => {
    const { context, page, problems } = await openPage();
    assert.equal(await page.locator('.goal.met').count(), 0);
    for (let i = 0; i < 3; i++) await putRecord(page, 'user-42', `order ${i}`);
    await page.locator('.goal.met').first().waitFor();
    assert.equal(await page.locator('.goal.met').count(), 1);
    await putRecord(page, 'device-9', 'other');
    await page.locator('.goal.met >> nth=1').waitFor();
    await page.locator('.explanation').waitFor();

    // Answer each question, trying options until the feedback says right:
    // every option must give feedback, and exactly one is right.
    const questions = page.locator('.quiz-question');
    const n = await questions.count();
    assert.ok(n >= 3, `quiz has ${n} questions`);
    for (let q = 0; q < n; q++) {
      const options = questions.nth(q).locator('.quiz-option input');
      let right = 0;
      const check = questions.nth(q).locator('.check-answer');
      for (let o = 0; o < (await options.count()); o++) {
        await options.nth(o).check();
        await check.click();
        const feedback = questions.nth(q).locator('.feedback');
        await feedback.waitFor();
        assert.ok((await feedback.textContent()).trim().length > 0, `question ${q} option ${o} has feedback`);
        if ((await feedback.getAttribute('class')).includes('right')) right += 1;
      }
      assert.equal(right, 1, `question ${q} has exactly one right option`);
      // Leave the right answer selected.
      for (let o = 0; o < (await options.count()); o++) {
        await options.nth(o).check();
        await check.click();
        if ((await questions.nth(q).locator('.feedback').getAttribute('class')).includes('right')) break;
      }
    }
    await page.locator('.lesson .badge.complete').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'lesson-complete.png'), fullPage: true });

    await page.reload();
    await page.locator('.lane').first().waitFor();
    await page.locator('.lesson .badge.complete').waitFor();
    assert.equal(await page.locator('.quiz-question .feedback.right').count(), n, 'answers kept');
    assertClean(problems);
    await context.close();
  });

  test('corrupt saved progress is reset with a message, not a blank page', async () => {
    const { context, page, problems } = await openPage();
    await page.evaluate(() => localStorage.setItem('shardlab.progress', '{"version": 1, "lessons": [oops'));
    await page.reload();
    await page.locator('.storage-note').waitFor();
    assert.match(await page.textContent('.storage-note'), /could not be read/);
    await page.locator('.lane').first().waitFor();
    assertClean(problems);
    await context.close();
  });
});

describe('security', () => {
  test('the page declares a strict Content-Security-Policy that allows only its own loader', async () => {
    const { context, page, problems } = await openPage();
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|TRUNK_LOADER|\*/);
    // An injected inline script must be refused.
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 50));
      return window.__injected === true;
    });
    assert.equal(ran, false, 'an inline script not in the policy ran');
    problems.consoleErrors = problems.consoleErrors.filter((e) => !e.includes('Content Security Policy'));
    assertClean(problems);
    await context.close();
  });
});
