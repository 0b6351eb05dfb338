// Share links as recipes (`sim=2.`): a learner's session in the sandbox is
// shared as the steps that made it, and a fresh page replays them to the
// same records and clock. Also measures opening an hour of a generator at
// 1,000 records/s in Chromium (printed, not asserted).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, chooseTarget, openPage, origin } from './helpers.mjs';

const SANDBOX = '/?sandbox';

async function putRecord(page, key, data) {
  await page.fill('input[name=partition-key]', key);
  await page.fill('input[name=data]', data);
  await page.click('.put-form button[type=submit]');
  await page.locator('.result.ok').waitFor();
}

/** What a learner sees of the simulation: the clock and each lane's count. */
async function seen(page) {
  return {
    clock: (await page.textContent('.clock')).trim(),
    counts: await page.locator('.lane .count').allTextContents(),
  };
}

/** Presses Share; the link it put in the address bar. */
async function share(page) {
  await page.click('.topbar .share');
  await page.locator('.share-status').first().waitFor();
  return page.url();
}

describe('share links as recipes', () => {
  test('a sandbox session opens in a fresh page with the same records and clock', async () => {
    const { context, page, problems } = await openPage(undefined, SANDBOX);
    for (const key of ['user-42', 'user-42', 'device-9', 'order-1001']) await putRecord(page, key, 'shared');
    await page.click('.clock-bar .step');
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('s');
    // Half a second of play at 1×, however many ticks that turns out to be.
    await page.click('.clock-bar .play');
    await page.waitForTimeout(500);
    await page.click('.clock-bar .play');
    await putRecord(page, 'user-7', 'after the clock moved');
    const before = await seen(page);

    const link = await share(page);
    assert.match(link, /#sim=2\./);
    assert.ok(link.length < 2000, `a ${link.length}-character link`);

    const other = await openPage(undefined, link.slice(origin.length), '.lane');
    assert.deepEqual(await seen(other.page), before);
    assertClean(other.problems);
    await other.context.close();

    // Undo drops the last step from the next link too.
    await page.click('.clock-bar button[title^="Undo"]');
    const undone = await seen(page);
    assert.notDeepEqual(undone, before);
    const afterUndo = await openPage(undefined, (await share(page)).slice(origin.length), '.lane');
    assert.deepEqual(await seen(afterUndo.page), undone);
    await afterUndo.context.close();
    assertClean(problems);
    await context.close();
  });

  test('an hour of a generator at 1,000 records/s is a short link that opens with its progress shown', async () => {
    const { context, page, problems } = await openPage(undefined, SANDBOX);
    const form = page.locator('.generator-form');
    await form.locator('input[name=rate]').fill('1000');
    await form.locator('button[type=submit]').click();
    const console_ = page.locator('.console');
    await chooseTarget(console_, 'Shardlab.AdvanceClock');
    await console_.locator('textarea[name=body]').fill(JSON.stringify({ Millis: 3_600_000 }));
    await console_.locator('button[type=submit]').click();
    await page.locator('.clock', { hasText: '01:00:05.000' }).waitFor({ timeout: 120_000 });
    const before = await seen(page);
    const link = await share(page);
    assert.match(link, /#sim=2\./);
    assert.ok(link.length < 8 * 1024, `a ${link.length}-character link`);

    const began = Date.now();
    const other = await openPage(undefined, link.slice(origin.length), '.lane');
    const opening = await other.page.locator('.share-status.opening').count();
    await other.page.locator('.clock', { hasText: before.clock }).waitFor({ timeout: 120_000 });
    const ms = Date.now() - began;
    console.log(`an hour at 1,000 records/s: a ${link.length}-character link, opened in Chromium in ${ms} ms (progress shown: ${opening > 0})`);
    assert.deepEqual(await seen(other.page), before);
    assertClean(other.problems);
    await other.context.close();
    assertClean(problems);
    await context.close();
  });
});
