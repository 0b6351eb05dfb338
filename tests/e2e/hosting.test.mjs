// Hosting: the built site under a path of another site (a course's
// `/shardlab/`), and offline after one visit (service worker, new versions
// announced, an installable app manifest).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../../scripts/static-server.mjs';
import { ARTIFACTS, ROOT, assertClean, browser } from './helpers.mjs';

/** Servers still running; stopped after the tests, so that a failed test cannot keep the file from ending. */
const running = new Set();
after(async () => Promise.all([...running].map((site) => site.stop())));

/** dist/ served under `base` by a server of the test's own, which it can stop. */
async function host(base = '/', root = join(ROOT, 'dist')) {
  const server = await serve(root, '127.0.0.1', 0, base);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const site = {
    origin,
    url: (path) => origin + path,
    stop: () => new Promise((done) => {
      running.delete(site);
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
  running.add(site);
  return site;
}

/** A fresh context's page at `url`, recording what leaves `origin` and every error. */
async function open(origin, url, ready, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = { external: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (r) => {
    const requested = r.url();
    if (!requested.startsWith(origin + '/') && !requested.startsWith('data:')) problems.external.push(requested);
  });
  page.on('console', (m) => m.type() === 'error' && problems.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  await page.goto(url);
  await page.locator(ready).first().waitFor();
  return { context, page, problems };
}

/** Waits until a service worker of this build controls the page. */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
}

/** Puts a record with `key` through the lesson's put form. */
async function putRecord(page, key) {
  await page.fill('input[name=partition-key]', key);
  await page.fill('input[name=data]', 'offline');
  await page.click('.put-form button[type=submit]');
}

describe('hosted under a path', () => {
  test('every page, a deep link, a share link and the embedding example work under /shardlab/', async () => {
    const site = await host('/shardlab/');
    for (const [name, path, ready] of [
      ['course map', '/shardlab/', '.lesson-card'],
      ['course map without the slash', '/shardlab', '.lesson-card'],
      ['lesson', '/shardlab/?lesson=shards-and-partition-keys', '.lane'],
      ['exam', '/shardlab/?exam', '.exam-question'],
      ['sandbox', '/shardlab/?sandbox', '.lane'],
      ['embed', '/shardlab/?embed=shards-and-partition-keys&origin=' + encodeURIComponent(site.origin), '.lane'],
    ]) {
      const { context, page, problems } = await open(site.origin, site.url(path), ready);
      assert.ok(new URL(page.url()).pathname.startsWith('/shardlab/'), `${name}: ${page.url()}`);
      assertClean(problems);
      await context.close();
    }

    // From the map into a lesson, and a share link of it opened in another tab.
    const { context, page, problems } = await open(site.origin, site.url('/shardlab/'), '.lesson-card');
    await page.locator('.lesson-card a').nth(2).click();
    await page.locator('.lane').first().waitFor();
    assert.equal(new URL(page.url()).pathname, '/shardlab/');
    for (const key of ['user-42', 'user-42']) await putRecord(page, key);
    await page.click('.topbar .share');
    await page.locator('.share-status').waitFor();
    assert.match(page.url(), /^http:\/\/127\.0\.0\.1:\d+\/shardlab\/\?lesson=shards-and-partition-keys#sim=2\./);
    const shared = await open(site.origin, page.url(), '.lane');
    await shared.page.locator('.lane[data-shard="shardId-000000000001"] .count', { hasText: '2 records' }).waitFor();
    assertClean(shared.problems);
    await shared.context.close();

    // The course's own page embeds the lesson from beside it.
    const embedded = await open(site.origin, site.url('/shardlab/examples/embed-host.html'), 'iframe');
    await embedded.page.frameLocator('iframe').locator('.lane').first().waitFor();
    assertClean(embedded.problems);
    await embedded.context.close();
    assertClean(problems);
    await context.close();
    await site.stop();
  });
});

describe('offline', () => {
  test('after one visit a lesson opens and its goals can be met with the network gone', async () => {
    const site = await host('/');
    const { context, page, problems } = await open(site.origin, site.url('/?lesson=shards-and-partition-keys'), '.lane');
    await putRecord(page, 'user-42');
    await controlled(page);
    // The worker took control of the page without reloading the learner's work away.
    await page.waitForTimeout(500);
    assert.equal(await page.locator('.lane[data-shard="shardId-000000000001"] .count').textContent(), '1 record');
    // The server is stopped and the browser taken offline: nothing can come from the network.
    await site.stop();
    await context.setOffline(true);
    await page.reload();
    await page.locator('.lane').first().waitFor();
    for (const key of ['user-42', 'user-42', 'user-42']) await putRecord(page, key);
    await page.locator('.goal.met', { hasText: 'Put three records into the same shard.' }).waitFor();
    // Other pages of the site, never visited, open from the cache too: a
    // lesson and the exam, whose files the page fetches when it opens them.
    await page.goto(site.url('/?lesson=resharding-hot-shards'));
    await page.locator('.lesson h2', { hasText: 'Resharding' }).first().waitFor();
    await page.goto(site.url('/?exam'));
    await page.locator('.exam-question').first().waitFor();
    await page.goto(site.url('/?sandbox'));
    await page.locator('.lane').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'offline-sandbox.png') });
    assertClean(problems);
    await context.close();
  });

  test('a new version is downloaded in the background, announced, and used after "Reload now"', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'shardlab-site-'));
    cpSync(join(ROOT, 'dist'), copy, { recursive: true });
    const site = await host('/', copy);
    const { context, page, problems } = await open(site.origin, site.url('/?lesson=shards-and-partition-keys'), '.lane');
    await controlled(page);
    const versions = () => page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('shardlab-')));
    const [first] = await versions();
    assert.equal(await page.locator('#update-notice').count(), 0, 'nothing to announce on a first visit');

    // A new build is published: its worker's version differs.
    const worker = join(copy, 'sw.js');
    const published = readFileSync(worker, 'utf8').replace(/const VERSION = '([0-9a-f]+)'/, "const VERSION = 'feedfacefeedface'");
    assert.notEqual(published, readFileSync(worker, 'utf8'), 'the build wrote a version into sw.js');
    writeFileSync(worker, published);

    await page.reload();
    await page.locator('.lane').first().waitFor();
    const notice = page.locator('#update-notice');
    await notice.waitFor({ timeout: 60_000 });
    assert.match(await notice.textContent(), /A new version of Shardlab has been downloaded\. It opens on your next visit/);
    await page.screenshot({ path: join(ARTIFACTS, 'update-notice.png') });
    // "Later" hides the notice and keeps the page as it is; the next load offers it again.
    await notice.getByRole('button', { name: 'Later' }).click();
    assert.equal(await notice.count(), 0);
    await page.reload();
    await notice.waitFor({ timeout: 60_000 });
    await Promise.all([page.waitForEvent('load'), notice.getByRole('button', { name: 'Reload now' }).click()]);
    await page.locator('.lane').first().waitFor();
    await page.waitForFunction(async () => (await caches.keys()).includes('shardlab-feedfacefeedface'));
    assert.deepEqual(await versions(), ['shardlab-feedfacefeedface'], `the old cache ${first} is gone`);
    assert.equal(await page.locator('#update-notice').count(), 0);
    assertClean(problems);
    await context.close();
    await site.stop();
    rmSync(copy, { recursive: true, force: true });
  });

  test('the app can be installed: its manifest and icons load under the page\'s CSP', async () => {
    const site = await host('/shardlab/');
    const { context, page, problems } = await open(site.origin, site.url('/shardlab/'), '.lesson-card');
    const href = await page.locator('link[rel=manifest]').getAttribute('href');
    const manifestUrl = new URL(href, page.url());
    const manifest = await (await page.request.get(manifestUrl.href)).json();
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.display, 'standalone');
    for (const icon of manifest.icons) {
      const response = await page.request.get(new URL(icon.src, manifestUrl).href);
      assert.equal(response.status(), 200, icon.src);
      assert.equal(response.headers()['content-type'], 'image/png');
    }
    // The CSP names the worker's source, and nothing looser.
    const csp = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
    assert.match(csp, /worker-src 'self';/);
    assert.match(csp, /manifest-src 'self';/);
    assertClean(problems);
    await context.close();
    await site.stop();
  });
});
