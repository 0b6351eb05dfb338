// End-to-end tests of the course: the map, lesson mechanics (walkthrough,
// deep links, progress), the practice exam and embedding a lesson.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, FIRST_LESSON, answerQuestions, assertClean, axeSerious, browser, openPage, origin } from './helpers.mjs';

/** Meets a lesson's goals with its own walkthrough, then answers its quiz. */
async function completeLesson(scope, lessonId) {
  await scope.locator('.solution-button').click();
  const next = scope.locator('.walkthrough button.primary');
  while (await next.isEnabled()) await next.click();
  await scope.locator('.explanation').waitFor();
  await answerQuestions(scope, lessonId);
  await scope.locator('.lesson .badge.complete').waitFor();
}

/** The lesson id shown by the page (from its address). */
async function lessonIdOf(page) {
  return new URL(page.url()).searchParams.get('lesson');
}

describe('course', () => {
  test('a learner completes three lessons in order and passes the practice exam', async () => {
    const { context, page, problems } = await openPage(undefined, '/', '.lesson-card');
    assert.equal(await page.locator('.lesson-card.complete').count(), 0);
    await page.screenshot({ path: join(ARTIFACTS, 'course-map.png'), fullPage: true });
    assert.match(await page.title(), /^Shardlab — /, 'the map is the site');
    const firstTitle = (await page.locator('.lesson-card a').first().textContent()).trim();
    await page.locator('.lesson-card a').first().click();
    for (let n = 0; n < 3; n++) {
      await page.locator('.lane').first().waitFor();
      if (n === 0) assert.equal(await page.title(), `${firstTitle} · Shardlab`, 'a lesson tab is named after the lesson');
      await completeLesson(page, await lessonIdOf(page));
      if (n < 2) await page.locator('.lesson-nav a[rel=next]').click();
    }
    await page.locator('.lesson-nav a', { hasText: 'Course map' }).click();
    await page.locator('.lesson-card').first().waitFor();
    assert.equal(await page.locator('.lesson-card.complete').count(), 3);

    await page.locator('.map-extras a[href="?exam"]').click();
    await page.locator('.exam-question').first().waitFor();
    await answerQuestions(page.locator('main.exam'), 'exam', { skipProbes: true });
    // Every answer is judged as it is given: the parametric questions, skipped, are the unanswered.
    const questions = await page.locator('.exam-question').count();
    const unanswered = await page.locator('.exam-question:not(:has(.feedback))').count();
    assert.ok(unanswered > 0 && unanswered < questions, `${unanswered} of ${questions} unanswered`);
    assert.equal(await page.locator('.exam-question .feedback.right').count(), questions - unanswered);
    await page.locator('.exam-result button', { hasText: 'Hand in' }).click();
    // Handing in with questions unanswered asks first.
    assert.match(await page.textContent('.exam-result .confirm'), new RegExp(`^${unanswered} of ${questions} questions are unanswered`));
    await page.locator('.exam-result button', { hasText: 'Hand in anyway' }).click();
    await page.locator('.exam-result .score').waitFor();
    assert.match(await page.textContent('.exam-result .score'), /Your score: \d+% — passed/);
    assert.equal(
      await page.textContent('.exam-result .tally'),
      `${questions - unanswered} right, 0 wrong and ${unanswered} unanswered of ${questions}.`,
    );
    // The unanswered questions now show their right answer and why.
    assert.equal(await page.locator('.exam-question .feedback.unanswered').count(), unanswered);
    assert.match(await page.locator('.feedback.unanswered').first().textContent(), /Not answered.*The right answer: \d/s);
    await page.screenshot({ path: join(ARTIFACTS, 'exam-result.png'), fullPage: true });
    await page.locator('.lesson-nav a', { hasText: 'Course map' }).click();
    await page.locator('.map-extras').waitFor();
    assert.match(await page.textContent('.map-extras'), /Best score \d+% in 1 attempt\./);
    assertClean(problems);
    await context.close();
  });

  test('parametric exam questions draw new numbers for a new attempt', async () => {
    const { context, page, problems } = await openPage(undefined, '/?exam', '.exam-question');
    const prompts = async () => page.locator('.exam-question legend').allTextContents();
    const first = await prompts();
    let changed = false;
    for (let attempt = 0; attempt < 5 && !changed; attempt++) {
      await page.locator('.exam-result button', { hasText: 'Hand in' }).click();
      await page.locator('.exam-result button', { hasText: 'Hand in anyway' }).click();
      await page.locator('.exam-result button', { hasText: 'Try a new attempt' }).click();
      await page.locator('.exam-question').first().waitFor();
      changed = JSON.stringify(await prompts()) !== JSON.stringify(first);
    }
    assert.ok(changed, 'some prompt changed between attempts');
    assertClean(problems);
    await context.close();
  });

  test('a deep link opens a lesson part-way through its solution', async () => {
    const { context, page, problems } = await openPage(undefined, `${FIRST_LESSON}&step=2`);
    await page.locator('.goal').first().waitFor();
    assert.match(await page.locator('.goal .detail').first().textContent(), /the fullest shard holds 2 of 3 records/);
    assertClean(problems);
    await context.close();
  });

  test('an unknown lesson link shows the course map with a message', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=no-such-lesson', '.lesson-card');
    assert.match(await page.textContent('.link-problem'), /There is no lesson called “no-such-lesson”/);
    assertClean(problems);
    await context.close();
  });

  test('a lesson opens by fetching its own file, and one that cannot be fetched says why', async () => {
    // A first visit to a lesson downloads that lesson's file, and no other.
    const { context, page, problems } = await openPage(undefined, FIRST_LESSON);
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname).filter((path) => path.includes('/course/')));
    assert.deepEqual(fetched, ['/course/shards-and-partition-keys.json']);
    assertClean(problems);
    await context.close();

    // Without the service worker, which would answer from its cache.
    const offline = await browser.newContext({ serviceWorkers: 'block' });
    await offline.route('**/course/*.json', (route) => route.fulfill({ status: 503, body: 'down' }));
    const failing = await offline.newPage();
    await failing.goto(origin + FIRST_LESSON);
    const alert = failing.locator('[role=alert]', { hasText: 'The lesson could not be opened' });
    await alert.waitFor();
    assert.match(
      await alert.textContent(),
      /The site answered 503 Service Unavailable for course\/shards-and-partition-keys\.json\. Check the connection, then reload the page\./,
    );
    await failing.screenshot({ path: join(ARTIFACTS, 'lesson-not-fetched.png') });
    await alert.locator('a', { hasText: 'Back to the course map' }).click();
    await failing.locator('.lesson-card').first().waitFor();
    await offline.close();
  });

  test('progress saved by the previous schema is migrated, with a note', async () => {
    const { context, page, problems } = await openPage(undefined, '/', '.lesson-card');
    const v1 = { version: 1, lessons: { 'shards-and-partition-keys': { goals_met: true, quiz: { 'what-picks-the-shard': 1 }, completed: true } } };
    await page.evaluate((json) => localStorage.setItem('shardlab.progress', json), JSON.stringify(v1));
    await page.reload();
    await page.locator('.storage-note').waitFor();
    assert.match(await page.textContent('.storage-note'), /updated from format version 1; nothing was lost/);
    assert.equal(await page.locator('.lesson-card.complete').count(), 1);
    assertClean(problems);
    await context.close();
  });

  test('every page passes axe-core and fits a phone', async () => {
    for (const [name, path, ready] of [
      ['course-map', '/', '.lesson-card'],
      ['exam', '/?exam', '.exam-question'],
      ['sandbox', '/?sandbox', '.lane'],
      ['embed', '/?embed=shards-and-partition-keys', '.lane'],
    ]) {
      for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
        const { context, page, problems } = await openPage(viewport, path, ready);
        assert.deepEqual(await axeSerious(page), [], `${name} at ${viewport.width}px`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${name} at ${viewport.width}px scrolls sideways by ${overflow}px`);
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${viewport.width}.png`), fullPage: true });
        assertClean(problems);
        await context.close();
      }
    }
  });
});

describe('embedding', () => {
  test('a course page embeds a lesson and receives its completion message', async () => {
    const { context, page, problems } = await openPage({ width: 1280, height: 1000 }, '/examples/embed-host.html', 'iframe');
    const frame = page.frameLocator('#exercise');
    await frame.locator('.lane').first().waitFor();
    // No site chrome in the embedded lesson.
    assert.equal(await frame.locator('.brand').count(), 0);
    assert.equal(await frame.locator('.lesson-nav').count(), 0);
    await completeLesson(frame, 'shards-and-partition-keys');
    const message = page.locator('#messages li');
    await message.waitFor();
    assert.equal(await message.getAttribute('data-lesson'), 'shards-and-partition-keys');
    // Every question was answered right at the first try.
    assert.equal(await message.getAttribute('data-score'), '100');
    assert.match(await message.textContent(), /^shardlab:complete: lesson shards-and-partition-keys, score 100$/);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-host.png'), fullPage: true });
    assertClean(problems);
    await context.close();
  });
});
