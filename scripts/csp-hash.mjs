// Trunk post_build hook: replaces the placeholder 'sha256-TRUNK_LOADER' in the
// page's Content-Security-Policy with the hashes of the inline scripts Trunk
// injected, so the policy allows Trunk's loader and no other inline script.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PLACEHOLDER = "'sha256-TRUNK_LOADER'";
const page = join(process.env.TRUNK_STAGING_DIR ?? 'dist', 'index.html');
const html = readFileSync(page, 'utf8');

const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inline.length === 0) throw new Error(`${page}: Trunk's inline loader script not found`);
if (!html.includes(PLACEHOLDER)) throw new Error(`${page}: CSP placeholder ${PLACEHOLDER} not found`);

const hashes = inline.map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
writeFileSync(page, html.replace(PLACEHOLDER, hashes.join(' ')));
console.log(`csp-hash: allowed ${hashes.length} inline script(s): ${hashes.join(' ')}`);
