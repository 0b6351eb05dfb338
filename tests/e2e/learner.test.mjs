// The learner's path, walked as a learner walks it: from the course map into
// a lesson, through its hints, to its goals with the page's own controls
// (never the API console unless the lesson says so), its quiz and the
// "next lesson" prompt; on a desktop, on a touch phone and by keyboard.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, assertClean, openPage } from './helpers.mjs';
import { DESKTOP, PHONE, allGoalsMet, count, finishLesson, finishLessonByKeyboard, playUntil, press, readEveryHint } from './walk.mjs';

for (const [name, device] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  describe(`a learner on a ${name}`, () => {
    test('ride out a traffic spike: course map, hints, the generator form, the clock, the quiz, next lesson', async () => {
      const touch = device === PHONE;
      const { context, page, problems } = await openPage(device.viewport, '/', '.lesson-card', device.options);
      await press(page.locator('.lesson-card a').first(), touch);
      await page.locator('.lane').first().waitFor();
      assert.equal(await page.textContent('#lesson-title'), 'Ride out a traffic spike');
      assert.equal(await page.locator('.goal.met').count(), 0, 'no goal shows Done before the learner acts');
      assert.match(await page.locator('.goal.standing').first().textContent(), /Keep: every click, with no record of any generator throttled/);

      const hints = await readEveryHint(page, touch);
      assert.ok(hints >= 2);

      // The spike: a second generator from the form, as the lesson says.
      const form = page.locator('.generator-form');
      await form.locator('input[name=rate]').fill('1500');
      await press(form.locator('button[type=submit]'), touch);
      const spike = page.locator('.generators-table tbody tr').nth(1);
      await spike.waitFor();
      const stored = async () => count(await spike.locator('td').nth(4).textContent());
      await playUntil(page, '1000', async () => (await stored()) >= 30_000, touch);

      // The Stop button leads the row: on a phone it is on screen without scrolling the table.
      const stop = spike.getByRole('button', { name: 'Stop generator 1' });
      const box = await stop.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= device.viewport.width, `Stop at x=${box?.x}`);
      await press(stop, touch);
      await spike.locator('text=stopped').waitFor();

      // The clock bar stays on screen while the learner is down in the panels.
      const play = page.locator('.clock-bar .play');
      assert.ok(await play.isVisible());
      const playBox = await play.boundingBox();
      assert.ok(playBox.y >= 0 && playBox.y < device.viewport.height, `Play at y=${playBox.y}`);

      await playUntil(page, '100', () => allGoalsMet(page), touch);
      const kicker = await finishLesson(page, 'streaming-fundamentals', touch, `learner-lesson-1-complete-${name}.png`);
      assert.match(kicker, /^Lesson 2 of \d+$/);
      assertClean(problems);
      await context.close();
    });
  });
}

