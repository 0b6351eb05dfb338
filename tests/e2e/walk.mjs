// The moves a learner makes in a lesson, shared by every walkthrough: press
// (click or tap), read every hint, play the clock until something holds, and
// finish with the quiz and the "next lesson" prompt.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, answerKey, answerQuestions, openPage } from './helpers.mjs';

export const DESKTOP = { viewport: { width: 1280, height: 800 }, options: {} };
export const PHONE = { viewport: { width: 390, height: 844 }, options: { hasTouch: true, isMobile: true } };

/** Clicks, or taps on a touch screen. */
export async function press(locator, touch) {
  await locator.scrollIntoViewIfNeeded();
  if (touch) await locator.tap();
  else await locator.click();
}

/**
 * Uses the form titled `title` in the Operations panel, as a learner does:
 * opens it, sets each field named by its label (`{'Target shard count': '2'}`;
 * a list picks the option with that text) and presses its button. Returns
 * the outcome the form shows: what the call answered, or its error.
 */
export async function useForm(page, title, fields, touch) {
  const form = page.locator('.task-form').filter({ has: page.locator('summary').getByText(title, { exact: true }) });
  assert.equal(await form.count(), 1, `one form titled ${title}`);
  if ((await form.getAttribute('open')) === null) await press(form.locator('summary'), touch);
  for (const [label, value] of Object.entries(fields)) {
    // A `has` locator is matched inside each label, so it starts there, not at the form.
    const span = page.locator(':scope > span').getByText(label, { exact: true });
    const control = form.locator('label').filter({ has: span }).locator('input, select, textarea');
    assert.equal(await control.count(), 1, `${title}: one field labelled ${label}`);
    if ((await control.evaluate((e) => e.tagName)) === 'SELECT') await control.selectOption({ label: value });
    else await control.fill(value);
  }
  // Each sending draws its outcome afresh: wait for the old one to go.
  const before = await form.locator(':scope > .result').elementHandle({ timeout: 1 }).catch(() => null);
  await press(form.locator('button[type=submit]'), touch);
  if (before) await before.waitForElementState('hidden');
  return (await form.locator(':scope > .result').textContent()).trim();
}

/** Opens each hint in turn; returns how many there were. */
export async function readEveryHint(page, touch) {
  const button = page.locator('.hint-button');
  assert.equal((await button.textContent()).trim(), 'Show a hint');
  let shown = 0;
  while ((await button.getAttribute('aria-disabled')) !== 'true') {
    await press(button, touch);
    shown += 1;
    await page.locator('.hint').nth(shown - 1).waitFor();
    assert.ok(shown < 10, 'the hint button never runs out');
  }
  const total = await page.locator('.hint').count();
  assert.equal(total, shown);
  assert.equal((await button.textContent()).trim(), `All ${total} hints shown`);
  assert.match(await page.locator('.hint .kicker').last().textContent(), new RegExp(`^Hint ${total} of ${total}$`));
  // Pressing it again shows nothing more (Playwright will not press an
  // aria-disabled button, so the click is dispatched as a press would send it).
  await button.dispatchEvent('click');
  assert.equal(await page.locator('.hint').count(), total);
  return total;
}

/**
 * Whether every goal is reached: each task done, each standing goal
 * ("Keep: …") holding. A standing goal is never shown as done.
 */
export async function allGoalsMet(page) {
  const open = await page.locator('.goal:not(.met):not(.standing), .goal.broken').count();
  return open === 0 && (await page.locator('.goal').count()) > 0;
}

/** The number in a table cell such as `30,150`. */
export function count(text) {
  return Number(text.replace(/[^\d]/g, ''));
}

/** Plays the clock at `speed` until `done()` holds, then pauses. */
export async function playUntil(page, speed, done, touch) {
  await page.locator('.clock-bar select').selectOption(speed);
  await press(page.locator('.clock-bar .play'), touch);
  const deadline = Date.now() + 30_000;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, 'the goal was not reached with the clock running');
    await page.waitForTimeout(100);
  }
  await press(page.locator('.clock-bar .play'), touch);
}

/**
 * Answers the quiz, checks the "next lesson" prompt (after a screenshot, if
 * `screenshot` names one) and follows it; returns the next lesson's kicker.
 */
export async function finishLesson(page, lessonId, touch, screenshot) {
  await page.locator('.explanation').waitFor();
  await answerQuestions(page, lessonId);
  const next = page.locator('.lesson-complete a.next-step');
  await next.waitFor();
  if (screenshot) await page.screenshot({ path: join(ARTIFACTS, screenshot) });
  assert.match(await next.textContent(), /^Next lesson: .+ →$/);
  await press(next, touch);
  await page.locator('.lane').first().waitFor();
  return page.locator('.lesson .kicker').first().textContent();
}


/**
 * Opens the course map on `device`, presses the card of the lesson titled
 * `title`, and checks the lesson starts with nothing done: no goal shows
 * Done, and each standing goal reads "Keep: …".
 */
export async function openLesson(device, title) {
  const touch = device === PHONE;
  const { context, page, problems } = await openPage(device.viewport, '/', '.lesson-card', device.options);
  await press(page.locator('.lesson-card a', { hasText: title }), touch);
  await page.locator('.lane').first().waitFor();
  assert.equal(await page.textContent('#lesson-title'), title);
  assert.equal(await page.locator('.goal.met').count(), 0, 'no goal shows Done before the learner acts');
  for (const standing of await page.locator('.goal.standing').all()) {
    assert.match(await standing.textContent(), /Keep: /);
  }
  return { context, page, problems, touch };
}

/**
 * Answers the lesson's quiz by keyboard alone (focus an option, pick it with
 * Space; a number is typed and sent with Enter), then follows the "next
 * lesson" prompt with Enter; returns the next lesson's kicker.
 */
export async function finishLessonByKeyboard(page, lessonId) {
  await page.locator('.explanation').waitFor();
  const questions = page.locator('.lesson .quiz-question');
  const key = answerKey().get(lessonId);
  for (let q = 0; q < key.length; q++) {
    const { answer } = key[q];
    const question = questions.nth(q);
    if (answer.startsWith('=')) {
      await question.locator('.numeric-answer input').focus();
      await page.keyboard.type(answer.slice(1));
      await page.keyboard.press('Enter');
    } else {
      for (const idx of answer.split(',')) {
        await question.locator('.quiz-option input').nth(Number(idx)).focus();
        await page.keyboard.press('Space');
      }
      if ((await question.locator('.check-answer').count()) > 0) {
        await question.locator('.check-answer').focus();
        await page.keyboard.press('Enter');
      }
    }
  }
  const next = page.locator('.lesson-complete a.next-step');
  await next.focus();
  await page.keyboard.press('Enter');
  await page.locator('.lane').first().waitFor();
  return page.locator('.lesson .kicker').first().textContent();
}
