// Trunk post_build hook: makes the site work offline after one visit.
//
// Fills in web/sw.js (copied to the staging directory by index.html) with
// the list of the build's files and a version hashed from their contents, so
// that a new build is a new version. A debug build (`scripts/serve.sh --dev`)
// gets a worker that removes any installed worker and its caches instead,
// so that the author's preview loop is never answered from a release build's
// cache on the same address.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR ?? 'dist';
const worker = join(staging, 'sw.js');
const release = process.env.TRUNK_PROFILE === 'release';

/** Every file under `dir`, as paths relative to the staging directory. */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [relative(staging, path)];
  });
}

// The site itself: not the worker, and not the embedding example pages, which
// belong to the course that hosts Shardlab.
const assets = files(staging)
  .filter((path) => path !== 'sw.js' && !path.startsWith('examples/'))
  .sort();
const hash = createHash('sha256');
for (const path of assets) hash.update(path).update('\0').update(readFileSync(join(staging, path)));
const version = hash.digest('hex').slice(0, 16);

const template = readFileSync(worker, 'utf8');
for (const placeholder of ["'SHARDLAB_VERSION'", 'SHARDLAB_ASSETS']) {
  if (!template.includes(placeholder)) throw new Error(`${worker}: placeholder ${placeholder} not found`);
}
const retire = `// A debug build: this worker removes itself and every Shardlab cache.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('shardlab-')) await caches.delete(name);
    await self.registration.unregister();
  })());
});
`;
writeFileSync(
  worker,
  release
    ? template.replace("'SHARDLAB_VERSION'", `'${version}'`).replace('SHARDLAB_ASSETS', JSON.stringify(['./', ...assets]))
    : retire,
);
console.log(`offline: ${release ? `version ${version}, ${assets.length} files cached by sw.js` : 'debug build, sw.js retires any installed worker'}`);
