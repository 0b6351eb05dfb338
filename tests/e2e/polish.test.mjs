// What a source-blind learner walkthrough found in the page's layout and
// keyboard use, each driven through the page's visible controls, on a
// desktop (1280 wide) and on a phone (390 × 844, touch): the clock's width,
// Play moving the page, the generators table on a phone, one Tab stop per
// lane, names a phone hides, TRIM_HORIZON cut in two, and numbers grouped
// alike.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, assertClean, chooseTarget, openPage } from './helpers.mjs';
import { DESKTOP, PHONE } from './walk.mjs';

const SIZES = [['desktop', DESKTOP], ['phone', PHONE]];

/** Sends `target` from the console with `body`; asserts HTTP 200. */
async function send(page, target, body) {
  const console_ = page.locator('.console');
  await chooseTarget(console_, target);
  await console_.locator('textarea[name=body]').fill(JSON.stringify(body));
  await console_.locator('button[type=submit]').click();
  const newest = console_.locator('.console-history .api-call').first();
  assert.equal((await newest.locator('.status').textContent()).trim(), '200', `${target} failed: ${await newest.textContent()}`);
}

/** Starts a traffic generator with the panel's form as it stands, and steps the clock `seconds` times. */
async function generate(page, seconds) {
  await page.locator('.generator-form button[type=submit]').click();
  await page.locator('.generators-table').waitFor();
  for (let i = 0; i < seconds; i++) await page.locator('.clock-bar .step').click();
}

/** How many line boxes the text of `locator` takes. */
const lines = (locator) =>
  locator.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });

describe('the clock', () => {
  for (const [name, size] of SIZES) {
    test(`keeps Play and Step in place when a day goes by (${name})`, async () => {
      const { context, page, problems } = await openPage(size.viewport, '/?sandbox', '.lane', size.options);
      const play = page.locator('.clock-bar .play');
      const step = page.locator('.clock-bar .step');
      const clock = page.locator('.clock-bar .clock');
      const before = [await play.boundingBox(), await step.boundingBox(), await clock.boundingBox()];
      assert.doesNotMatch(await page.textContent('.clock'), /day/);
      // A day and a bit, from the console, as a learner running a day of retention does.
      await send(page, 'Shardlab.AdvanceClock', { Millis: 24 * 3_600_000 + 61_000 });
      assert.match(await page.textContent('.clock'), /^day 2 00:01:\d\d\.\d{3}$/);
      const after = [await play.boundingBox(), await step.boundingBox(), await clock.boundingBox()];
      assert.equal(after[0].x, before[0].x, 'Play moved');
      assert.equal(after[0].y, before[0].y, 'Play moved down');
      assert.equal(after[1].x, before[1].x, 'Step moved');
      // On a desktop the controls sit at the bar's right: a wider clock would grow to the left.
      assert.deepEqual(after[2], before[2], 'the clock moved or grew');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(ARTIFACTS, `polish-clock-day-2-${name}.png`) });
      if (name === 'phone') {
        const bar = await page.locator('header.topbar').boundingBox();
        assert.ok(bar.height <= 120, `the sticky bar is ${bar.height}px tall`);
      }
      assertClean(problems);
      await context.close();
    });
  }
});

describe('Play', () => {
  for (const [name, size] of SIZES) {
    test(`is as wide running as paused, so Step stays put (${name})`, async () => {
      const { context, page, problems } = await openPage(size.viewport, '/?sandbox', '.lane', size.options);
      const play = page.locator('.clock-bar .play');
      const step = page.locator('.clock-bar .step');
      const paused = [await play.boundingBox(), await step.boundingBox()];
      await play.click();
      assert.equal(await play.getAttribute('aria-pressed'), 'true');
      assert.equal(await play.textContent(), 'Pause', 'the text is the word shown alone');
      const running = [await play.boundingBox(), await step.boundingBox()];
      assert.equal(running[0].width, paused[0].width, 'Play changed width');
      assert.equal(running[0].x, paused[0].x, 'Play moved');
      assert.equal(running[1].x, paused[1].x, 'Step moved');
      // The button is named by the word it shows, not by both.
      assert.equal((await page.getByRole('button', { name: 'Pause', exact: true }).count()), 1);
      await play.click();
      assert.equal((await page.getByRole('button', { name: 'Play', exact: true }).count()), 1);
      assertClean(problems);
      await context.close();
    });
  }
});

