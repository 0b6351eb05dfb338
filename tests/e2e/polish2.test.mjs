// A second source-blind learner walkthrough, each finding driven through
// the page's visible controls: a kept "Keep:" goal that looks met, the
// generators table holding still when Stop is pressed, a focus ring on the
// consumer's iterator-type radios, the API console's template never landing
// in what the learner typed, the record inspector brought into view with the
// ring's mark following the pick, and a compact sticky bar on a phone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, assertClean, openPage } from './helpers.mjs';
import { DESKTOP, PHONE } from './walk.mjs';

const SIZES = [['desktop', DESKTOP], ['phone', PHONE]];

/** Presses the clock bar's Step `times` times. */
async function step(page, times) {
  for (let i = 0; i < times; i++) await page.locator('.clock-bar .step').click();
}

describe('a lesson', () => {
  test('a "Keep:" goal kept to the end looks met, like the others', async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    // The flash-sale spike, as the lesson asks: 1,500 a second for 20 s, then stopped.
    await page.locator('.generator-form input[name=rate]').fill('1500');
    await page.locator('.generator-form button[type=submit]').click();
    await page.locator('.generators-table').waitFor();
    await step(page, 20);
    await page.getByRole('button', { name: 'Stop generator 1', exact: true }).click();
    await step(page, 2);
    const goals = page.locator('.goals .goal');
    const n = await goals.count();
    assert.ok(n >= 3);
    const keep = goals.filter({ has: page.locator('.keep') });
    assert.equal(await keep.count(), 1, 'one Keep: goal');
    // Every goal is met: each looks as a met goal does.
    const looks = await goals.evaluateAll((all) =>
      all.map((goal) => {
        const box = getComputedStyle(goal);
        const tick = getComputedStyle(goal.querySelector('.tick'));
        return { background: box.backgroundColor, border: box.borderTopStyle, tick: tick.backgroundColor, tickColour: tick.color };
      }),
    );
    const plain = await goals.evaluateAll((all) => all.findIndex((g) => !g.querySelector('.keep')));
    for (const [i, look] of looks.entries()) assert.deepEqual(look, looks[plain], `goal ${i} looks unlike a met goal`);
    assert.equal(await page.locator('.goals .goal.met').count(), n);
    await keep.scrollIntoViewIfNeeded();
    await page.locator('.goals').screenshot({ path: join(ARTIFACTS, 'polish2-goals-met.png') });
    assertClean(problems);
    await context.close();
  });
});

describe('the generators table', () => {
  for (const [name, size] of SIZES) {
    for (const how of ['form', 'console']) {
      test(`stays put when Stop is pressed (${name}, started from the ${how})`, async () => {
        const { context, page, problems } = await openPage(size.viewport, '/?sandbox', '.lane', size.options);
        if (how === 'form') {
          await page.locator('.generator-form button[type=submit]').click();
        } else {
          const console_ = page.locator('.console');
          const input = console_.locator('input[name=operation]');
          await input.fill('Shardlab.StartGenerator');
          await input.dispatchEvent('change');
          await console_.locator('button[type=submit]').click();
        }
        const table = page.locator('.generators-table');
        await table.waitFor();
        const stop = page.getByRole('button', { name: 'Stop generator 0', exact: true });
        await stop.scrollIntoViewIfNeeded();
        const before = await table.boundingBox();
        await stop.click();
        await page.locator('.generators-table tr.stopped').waitFor();
        const after = await table.boundingBox();
        assert.equal(after.y, before.y, `the table moved by ${after.y - before.y}px`);
        await page.screenshot({ path: join(ARTIFACTS, `polish2-generator-stopped-${how}-${name}.png`) });
        assertClean(problems);
        await context.close();
      });
    }
  }
});

/** The outline of `label` (or of the focused radio or checkbox itself): style, width, offset, and its contrast with `on`. */
function ringOf(locator, on = 'rgb(255, 255, 255)') {
  return locator.evaluate((el, on) => {
    const style = getComputedStyle(el);
    const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
    const lum = (c) =>
      rgb(c).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const [a, b] = [lum(style.outlineColor), lum(on)];
    return {
      style: style.outlineStyle,
      width: parseFloat(style.outlineWidth),
      offset: parseFloat(style.outlineOffset),
      contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    };
  }, on);
}

