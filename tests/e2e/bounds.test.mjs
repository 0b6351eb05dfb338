// Ordinary controls never freeze the page: the clock steps the simulation in
// slices within a frame budget, says when it runs slower than asked, and
// Pause is answered at once however much traffic a fast clock asks for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, assertClean, openPage } from './helpers.mjs';

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
});
