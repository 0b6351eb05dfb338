// A minimal static file server for dist/: used by scripts/serve.sh and by the
// end-to-end tests. Serves on loopback only, under a base path (`/` or, as a
// course hosting Shardlab would, `/shardlab/`); unknown paths under the base
// fall back to index.html so that deep links load the app, and nothing is
// served outside it.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
};

/** `base` as `/path/`: a leading and a trailing slash. */
export function normalizeBase(base = '/') {
  const trimmed = base.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/**
 * Serves `root` on host:port under `basePath`; resolves to the listening
 * server (port 0 picks a free one).
 */
export function serve(root, host = '127.0.0.1', port = 0, basePath = '/') {
  const base = resolve(root);
  const prefix = normalizeBase(basePath);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === prefix.slice(0, -1)) {
      // `/shardlab` → `/shardlab/`, so that the page's relative addresses resolve under the base.
      res.writeHead(301, { Location: prefix + url.search }).end();
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname.slice(prefix.length - 1)));
    let file = join(base, path);
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    let body;
    try {
      body = await readFile(file);
    } catch {
      file = join(base, 'index.html');
      body = await readFile(file);
    }
    // As a static host would: a file whose name carries its content hash
    // never changes; anything else is revalidated by its entity tag, which
    // changes with any write (a modification time alone has whole seconds,
    // and a file rewritten within the second would look unchanged).
    const { size, mtimeMs } = await stat(file);
    const tag = `"${size.toString(16)}-${Math.floor(mtimeMs * 1000).toString(16)}"`;
    const hashed = /-[0-9a-f]{12,16}(_bg)?\.[a-z]+$/.test(file);
    const headers = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: tag,
    };
    if (req.headers['if-none-match'] === tag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((ok) => server.listen(port, host, () => ok(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root = 'dist', host = '127.0.0.1', port = '8080', basePath = '/'] = process.argv.slice(2);
  const server = await serve(root, host, Number(port), basePath);
  const { port: bound } = server.address();
  console.log(`Shardlab is being served at http://${host}:${bound}${normalizeBase(basePath)}  (Ctrl-C to stop)`);
}