/** Moves the focus off and back by keyboard (Shift+Tab, Tab), as a keyboard user reaches a control. */
async function tabBack(page) {
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
}

describe('the keyboard', () => {
  test("the consumer's TRIM_HORIZON radio shows a focus ring when reached by keyboard, not when clicked", async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    const fieldset = page.locator('.consumer .segmented');
    const label = fieldset.locator('label', { hasText: 'TRIM_HORIZON' });
    await label.click();
    assert.equal(await page.evaluate(() => document.activeElement?.value), 'TRIM_HORIZON');
    // A click selects it: no ring, which would look like a second selected state.
    assert.equal((await ringOf(label)).style, 'none', 'a ring after a click');
    const clicked = await fieldset.screenshot();
    await tabBack(page);
    const radio = page.locator('.consumer input[name=iterator-type]:focus');
    assert.equal(await radio.getAttribute('value'), 'TRIM_HORIZON', 'Tab reaches the checked radio');
    assert.equal(await radio.evaluate((el) => el.matches(':focus-visible')), true);
    // A ring around the label, outside it (unlike the selected label's own
    // edge), 2 px or more, at 3:1 or more against the white panel it sits on.
    const ring = await ringOf(label);
    assert.notEqual(ring.style, 'none', 'no ring');
    assert.ok(ring.width >= 2, `a ${ring.width}px ring`);
    assert.ok(ring.offset >= 0, `the ring is drawn inside the label (offset ${ring.offset}px)`);
    assert.ok(ring.contrast >= 3, `the ring's contrast with the panel is ${ring.contrast.toFixed(2)}:1`);
    await page.locator('.consumer').screenshot({ path: join(ARTIFACTS, 'polish2-radio-focus.png') });
    assert.notDeepEqual(await fieldset.screenshot(), clicked, 'the focused radio looks as it does clicked');
    assertClean(problems);
    await context.close();
  });

  test("a quiz's radios show a focus ring that stands out from the page", async () => {
    const { context, page, problems } = await openPage(undefined, '/?lesson=streaming-fundamentals');
    const option = page.locator('.quiz-question .quiz-option input[type=radio]').first();
    await option.scrollIntoViewIfNeeded();
    await option.click();
    await tabBack(page);
    const focused = page.locator('.quiz-option input:focus');
    assert.equal(await focused.evaluate((el) => el.matches(':focus-visible')), true);
    const ring = await ringOf(focused);
    assert.notEqual(ring.style, 'none', 'no ring');
    assert.ok(ring.width >= 2, `a ${ring.width}px ring`);
    assert.ok(ring.contrast >= 3, `the ring's contrast with the page is ${ring.contrast.toFixed(2)}:1`);
    await page.locator('.quiz-question').first().screenshot({ path: join(ARTIFACTS, 'polish2-quiz-radio-focus.png') });
    assertClean(problems);
    await context.close();
  });
});

