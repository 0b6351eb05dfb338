// A lesson keeps the learner's work in the browser: a reload, or the lesson
// opened again later, resumes where they were, says so, and offers to start
// the lesson over. Driven through the page's own controls; localStorage is
// only read, or written to play a damaged store.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, openPage, origin } from './helpers.mjs';

const LESSON = 'shards-and-partition-keys';
const KEY = `shardlab.work.${LESSON}`;

async function putRecord(page, key) {
  await page.fill('input[name=partition-key]', key);
  await page.fill('input[name=data]', 'kept');
  await page.click('.put-form button[type=submit]');
}

/** What the learner sees of the simulation: the clock and each shard's records. */
async function state(page) {
  return { clock: await page.textContent('.clock'), lanes: await page.locator('.lane .count').allTextContents() };
}

async function reload(page) {
  await page.reload();
  await page.locator('.lane').first().waitFor();
}

const saved = (page) => page.evaluate((key) => localStorage.getItem(key), KEY);

describe('a lesson keeps the learner\'s work', () => {
  test('a reload resumes the lesson with a note; "Start the lesson over" returns to its start, and Undo to the work', async () => {
    const { context, page, problems } = await openPage(undefined, '/', '.lesson-card');
    await page.click(`.lesson-card a[href="?lesson=${LESSON}"]`);
    await page.locator('.lane').first().waitFor();
    const start = await state(page);

    // An untouched lesson keeps nothing: a reload opens it as before, with no note.
    await reload(page);
    assert.equal(await page.locator('.resume-note').count(), 0);
    assert.equal(await saved(page), null);

    await putRecord(page, 'user-42');
    await putRecord(page, 'user-7');
    await page.locator('.clock-bar .step').click();
    await page.locator('.clock-bar .step').click();
    const work = await state(page);
    assert.notDeepEqual(work, start);

    await reload(page);
    const note = page.locator('.resume-note');
    assert.match(await note.textContent(), /^Your work on this lesson was restored\./);
    assert.deepEqual(await state(page), work, 'the same clock and records');
    assert.match(await saved(page), /^sim=1\./, 'kept as a share link keeps a simulation');

    // Nothing done since: reloading again restores the same work.
    await reload(page);
    assert.deepEqual(await state(page), work);

    await note.getByRole('button', { name: 'Start the lesson over' }).click();
    assert.ok(await note.isHidden(), 'the note goes with the work');
    assert.deepEqual(await state(page), start, 'the lesson\'s start');
    assert.equal(await saved(page), null, 'starting over forgets the saved work');
    await reload(page);
    assert.equal(await page.locator('.resume-note').count(), 0);
    assert.deepEqual(await state(page), start);

    // Starting over is undoable, like Reset; the work that Undo brings back is kept again.
    await putRecord(page, 'user-9');
    const again = await state(page);
    await page.locator('.clock-bar button', { hasText: 'Reset' }).click();
    assert.deepEqual(await state(page), start);
    await page.locator('.clock-bar button', { hasText: 'Undo' }).click();
    assert.deepEqual(await state(page), again);
    await reload(page);
    assert.match(await page.textContent('.resume-note'), /restored/);
    assert.deepEqual(await state(page), again);
    assertClean(problems);
    await context.close();
  });

  test('the work is saved a few seconds after the learner acts, without leaving the page', async () => {
    const { context, page, problems } = await openPage(undefined, `/?lesson=${LESSON}`);
    await putRecord(page, 'user-42');
    assert.equal(await saved(page), null, 'not at once');
    await page.waitForFunction((key) => localStorage.getItem(key) !== null, KEY, { timeout: 10_000 });
    assertClean(problems);
    await context.close();
  });

  test('work kept just after a Lambda mapping\'s update reopens (it was refused as damaged, and the work lost)', async () => {
    // Lesson 11 starts paused with the mapping's lanes full. A larger
    // ParallelizationFactor makes room to poll at once; the kept snapshot of
    // that moment once held a poll due before its clock, and a reload said
    // the saved work could not be read.
    const lesson = 'lambda-event-source-mapping';
    const key = `shardlab.work.${lesson}`;
    const { context, page, problems } = await openPage(undefined, `/?lesson=${lesson}`, '.lane');
    const card = page.locator('.mapping').first();
    await card.locator('.edit-settings summary').click();
    const form = card.locator('.mapping-form');
    await form.locator('input[name=parallelization-factor]').fill('2');
    await form.locator('button[type=submit]').click();
    await card.locator('.edit-settings .api-call').first().waitFor();
    assert.doesNotMatch(await card.locator('.edit-settings').textContent(), /Exception/);
    const clock = await page.textContent('.clock');
    await page.waitForFunction((key) => localStorage.getItem(key) !== null, key, { timeout: 10_000 });

    await reload(page);
    assert.match(await page.textContent('.resume-note'), /^Your work on this lesson was restored\./);
    assert.equal(await page.textContent('.clock'), clock, 'the moment of the update');
    assert.match(await page.evaluate((key) => localStorage.getItem(key), key), /^sim=1\./, 'still kept');
    assertClean(problems);
    await context.close();
  });

  test('a lesson\'s work opens in no other lesson, and a share link in the address wins over it', async () => {
    const { context, page, problems } = await openPage(undefined, `/?lesson=${LESSON}`);
    const start = await state(page);
    await page.click('.topbar .share');
    await page.locator('.share-status').waitFor();
    const shareLink = page.url();
    assert.match(shareLink, /#sim=/);
    await putRecord(page, 'user-42');
    await page.locator('.clock-bar .step').click();
    const work = await state(page);

    // The share link (the lesson's start) opens, not the saved work.
    await reload(page);
    assert.equal(await page.locator('.resume-note').count(), 0);
    assert.deepEqual(await state(page), start);

    await page.goto(`${origin}/?lesson=streaming-fundamentals`);
    await page.locator('.lane').first().waitFor();
    assert.equal(await page.locator('.resume-note').count(), 0, 'another lesson opens fresh');

    await page.goto(`${origin}/?lesson=${LESSON}`);
    await page.locator('.resume-note').waitFor();
    assert.deepEqual(await state(page), work);
    assertClean(problems);
    await context.close();
  });

  test('damaged saved work starts the lesson fresh with a note, never a crash', async () => {
    const { context, page, problems } = await openPage(undefined, `/?lesson=${LESSON}`);
    const start = await state(page);
    await putRecord(page, 'user-42');
    await reload(page);
    const good = await saved(page);
    assert.match(good, /^sim=1\./);
    for (const damaged of [
      'garbage',
      '',
      good.slice(0, good.length / 2),
      good.replace('sim=1.', 'sim=2.'),
      'sim=1.!!!!',
      `sim=1.${'A'.repeat(200_000)}`,
      'sim=1.aGVsbG8gd29ybGQ=',
    ]) {
      await page.evaluate(([key, value]) => localStorage.setItem(key, value), [KEY, damaged]);
      await reload(page);
      const note = page.locator('.resume-note');
      assert.equal(
        await note.textContent(),
        'Your saved work on this lesson could not be read, so the lesson starts fresh.',
        `saved as ${damaged.slice(0, 40)}`,
      );
      assert.equal(await note.locator('button').count(), 0, 'nothing to start over from');
      assert.deepEqual(await state(page), start);
      assert.equal(await saved(page), null, 'the damaged value is removed');
    }
    // The note is shown once: the next reload is a plain fresh lesson.
    await reload(page);
    assert.equal(await page.locator('.resume-note').count(), 0);
    assertClean(problems);
    await context.close();
  });

  test('work too large to keep is not saved, and the next visit says so', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=monitoring-metrics');
    const start = await state(page);
    // The walkthrough's end state of the game day: about 15 MB of records, past what the page keeps.
    await page.goto(`${origin}/?lesson=monitoring-metrics&step=100`);
    await page.locator('.lane').first().waitFor();
    await page.locator('.clock-bar .step').click();
    await page.goto(`${origin}/?lesson=monitoring-metrics`);
    await page.locator('.lane').first().waitFor();
    assert.equal(
      await page.textContent('.resume-note'),
      'Your last session was too large to keep in this browser, so the lesson starts fresh.',
    );
    assert.deepEqual(await state(page), start);
    assertClean(problems);
    await context.close();
  });

  test('the largest lesson end state kept is restored whole', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=on-demand-capacity&step=100');
    await page.locator('.clock-bar .step').click();
    const work = await state(page);
    await page.goto(`${origin}/?lesson=on-demand-capacity`);
    await page.locator('.resume-note').waitFor();
    assert.deepEqual(await state(page), work);
    const kept = await page.evaluate(() => localStorage.getItem('shardlab.work.on-demand-capacity').length);
    assert.ok(kept > 500_000 && kept <= 1 << 20, `${kept} characters`);
    assertClean(problems);
    await context.close();
  });

  test('an embedded lesson keeps nothing', async () => {
    const { context, page, problems } = await openPage(undefined, `/?embed=${LESSON}`);
    await putRecord(page, 'user-42');
    await reload(page);
    assert.equal(await page.locator('.resume-note').count(), 0);
    assert.equal(await page.locator('.lane .count', { hasText: '1 record' }).count(), 0);
    assert.equal(await saved(page), null);
    assertClean(problems);
    await context.close();
  });
});