describe('the lesson page', () => {
  test('the solution asks before it replaces the learner\'s work, and says Undo brings it back', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    // Nothing done yet: the solution starts at once.
    await page.locator('.solution-button').click();
    await page.locator('.solution-steps').waitFor();
    await page.locator('.walkthrough button', { hasText: 'Do the next step' }).click();

    // Work of the learner's own, then the solution again (after a reload of the walkthrough).
    await page.reload();
    await page.locator('.lane').first().waitFor();
    await page.locator('.clock-bar .step').click();
    const clock = await page.textContent('.clock');
    await page.locator('.solution-button').click();
    const confirm = page.locator('.walkthrough .confirm');
    assert.match(await confirm.textContent(), /replaces what you have done here.*Undo \(U\) brings it back/s);
    await confirm.locator('button', { hasText: 'Keep my work' }).click();
    assert.equal(await page.textContent('.clock'), clock, 'keeping the work keeps the clock');
    assert.equal(await page.locator('.solution-steps').count(), 0);

    await page.locator('.solution-button').click();
    await page.locator('.walkthrough .confirm button', { hasText: 'Start the solution' }).click();
    await page.locator('.solution-steps').waitFor();
    assert.notEqual(await page.textContent('.clock'), clock);
    assert.match(await page.textContent('.walkthrough'), /Undo \(U\) steps back through the solution to the work you had before/);
    await page.locator('.clock-bar button', { hasText: 'Undo' }).click();
    assert.equal(await page.textContent('.clock'), clock, 'Undo brings the work back');
    assertClean(problems);
    await context.close();
  });

  test('the phone keeps the clock bar compact, and "Skip to the playground" is not a share link', async () => {
    const { context, page, problems } = await openPage(PHONE.viewport, '/?lesson=streaming-fundamentals', '.lane', PHONE.options);
    const header = await page.locator('header.topbar').boundingBox();
    assert.ok(header.height <= 120, `the clock bar is ${header.height}px tall`);
    await page.locator('.skip-to-playground').tap();
    await page.waitForTimeout(200);
    assert.equal(await page.locator('.link-problem').count(), 0, 'an in-page anchor is not a share link');
    assert.ok(await page.locator('.clock-bar .play').isVisible());
    await page.screenshot({ path: join(ARTIFACTS, 'learner-phone-playground.png') });
    assertClean(problems);
    await context.close();
  });

  test('the timeline slider can be reached with Tab before anything has happened', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    let reached = false;
    for (let n = 0; n < 20 && !reached; n++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.matches('.timeline input[type=range]') ?? false);
    }
    assert.ok(reached, 'Tab reaches the timeline');
    assertClean(problems);
    await context.close();
  });

  test('the metrics chart has axes with units and draws a single datapoint', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    const chart = page.locator('.metrics .chart-frame');
    assert.deepEqual(await chart.locator('.x-axis span').allTextContents(), ['−60 s', '−30 s', 'now']);
    assert.equal(await chart.locator('.y-axis span').last().textContent(), '0');
    assert.match(await chart.locator('figcaption').textContent(), /^records\/s, one point a second/);
    // The lesson's steady generator: after the setup's seconds there is data, drawn as at least one run.
    await page.locator('.clock-bar .step').click();
    assert.ok((await chart.locator('polyline.series').count()) >= 1);
    const top = count(await chart.locator('.y-axis span').first().textContent());
    assert.ok([1, 2, 5].includes(Number(String(top)[0])) && top >= 200, `axis top ${top}`);
    assertClean(problems);
    await context.close();
  });
});

describe('the course map', () => {
  for (const [name, device] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`says what the site is and links its three parts above the fold (${name})`, async () => {
      const { context, page, problems } = await openPage(device.viewport, '/', '.lesson-card', device.options);
      const welcome = page.locator('.welcome');
      assert.match(await welcome.textContent(), /Kinesis Data Streams is AWS's service for streaming data/);
      for (const label of ['The course', 'The sandbox', 'The practice exam']) {
        const link = welcome.getByRole('link', { name: label });
        const box = await link.boundingBox();
        assert.ok(box && box.y + box.height <= device.viewport.height, `${label} at y=${box?.y}`);
      }
      await page.screenshot({ path: join(ARTIFACTS, `course-map-top-${name}.png`) });
      assertClean(problems);
      await context.close();
    });
  }
});

describe('the practice exam', () => {
  test('judges each answer as it is given, by keyboard alone', async () => {
    const { context, page, problems } = await openPage(undefined, '/?exam', '.exam-question');
    const first = page.locator('.exam-question').first();
    await first.locator('.quiz-option input').first().focus();
    await page.keyboard.press('Space');
    // Arrow keys move through the options, picking each: nothing is judged
    // until the learner checks the one they mean.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    assert.equal(await first.locator('.feedback').count(), 0, 'picking is not answering');
    assert.ok(await first.locator('.quiz-option input').first().isChecked());
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Check');
    await page.keyboard.press('Enter');
    await first.locator('.feedback').waitFor();
    // The first answer is final: the options are locked.
    assert.ok(await first.locator('.quiz-option input').nth(1).isDisabled());
    // A number question's Check shows its verdict at once.
    const numeric = page.locator('.exam-question:has(.numeric-answer)').first();
    await numeric.locator('.numeric-answer input').fill('1');
    await numeric.locator('.numeric-answer input').press('Enter');
    await numeric.locator('.feedback').waitFor();
    assertClean(problems);
    await context.close();
  });
});

