// What a new learner stumbled on in a usability walkthrough (issue 11),
// each driven through the page's visible controls: the API console keeping
// typed work, the keyboard, inline code in quiz options, a revisited lesson,
// and the phone's sticky bar.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, answerQuestions, assertClean, chooseTarget, openPage, origin } from './helpers.mjs';
import { PHONE } from './walk.mjs';

describe('the API console', () => {
  test('a new target keeps the body the learner typed, and fills an unedited one', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    const console_ = page.locator('.console');
    const body = console_.locator('textarea[name=body]');
    // Unedited: the new target's template replaces the old one.
    await chooseTarget(console_, 'Kinesis_20131202.ListShards');
    assert.match(await body.inputValue(), /"StreamName"/);
    assert.doesNotMatch(await body.inputValue(), /PartitionKey/);
    // Typed work is kept, and the template offered.
    const typed = '{"StreamName": "orders", "Limit": 2}';
    await body.fill(typed);
    await chooseTarget(console_, 'Kinesis_20131202.DescribeStreamSummary');
    assert.equal(await body.inputValue(), typed);
    const use = console_.locator('.console-note button');
    assert.equal((await use.textContent()).trim(), 'Use the DescribeStreamSummary template instead');
    await use.click();
    assert.notEqual(await body.inputValue(), typed);
    assert.equal(await console_.locator('.console-note').count(), 0);
    // A body once sent is in the history: the next target fills its template.
    await body.fill(typed);
    await console_.locator('button[type=submit]').click();
    await chooseTarget(console_, 'Kinesis_20131202.ListStreams');
    assert.match(await body.inputValue(), /"Limit": 10/);
    // Text typed after a template is named as such.
    await body.fill(`${await body.inputValue()}${typed}`);
    await console_.locator('button[type=submit]').click();
    assert.match(await console_.locator('.result.error').textContent(), /more than one JSON value/);
    assertClean(problems);
    await context.close();
  });

  test('the Target box shows the longest target whole on a desktop', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    const input = page.locator('.console input[name=operation]');
    await input.fill('Kinesis_20131202.IncreaseStreamRetentionPeriod');
    const { scroll, client } = await input.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(scroll <= client, `the target is cut off: ${scroll}px of text in a ${client}px box`);
    assertClean(problems);
    await context.close();
  });
});

describe('the keyboard', () => {
  test('the shortcuts list takes focus, Esc hands it back to "?", and Space there plays the clock', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    await page.locator('.clock-bar .help').focus();
    await page.keyboard.press('Enter');
    await page.locator('.shortcuts').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'shortcuts');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.shortcuts').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'help');
    await page.keyboard.press(' ');
    await page.waitForTimeout(200);
    assert.equal(await page.locator('.shortcuts').count(), 0, 'Space reopened the list');
    assert.equal(await page.locator('.clock-bar .play').getAttribute('aria-pressed'), 'true', 'Space did not play the clock');
    await page.keyboard.press(' ');
    assert.equal(await page.locator('.clock-bar .play').getAttribute('aria-pressed'), 'false');
    await page.screenshot({ path: join(ARTIFACTS, 'ux-keyboard-help.png') });
    assertClean(problems);
    await context.close();
  });

  test('the timeline slider and the Keys select have names of their own', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    const slider = page.getByRole('slider', { name: 'Timeline', exact: true });
    assert.equal(await slider.count(), 1);
    assert.equal(await slider.getAttribute('aria-valuetext'), (await page.textContent('.clock')).trim());
    assert.equal(await page.getByRole('combobox', { name: 'Keys', exact: true }).count(), 1);
    assertClean(problems);
    await context.close();
  });

  test('killing a KCL worker by keyboard leaves focus on its row, not the top of the page', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=kcl-leases');
    let kill = page.locator('.kcl .workers li button', { hasText: 'Kill' }).first();
    if ((await kill.count()) === 0) {
      // The lesson's application starts with no worker: add one with the panel's button.
      await page.locator('.kcl button', { hasText: 'Add a worker' }).click();
      kill = page.locator('.kcl .workers li button', { hasText: 'Kill' }).first();
    }
    const row = await kill.evaluate((b) => b.closest('li').id);
    await kill.focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => document.activeElement?.id), row);
    assert.match(await page.locator(`#${row}`).textContent(), /killed/);
    assertClean(problems);
    await context.close();
  });
});

test('quiz options show `code` as code, not backticks', async () => {
  const { context, page, problems } = await openPage(undefined, '/?lesson=expired-iterators');
  const options = page.locator('.quiz-option');
  const texts = await options.allTextContents();
  assert.ok(texts.some((t) => t.includes('LATEST')), `options: ${texts}`);
  assert.deepEqual(texts.filter((t) => t.includes('`')), [], 'options with backticks');
  assert.ok((await page.locator('.quiz-option code', { hasText: 'LATEST' }).count()) >= 1);
  assertClean(problems);
  await context.close();
});

test('a lesson whose goals were met on an earlier visit says so above its goals, and in "Lesson complete"', async () => {
  const { context, page, problems } = await openPage(undefined, '/', '.lesson-card');
  const progress = { version: 2, lessons: { 'streaming-fundamentals': { goals_met: true, quiz: {}, completed: false } } };
  await page.evaluate((json) => localStorage.setItem('shardlab.progress', json), JSON.stringify(progress));
  await page.goto(`${origin}/?lesson=streaming-fundamentals`);
  await page.locator('.lane').first().waitFor();
  assert.equal(await page.locator('.storage-note').count(), 0, 'the progress was not read as written');
  const note = page.locator('.goals-met-before');
  await note.waitFor();
  assert.match(await note.textContent(), /You met these goals on an earlier visit; the simulation starts afresh\. Do them again to practise, or go on to the quiz\./);
  await answerQuestions(page, 'streaming-fundamentals');
  const complete = page.locator('.lesson-complete');
  await complete.waitFor();
  assert.match(await complete.textContent(), /You met every goal earlier, and answered every question right\. The goals above show this fresh simulation\./);
  assertClean(problems);
  await context.close();
});

describe('a phone', () => {
  for (const lesson of ['streaming-fundamentals', 'lambda-event-source-mapping', 'kcl-leases', 'expired-iterators']) {
    test(`keeps the sticky bar at most 120 px on ${lesson}, and Share neither grows it nor moves the page`, async () => {
      const { context, page, problems } = await openPage(PHONE.viewport, `/?lesson=${lesson}`, '.lane', PHONE.options);
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      const header = page.locator('header.topbar');
      const before = await header.boundingBox();
      assert.ok(before.height <= 120, `the sticky bar is ${before.height}px tall`);
      await page.evaluate(() => window.scrollTo(0, 600));
      const scrolled = await page.evaluate(() => window.scrollY);
      // A finger's tap where the button is: Playwright's locator.tap() first
      // scrolls a sticky element "into view", which moves the page by itself.
      const share = await page.locator('.topbar .share').boundingBox();
      await page.touchscreen.tap(share.x + share.width / 2, share.y + share.height / 2);
      const status = page.locator('.share-status');
      await status.waitFor();
      const after = await header.boundingBox();
      assert.ok(after.height <= 120, `after Share the sticky bar is ${after.height}px tall`);
      assert.equal(after.height, before.height, 'Share changed the bar');
      assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the page moved');
      await page.screenshot({ path: join(ARTIFACTS, `ux-phone-share-${lesson}.png`) });
      await status.waitFor({ state: 'detached', timeout: 10_000 });
      assertClean(problems);
      await context.close();
    });
  }
});
