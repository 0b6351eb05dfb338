// Ordinary controls never freeze the page: the clock steps the simulation in
// slices within a frame budget, says when it runs slower than asked, and
// Pause is answered at once however much traffic a fast clock asks for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, assertClean, chooseTarget, openPage } from './helpers.mjs';

describe('a fast clock', () => {
  test('200,000 records a second at 1000×: the clock says how fast it really runs, and Pause answers at once', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    const form = page.locator('.generator-form');
    await form.locator('input[name=rate]').fill('200000');
    await form.locator('button[type=submit]').click();
    await page.locator('.generators-table tbody tr').first().waitFor();
    await page.locator('.clock-bar select').selectOption('100000');
    const play = page.locator('.clock-bar .play');
    await play.click();
    const note = page.locator('.clock-note');
    await note.waitFor({ timeout: 30_000 });
    assert.match(await note.textContent(), /^Running at about [\d.]+× of the 1000× asked: this device cannot simulate this much traffic faster\.$/);
    await page.screenshot({ path: join(ARTIFACTS, 'fast-clock-note.png') });
    // Pause, timed by the page itself from the click to the button's new label:
    // before the clock worked in slices this took about 8 s.
    const answered = await page.evaluate(async () => {
      const button = document.querySelector('.clock-bar .play');
      const started = performance.now();
      button.click();
      while (button.textContent.trim() !== 'Play') await new Promise((r) => setTimeout(r, 5));
      return performance.now() - started;
    });
    assert.ok(answered < 1000, `Pause took ${answered.toFixed(0)} ms`);
    const clock = await page.textContent('.clock');
    await page.waitForTimeout(500);
    assert.equal(await page.textContent('.clock'), clock, 'paused means the clock stays');
    assert.equal(await note.count(), 0, 'the note goes with the pause');
    assertClean(problems);
    await context.close();
  });

  test("a year's clock move from the API console shows its progress and stops at Cancel; a shorter one is answered", async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    const console_ = page.locator('.console');
    const send = async (millis) => {
      await chooseTarget(console_, 'Shardlab.AdvanceClock');
      await console_.locator('textarea[name=body]').fill(JSON.stringify({ Millis: millis }));
      await console_.locator('button[type=submit]').click();
    };
    const year = 365 * 24 * 3_600_000;
    await send(year);
    const status = console_.locator('.clock-move');
    await status.locator('progress').waitFor();
    assert.match(await status.textContent(), /^Moving the clock: .+ of 8760 h 00 min \(\d+ %\)Cancel$/);
    // One move at a time: Send says so, and keeps focus.
    await console_.locator('button[type=submit]').click();
    assert.match(await console_.locator('.result.error').textContent(), /^The clock is still moving for your last request/);
    const before = await page.textContent('.clock');
    await page.waitForTimeout(500);
    assert.notEqual(await page.textContent('.clock'), before, 'the clock moves, and the page draws it');
    await page.screenshot({ path: join(ARTIFACTS, 'clock-move-progress.png') });
    // Cancel, timed by the page itself from the click to the note.
    const answered = await page.evaluate(async () => {
      const cancel = [...document.querySelectorAll('.console .clock-move button')].find((b) => b.textContent === 'Cancel');
      const started = performance.now();
      cancel.click();
      while (!document.querySelector('.console .clock-move')?.textContent.startsWith('Cancelled')) {
        await new Promise((r) => setTimeout(r, 5));
      }
      return performance.now() - started;
    });
    assert.ok(answered < 500, `Cancel took ${answered.toFixed(0)} ms`);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Send request', 'focus goes back to Send');
    assert.match(await status.textContent(), /^Cancelled: the clock moved .+ of the 8760 h 00 min asked, and stays there\.$/);
    const stopped = await page.textContent('.clock');
    await page.waitForTimeout(300);
    assert.equal(await page.textContent('.clock'), stopped, 'cancelled means the clock stays');
    assert.equal(await console_.locator('.console-history details').count(), 0, 'a cancelled call has no answer');

    // Ten minutes arrive, and the call is answered as AdvanceClock answers.
    await send(600_000);
    const answer = console_.locator('.console-history details').first();
    await answer.waitFor();
    assert.match(await answer.textContent(), /"EpochMillis": \d+/);
    assert.equal(await status.count(), 0, 'nothing left in progress');
    assertClean(problems);
    await context.close();
  });
});
