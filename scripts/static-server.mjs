// A minimal static file server for dist/: used by scripts/serve.sh and by the
// end-to-end tests. Serves on loopback only; unknown paths fall back to
// index.html so that deep links load the app.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves `root` on host:port; resolves to the listening server (port 0 picks a free one). */
export function serve(root, host = '127.0.0.1', port = 0) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
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
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    res.end(body);
  });
  return new Promise((ok) => server.listen(port, host, () => ok(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root = 'dist', host = '127.0.0.1', port = '8080'] = process.argv.slice(2);
  const server = await serve(root, host, Number(port));
  const { port: bound } = server.address();
  console.log(`Shardlab is being served at http://${host}:${bound}/  (Ctrl-C to stop)`);
}
