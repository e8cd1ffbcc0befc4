/**
 * The console's stylesheet and script, read from the package once at startup and served
 * with a content hash in their URLs: the browser may keep them for a year, and a new
 * version of drsim changes the URL. Nothing comes from a CDN: idiomorph (the DOM morphing the
 * live updates use) is read from its package in node_modules.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Context } from 'hono';

interface Asset {
  bytes: Uint8Array<ArrayBuffer>;
  type: string;
  hash: string;
}

const TYPES: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'idiomorph.js': 'text/javascript; charset=utf-8',
};

/** Files served from a package's own dist rather than from `assets/`. */
const FROM_PACKAGES: Record<string, string> = {
  'idiomorph.js': 'idiomorph/dist/idiomorph.min.js',
};

const require = createRequire(import.meta.url);

function load(file: string): Asset {
  const packaged = FROM_PACKAGES[file];
  const path = packaged ? require.resolve(packaged) : new URL(`./assets/${file}`, import.meta.url);
  const bytes = new Uint8Array(readFileSync(path));
  return {
    bytes,
    type: TYPES[file] ?? 'application/octet-stream',
    hash: createHash('sha256').update(bytes).digest('hex').slice(0, 12),
  };
}

const ASSETS = new Map(Object.keys(TYPES).map((file) => [file, load(file)]));

/** `/console/assets/console.css?v=…` */
export function assetUrl(file: keyof typeof TYPES | string): string {
  const asset = ASSETS.get(file);
  return `/console/assets/${file}${asset ? `?v=${asset.hash}` : ''}`;
}

export function serveAsset(c: Context): Response | Promise<Response> {
  const asset = ASSETS.get(c.req.param('file') ?? '');
  if (!asset) return c.notFound();
  // Only a URL naming the current hash may be cached for good; a bare one must revalidate.
  const immutable = c.req.query('v') === asset.hash;
  const etag = `"${asset.hash}"`;
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, { ETag: etag });
  return c.body(asset.bytes, 200, {
    'Content-Type': asset.type,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
  });
}