describe('a phone', () => {
  test('Play, tapped or reached by Tab, leaves the watched generators table where it was', async () => {
    const { context, page, problems } = await openPage(PHONE.viewport, '/?lesson=streaming-fundamentals', '.lane', PHONE.options);
    await page.locator('.generator-form button[type=submit]').tap();
    const table = page.locator('.generators-table');
    await table.waitFor();
    await table.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    const scrolled = await page.evaluate(() => window.scrollY);
    const top = (await table.boundingBox()).y;
    // As a test driver taps it: into view if needed (it is, in the sticky bar), then a tap.
    await page.locator('.topbar .play').tap();
    assert.equal(await page.locator('.topbar .play').getAttribute('aria-pressed'), 'true');
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'tapping Play scrolled the page');
    assert.equal((await table.boundingBox()).y, top, 'the table moved');
    // Focus moving along the bar by keyboard keeps the page in place too.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'step');
    assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'Tab to Step scrolled the page');
    await page.locator('.topbar .play').tap();
    await page.screenshot({ path: join(ARTIFACTS, 'polish-phone-play.png') });
    assertClean(problems);
    await context.close();
  });

  test("shows the generators table's Throttled and Failed columns without scrolling it sideways", async () => {
    const { context, page, problems } = await openPage(PHONE.viewport, '/?lesson=streaming-fundamentals', '.lane', PHONE.options);
    await page.locator('.generator-form input[name=rate]').fill('3000');
    await generate(page, 2);
    const table = page.locator('.generators-table');
    const box = await table.boundingBox();
    for (const column of ['Throttled', 'Failed']) {
      const header = await table.locator('th', { hasText: column }).boundingBox();
      assert.ok(header.x + header.width <= Math.min(box.x + box.width, 390) + 0.5, `${column} ends at ${header.x + header.width}px`);
    }
    // The rate and the keys are still there, under the generator's id.
    assert.match(await table.locator('tbody tr').last().innerText(), /3,000\/s × 100 B · 1,000 uniform/);
    assert.ok((await table.locator('td.bad').count()) >= 1, 'nothing throttled at 3,000 records a second');
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'polish-phone-generators.png') });
    assertClean(problems);
    await context.close();
  });

  test('names the timeline slider, and the course map names the site', async () => {
    const { context, page, problems } = await openPage(PHONE.viewport, '/?lesson=streaming-fundamentals', '.lane', PHONE.options);
    const slider = page.getByRole('slider', { name: 'Timeline', exact: true });
    assert.equal(await slider.count(), 1);
    assert.ok(await slider.isVisible());
    // ...on screen too, beside it.
    assert.equal((await page.locator('header.topbar label.timeline').innerText()).trim(), 'Timeline');
    await page.goto(page.url().replace(/\?.*$/, ''));
    const name = page.locator('header.topbar').getByRole('heading', { name: 'Shardlab', exact: true });
    await name.waitFor();
    assert.ok(await name.isVisible(), 'no site name in the bar');
    const bar = await page.locator('header.topbar').boundingBox();
    assert.ok(bar.height <= 120, `the bar is ${bar.height}px tall`);
    await page.screenshot({ path: join(ARTIFACTS, 'polish-phone-course-map.png') });
    assertClean(problems);
    await context.close();
  });
});

