// End-to-end tests of the page's trust boundaries (issue 12, item 20): what a
// crafted link, a hostile embedding page or odd saved progress can do.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { FIRST_LESSON, assertClean, openPage } from './helpers.mjs';

async function putRecord(page, key, data) {
  await page.fill('input[name=partition-key]', key);
  await page.fill('input[name=data]', data);
  await page.click('.put-form button[type=submit]');
}

/** A share link (its fragment, without `#`) of the first lesson with one record. */
async function shareFragment() {
  const { context, page, problems } = await openPage();
  await putRecord(page, 'device-9', 'shared');
  await page.click('.topbar .share');
  await page.locator('.share-status').waitFor();
  const url = page.url();
  assertClean(problems);
  await context.close();
  return url.slice(url.indexOf('#') + 1);
}

describe('crafted links', () => {
  test('a deflate bomb is refused as too large, not as cut short', async () => {
    // 40 MiB of spaces deflate to about 40 KiB.
    const bomb = deflateRawSync(Buffer.alloc(40 * 1024 * 1024, 0x20), { level: 6 }).toString('base64');
    const { context, page } = await openPage(undefined, `${FIRST_LESSON}#sim=1.${bomb}`);
    await page.locator('.link-problem').waitFor();
    const problem = await page.textContent('.link-problem');
    assert.match(problem, /more than 32 MiB of simulation, more than Shardlab opens/);
    assert.doesNotMatch(problem, /cut short/);
    assert.equal(await page.locator('.lane .count').first().textContent(), '0 records', 'the lesson starts as usual');
    await context.close();
  });

  test('an embedded lesson ignores a link its parent navigates it to', async () => {
    const fragment = await shareFragment();
    const { context, page, problems } = await openPage(undefined, '/?embed=shards-and-partition-keys');
    await page.evaluate((f) => { window.location.hash = f; }, fragment);
    // The playground follows such a link within a frame or two (site.test.mjs); give the embed ample time.
    await page.waitForTimeout(1500);
    const counts = await page.locator('.lane .count').allTextContents();
    assert.ok(counts.every((c) => c === '0 records'), `the learner's work was replaced: ${counts}`);
    assertClean(problems);
    await context.close();
  });
});

describe('saved progress', () => {
  const lesson = 'shards-and-partition-keys';

  test('one unreadable lesson costs only that lesson', async () => {
    const { context, page, problems } = await openPage(undefined, '/', '.lesson-card');
    const saved = {
      version: 2,
      lessons: {
        [lesson]: { goals_met: true, quiz: { 'what-picks-the-shard': 1 }, completed: true },
        'some-other-lesson': { goals_met: true, quiz: {}, completed: false, stars: 3 },
      },
    };
    await page.evaluate((json) => localStorage.setItem('shardlab.progress', json), JSON.stringify(saved));
    await page.reload();
    await page.locator('.storage-note').waitFor();
    assert.match(await page.textContent('.storage-note'), /Part of your saved progress could not be read \(lesson some-other-lesson: unknown field `stars`/);
    assert.equal(await page.locator('.lesson-card.complete').count(), 1, 'the readable lesson is kept');
    assertClean(problems);
    await context.close();
  });

  test('progress a newer version saved is never overwritten', async () => {
    const { context, page } = await openPage();
    const newer = JSON.stringify({ version: 3, lessons: { [lesson]: { completed: true, badges: ['fast'] } } });
    await page.evaluate((json) => localStorage.setItem('shardlab.progress', json), newer);
    await page.reload();
    await page.locator('.lane').first().waitFor();
    // Meeting the goals saves progress in the normal case.
    await page.locator('.solution-button').click();
    await page.waitForTimeout(3000);
    assert.equal(await page.evaluate(() => localStorage.getItem('shardlab.progress')), newer);
    await context.close();
  });
});