describe('a learner by keyboard alone', () => {
  test('shards and partition keys: hints, the put form and the quiz without a mouse', async () => {
    const { context, page, problems } = await openPage(undefined, '/', '.lesson-card');
    // Tab to the lesson's link on the course map and open it with Enter.
    let onLink = false;
    for (let n = 0; n < 60 && !onLink; n++) {
      await page.keyboard.press('Tab');
      onLink = await page.evaluate(() => document.activeElement?.textContent === 'Shards and partition keys');
    }
    assert.ok(onLink, 'Tab reaches the lesson on the course map');
    await page.keyboard.press('Enter');
    await page.locator('.lane').first().waitFor();

    assert.equal(await page.locator('.goal.met').count(), 0, 'no goal is met before the learner acts');
    await page.locator('.hint-button').focus();
    // Space presses the focused button; it must not start the clock.
    const clock = await page.textContent('.clock');
    await page.keyboard.press('Space');
    await page.locator('.hint').first().waitFor();
    assert.equal(await page.textContent('.clock-bar .play'), 'Play', 'Space on a button does not start the clock');
    assert.equal(await page.textContent('.clock'), clock);
    while ((await page.locator('.hint-button').getAttribute('aria-disabled')) !== 'true') await page.keyboard.press('Enter');
    assert.ok((await page.locator('.hint').count()) >= 2);
    // Focus stays on the button after the last hint.
    assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('hint-button')));

    // Three records with one key, then one with another: typed, and sent with Enter.
    const send = async (key) => {
      await page.locator('input[name=partition-key]').focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(key);
      await page.keyboard.press('Enter');
      await page.locator('.producer .result.ok').waitFor();
    };
    for (const key of ['user-42', 'user-42', 'user-42', 'user-1']) await send(key);
    assert.ok(await allGoalsMet(page));

    // The quiz by keyboard, then the prompt to the next lesson.
    assert.match(await finishLessonByKeyboard(page, 'shards-and-partition-keys'), /^Lesson 4 of \d+$/);
    assertClean(problems);
    await context.close();
  });
});

describe('a learner on a phone', () => {
  test('the poison pill: the mapping\'s settings form, not the API console', async () => {
    const { context, page, problems } = await openPage(PHONE.viewport, '/?lesson=lambda-event-source-mapping', '.lane', PHONE.options);
    await readEveryHint(page, true);
    const card = page.locator('.mapping').first();
    await press(card.locator('.edit-settings summary'), true);
    const form = card.locator('.mapping-form');
    await press(form.locator('input[name=bisect]'), true);
    await form.locator('input[name=maximum-retry-attempts]').fill('2');
    await form.locator('input[name=parallelization-factor]').fill('2');
    await form.locator('input[name=on-failure-destination]').fill('arn:aws:sqs:us-east-1:123456789012:orders-failures');
    await press(form.locator('button[type=submit]'), true);
    await card.locator('.edit-settings .api-call').first().waitFor();
    assert.doesNotMatch(await card.locator('.edit-settings').textContent(), /Exception/);
    assert.match(await card.locator('.edit-settings').textContent(), /aws lambda update-event-source-mapping/);
    await playUntil(page, '1000', () => allGoalsMet(page), true);
    await page.screenshot({ path: join(ARTIFACTS, 'learner-lesson-11-phone.png') });
    assert.match(await finishLesson(page, 'lambda-event-source-mapping', true), /^Lesson 13 of \d+$/);
    assertClean(problems);
    await context.close();
  });
});
