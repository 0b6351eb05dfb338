// Shared by the end-to-end test files: the release build in dist/, served on
// loopback, and fresh Chromium pages that record anything leaving the origin.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/static-server.mjs';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The lesson every playground test opens. */
export const FIRST_LESSON = '/?lesson=shards-and-partition-keys';

let server;
/** The shared Chromium, once `before` has run. */
export let browser;
/** The site's origin, once `before` has run. */
export let origin;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serve(join(ROOT, 'dist'));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/**
 * A fresh page (own storage) at `path` that records every request leaving
 * the origin, every console error and every Content-Security-Policy
 * violation; waits for `ready` to appear. `contextOptions` adds to the
 * browser context's (`{ hasTouch: true, isMobile: true }` for a phone).
 */
export async function openPage(viewport = { width: 1280, height: 800 }, path = FIRST_LESSON, ready = '.lane', contextOptions = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  const page = await context.newPage();
  const problems = { external: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin + '/') && !url.startsWith('data:')) problems.external.push(url);
  });
  page.on('console', (m) => m.type() === 'error' && problems.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  await page.goto(origin + path);
  await page.locator(ready).first().waitFor();
  return { context, page, problems };
}

export function assertClean(problems) {
  assert.deepEqual(problems.external, [], 'requests outside the origin');
  assert.deepEqual(problems.consoleErrors, [], 'console errors (CSP violations are reported here)');
  assert.deepEqual(problems.pageErrors, [], 'uncaught errors');
}

/** Picks a target in an API console and fills in its template. */
export async function chooseTarget(console_, target) {
  const input = console_.locator('input[name=operation]');
  await input.fill(target);
  await input.dispatchEvent('change');
}

/**
 * The answer key (lessons/data/answer_key.txt): for each lesson id (and `exam`), its
 * questions' answers in the order the page shows them. The key may list them in any
 * order, so each lesson's order is read from its quiz file.
 */
export function answerKey() {
  const data = join(ROOT, 'lessons/data');
  const read = (path) => readFileSync(join(data, path), 'utf8');
  const questionIds = (toml) => [...toml.matchAll(/^id = "([^"]+)"/gm)].map((m) => m[1]);
  const quizOrder = new Map([['exam', questionIds(read('exam.toml'))]]);
  for (const [, dir] of read('index.toml').matchAll(/^\s*"([^"]+)",?$/gm)) {
    const [lessonId] = questionIds(read(`${dir}/lesson.toml`));
    quizOrder.set(lessonId, questionIds(read(`${dir}/quiz.toml`)));
  }
  const answers = new Map();
  for (const line of read('answer_key.txt').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [owner, question, answer] = trimmed.split(/\s+/);
    answers.set(`${owner} ${question}`, answer);
  }
  const key = new Map();
  for (const [owner, ids] of quizOrder) {
    key.set(owner, ids.map((question) => ({ question, answer: answers.get(`${owner} ${question}`) })));
  }
  return key;
}

/** The serious and critical axe-core violations on the page, as `rule: targets`. */
export async function axeSerious(page) {
  // Colours are checked as they settle, not mid-animation.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.waitForTimeout(50);
  // Evaluated through the debugging protocol: the page's own CSP would refuse an injected script.
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

let KEY;

/** Answers the questions in `scope` (a page, frame or locator) with the key's answers for `owner`. */
export async function answerQuestions(scope, owner, { skipProbes = false } = {}) {
  KEY ??= answerKey();
  const questions = scope.locator('.quiz-question');
  const answers = KEY.get(owner) ?? [];
  assert.equal(await questions.count(), answers.length, `${owner}: questions on the page vs the answer key`);
  for (let q = 0; q < answers.length; q++) {
    const { answer } = answers[q];
    const question = questions.nth(q);
    if (answer === '=probe') {
      if (skipProbes) continue;
      throw new Error(`${owner}: a parametric question in a lesson`);
    }
    if (answer.startsWith('=')) {
      await question.locator('.numeric-answer input').fill(answer.slice(1));
      await question.locator('.check-answer').click();
    } else {
      // One option or several: picked, then checked.
      for (const idx of answer.split(',')) await question.locator('.quiz-option input').nth(Number(idx)).check();
      await question.locator('.check-answer').click();
    }
  }
}
