// Shardlab's service worker: after one visit the site works offline.
//
// The build (scripts/offline.mjs, a Trunk post_build hook) writes VERSION,
// a hash of every asset, and ASSETS, the files the site needs. Installing a
// version caches all of its files; the new version waits until no page of
// the old one is open, so a learner's page never mixes two builds, and the
// page offers to reload into it (web/src/offline.rs). Every request is
// answered from the cache first, since every asset name carries its hash;
// a page address (`?lesson=…`) is the cached index.html. Nothing outside the
// site's origin is fetched or cached.
const VERSION = 'SHARDLAB_VERSION';
const ASSETS = SHARDLAB_ASSETS;
const CACHE = `shardlab-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS.map((asset) => new URL(asset, self.registration.scope)))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('shardlab-') && name !== CACHE) await caches.delete(name);
      }
      // The first visit's page is served by this worker from now on, so it
      // keeps working if the network goes away before the next visit.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'shardlab:use-new-version') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.href.startsWith(self.registration.scope)) {
    return;
  }
  const page = request.mode === 'navigate';
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const cached = page
        ? await cache.match(new URL('index.html', self.registration.scope))
        : await cache.match(request, { ignoreSearch: true });
      return cached ?? fetch(request);
    })(),
  );
});