describe('the API console', () => {
  test('a target puts its template in an empty body as it is chosen, never into what the learner types next', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    const console_ = page.locator('.console');
    const input = console_.locator('input[name=operation]');
    const body = console_.locator('textarea[name=body]');
    await body.scrollIntoViewIfNeeded();
    // The learner empties the body, names a target by keyboard...
    await body.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Kinesis_20131202.ListShards');
    // ...and the template is there while they are still in the Target box,
    // not dropped in when they move to the body to type.
    const template = await body.inputValue();
    assert.match(template, /"StreamName": "sandbox"/, 'no template before leaving the Target box');
    await body.click();
    assert.equal(await body.inputValue(), template, 'the body changed as the learner moved to it');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('{"StreamName": "sandbox", "MaxResults": 2}');
    assert.equal(await body.inputValue(), '{"StreamName": "sandbox", "MaxResults": 2}');
    // Their body is kept when they name another target, which is offered.
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Kinesis_20131202.DescribeStreamSummary');
    await body.click();
    assert.equal(await body.inputValue(), '{"StreamName": "sandbox", "MaxResults": 2}');
    assert.match(await console_.locator('.console-note').textContent(), /Use the DescribeStreamSummary template instead/);
    // ...and, back to ListShards, sent as they typed it.
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Kinesis_20131202.ListShards');
    await page.keyboard.press('Enter');
    const newest = console_.locator('.console-history .api-call').first();
    await newest.waitFor();
    assert.equal((await newest.locator('.status').textContent()).trim(), '200', await newest.textContent());
    assert.match(await newest.textContent(), /"MaxResults": 2/);
    await body.screenshot({ path: join(ARTIFACTS, 'polish2-console-body.png') });
    assertClean(problems);
    await context.close();
  });

  test('a target typed as the list shows it (DescribeStreamSummary) is that Kinesis operation, sent as such', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox');
    const console_ = page.locator('.console');
    const input = console_.locator('input[name=operation]');
    const body = console_.locator('textarea[name=body]');
    await input.scrollIntoViewIfNeeded();
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('DescribeStreamSummary');
    assert.equal(await input.inputValue(), 'Kinesis_20131202.DescribeStreamSummary');
    assert.doesNotMatch(await body.inputValue(), /PartitionKey/, 'the last target’s template stayed');
    await page.keyboard.press('Enter');
    const newest = console_.locator('.console-history .api-call').first();
    await newest.waitFor();
    assert.equal((await newest.locator('.status').textContent()).trim(), '200', await newest.textContent());
    assert.match(await newest.locator('.cli').textContent(), /aws kinesis describe-stream-summary/);
    assertClean(problems);
    await context.close();
  });
});

describe('the record inspector', () => {
  for (const [name, size] of SIZES) {
    test(`comes into view when a record is picked, and the ring marks the pick (${name})`, async () => {
      const { context, page, problems } = await openPage(size.viewport, '/?lesson=streaming-fundamentals', '.lane', size.options);
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page scrolled as it loaded');
      await step(page, 1);
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page scrolled without a pick');
      const inspector = page.locator('.panel.inspector');
      const bar = await page.locator('header.topbar').boundingBox();
      const height = size.viewport.height;
      for (const n of [0, 3]) {
        const chip = page.locator('.lane .token').nth(n);
        await chip.scrollIntoViewIfNeeded();
        await (size.options.hasTouch ? chip.tap() : chip.click());
        await page.locator('.inspector-rows').waitFor();
        await page.waitForTimeout(200);
        const box = await inspector.boundingBox();
        assert.ok(box.y >= bar.y + bar.height - 1 && box.y < height - 100, `the inspector's top is at ${box.y}px of ${height}`);
        // The ring marks the picked record's place, as the inspector gives it.
        const onRing = await page.locator('.inspector-rows div', { hasText: 'On the ring' }).locator('dd').textContent();
        const mark = await page.locator('.ring .probe-label').textContent();
        assert.equal(mark, `${Number.parseFloat(onRing).toFixed(1)}%`, `the mark is at ${mark}, the record at ${onRing}`);
        if (n === 0) await page.screenshot({ path: join(ARTIFACTS, `polish2-inspector-${name}.png`) });
      }
      assertClean(problems);
      await context.close();
    });
  }
});

describe('a phone', () => {
  test('the sticky bar takes at most 15 % of the screen, its controls in reach, even when the clock runs slow', async () => {
    const { context, page, problems } = await openPage(PHONE.viewport, '/?sandbox', '.lane', PHONE.options);
    const bar = page.locator('header.topbar');
    const before = await bar.boundingBox();
    // Far more traffic than this device simulates at 1000×: the clock says it runs slower.
    await page.locator('.generator-form input[name=rate]').fill('20000');
    await page.locator('.generator-form button[type=submit]').tap();
    await page.locator('.clock-bar select').selectOption('100000');
    await page.locator('header.topbar .play').tap();
    const note = page.locator('.clock-note');
    await note.waitFor({ timeout: 20_000 });
    const box = await bar.boundingBox();
    await page.screenshot({ path: join(ARTIFACTS, 'polish2-phone-bar-slow.png') });
    assert.ok(box.height / 844 <= 0.15, `the bar is ${box.height}px, ${((box.height / 844) * 100).toFixed(1)} % of the screen`);
    assert.equal(box.height, before.height, 'the note grew the bar');
    for (const control of ['.play', '.step', '.clock', '.share']) {
      const c = await bar.locator(control).first().boundingBox();
      assert.ok(c && c.width > 0 && c.y >= box.y && c.y + c.height <= box.y + box.height + 0.5, `${control} is not in the bar`);
      assert.ok(c.x >= 0 && c.x + c.width <= 390, `${control} is off the screen`);
    }
    // The note is still there to read, whole, on the screen.
    const n = await note.boundingBox();
    assert.ok(n && n.y >= 0 && n.y + n.height <= 844 && n.x >= 0 && n.x + n.width <= 390, `the note is at ${JSON.stringify(n)}`);
    await page.locator('header.topbar .play').tap();
    console.log(`# the bar: ${before.height}px before, ${box.height}px with the note (${((box.height / 844) * 100).toFixed(1)} %)`);
    assertClean(problems);
    await context.close();
  });
});