describe('the keyboard', () => {
  test("a lane is one Tab stop, and arrow keys move among its chips", async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    await generate(page, 1);
    const lane = page.locator('.lane').first();
    const chips = lane.locator('.token');
    assert.ok((await chips.count()) >= 3, 'the first lane has few chips');
    assert.deepEqual(
      await page.locator('.lane').evaluateAll((lanes) => lanes.map((l) => l.querySelectorAll('.token[tabindex="0"]').length)),
      Array(await page.locator('.lane').count()).fill(1),
      'one chip a lane takes Tab',
    );
    await chips.first().focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await chips.nth(1).evaluate((el) => el === document.activeElement), true, 'ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await chips.nth(1).evaluate((el) => el === document.activeElement), true, 'ArrowLeft');
    await page.keyboard.press('End');
    assert.equal(await chips.last().evaluate((el) => el === document.activeElement), true, 'End');
    // Enter still opens the chip's record, and the chip stays the lane's Tab stop.
    await page.keyboard.press('Enter');
    assert.equal(await chips.last().getAttribute('class').then((c) => c.includes('selected')), true);
    assert.equal(await chips.last().getAttribute('tabindex'), '0');
    // From the first lane past the last: a Tab a lane, not one a chip.
    await page.locator('.clock-bar .step').click();
    await lane.locator('.token[tabindex="0"]').focus();
    const n_lanes = await page.locator('.lane').count();
    let tabs = 0;
    while (await page.evaluate(() => document.activeElement?.closest('.lane') !== null)) {
      await page.keyboard.press('Tab');
      tabs += 1;
      assert.ok(tabs <= n_lanes, `more than ${n_lanes} Tabs to leave ${n_lanes} lanes`);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'polish-lane-keyboard.png') });
    assertClean(problems);
    await context.close();
  });
});

describe('the keyboard, from the top of the page', () => {
  test('the first Tab offers to skip to the playground, and the next reaches its first control in sight', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox', '.lane');
    const address = page.url();
    await page.keyboard.press('Tab');
    const skip = page.locator('.skip-link');
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the first Tab stop');
    assert.equal((await skip.textContent()).trim(), 'Skip to the playground');
    const box = await skip.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 800, `seen when focused (${JSON.stringify(box)})`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('#playground') !== null), true, 'inside the playground');
    // Below the sticky bar, not under it.
    const bar = await page.locator('header.topbar').boundingBox();
    const focused = await page.evaluate(() => document.activeElement.getBoundingClientRect().top);
    assert.ok(focused >= bar.y + bar.height, `the focused control's top ${focused} is under the bar (to ${bar.y + bar.height})`);
    assert.equal(page.url(), address, 'the address keeps its fragment');
    await page.screenshot({ path: join(ARTIFACTS, 'polish-skip-link.png') });
    assertClean(problems);
    await context.close();
  });

  test("the record inspector names fields as AWS spells them, not in capitals", async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    await generate(page, 1);
    await page.locator('.lane .token').first().click();
    const names = await page.locator('.inspector-rows dt').evaluateAll((dts) => dts.map((dt) => dt.innerText));
    assert.ok(names.includes('PartitionKey') && names.includes('SequenceNumber'), `shown as ${names.join(', ')}`);
    assertClean(problems);
    await context.close();
  });
});

describe('the KCL lease table', () => {
  for (const [name, size] of SIZES) {
    test(`shows TRIM_HORIZON on one line, and the page does not scroll sideways (${name})`, async () => {
      const { context, page, problems } = await openPage(size.viewport, '/?sandbox', '.lane', size.options);
      await send(page, 'Shardlab.KclCreateApplication', { ApplicationName: 'billing', StreamName: 'sandbox' });
      await send(page, 'Shardlab.KclStartWorker', { ApplicationId: 0 });
      await page.locator('.clock-bar .step').click();
      const cell = page.locator('.leases-table td.checkpoint', { hasText: 'TRIM_HORIZON' }).first();
      await cell.waitFor();
      assert.equal(await lines(cell), 1, 'TRIM_HORIZON wraps');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
      await page.locator('.kcl').screenshot({ path: join(ARTIFACTS, `polish-kcl-${name}.png`) });
      assertClean(problems);
      await context.close();
    });
  }
});

test("the generators table groups thousands as the page's other numbers do", async () => {
  const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
  await page.locator('.generator-form input[name=rate]').fill('1500');
  await generate(page, 2);
  // The lesson may start generators of its own: the learner's is the last row.
  const row = page.locator('.generators-table tbody tr').last();
  const cells = await row.locator('td').allInnerTexts();
  assert.match(cells[1], /^1,500\/s × 100 B$/);
  assert.match(cells[2], /^1,000 uniform$/);
  assert.equal(cells[3], '3,000', 'Sent');
  for (const cell of cells.slice(3)) assert.match(cell, /^\d{1,3}(,\d{3})*$/);
  assertClean(problems);
  await context.close();
});