describe('sharing', () => {
  test('Share says the link opens at the moment shown once the timeline holds more than one', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox', '.lane');
    const share = page.locator('header.topbar .share');
    await share.click();
    const status = page.locator('.share-status');
    await status.waitFor();
    assert.doesNotMatch(await status.textContent(), /timeline/, 'one moment: nothing to say');
    await step(page, 3);
    await share.click();
    await page.locator('.share-status', { hasText: 'timeline stays here' }).waitFor();
    assert.match(await status.textContent(), /It opens at this moment: the timeline stays here\./);
    assertClean(problems);
    await context.close();
  });
});

describe('a keyboard learner', () => {
  test('stopping a generator by keyboard keeps focus in the generators panel', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox', '.lane');
    await page.locator('.generator-form button[type=submit]').focus();
    await page.keyboard.press('Enter');
    const stop = page.locator('.generators-table button', { hasText: 'Stop' }).first();
    await stop.focus();
    const scrolled = await page.evaluate(() => window.scrollY);
    await page.keyboard.press('Enter');
    await page.locator('.generators-table tr.stopped').waitFor();
    const focus = await page.evaluate(() => ({
      tag: document.activeElement.tagName,
      inPanel: Boolean(document.activeElement.closest('.panel.generators')),
    }));
    assert.ok(focus.inPanel, `focus went to ${focus.tag}`);
    assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the page moved');
    // The next Tab goes on from the panel, not from the top of the page.
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => Boolean(document.activeElement.closest('.panel.generators'))));
    assertClean(problems);
    await context.close();
  });

  test('a record picked in a lane shows its focus ring whole, inside the lane', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox', '.lane');
    await page.locator('form.put-form button[type=submit]').first().click();
    const chip = page.locator('.lane .token').first();
    await chip.waitFor();
    await chip.focus();
    await page.keyboard.press('Enter');
    const ring = await chip.evaluate((el) => {
      const style = getComputedStyle(el);
      return { width: style.outlineWidth, offset: parseFloat(style.outlineOffset), style: style.outlineStyle };
    });
    // Drawn inside the chip's edge, where the sideways-scrolling lane does not clip it.
    assert.equal(ring.style, 'solid');
    assert.ok(ring.offset <= 0, `outline-offset ${ring.offset}px draws it outside the chip`);
    assertClean(problems);
    await context.close();
  });
});

describe('a reshard asked for while paused', () => {
  test('the stream says it is UPDATING until the clock moves the change in', async () => {
    const { context, page, problems } = await openPage(undefined, '/?sandbox', '.lane');
    await page.fill('input[name=partition-key]', 'user-42');
    await page.click('.put-form button[type=submit]');
    const state = page.locator('.stream .stream-state');
    assert.doesNotMatch(await state.textContent(), /UPDATING/);
    await page.locator('.faults button', { hasText: 'Split the hottest shard' }).click();
    // Paused: nothing in the lanes changes yet, and the stream says why.
    assert.match(await state.textContent(), /^4 shards open · UPDATING: the change lands a few simulated seconds after it was asked/);
    await step(page, 4);
    assert.match(await state.textContent(), /^5 shards open, 1 closed · the 128-bit hash key space/);
    assertClean(problems);
    await context.close();
  });
});
