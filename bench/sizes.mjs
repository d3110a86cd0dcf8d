// Raw, gzip and brotli bytes of every file of a built dist/ (shared by
// bench/size and bench/perf).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

export function measure(dist) {
  const files = [];
  (function walk(dir) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  })(dist);
  return files.sort().map((path) => ({ asset: relative(dist, path), ...compressed(readFileSync(path)) }));
}

/** Raw, gzip (level 9) and brotli (quality 11) sizes of one buffer. */
export function compressed(raw) {
  const gzip = gzipSync(raw, { level: 9 }).length;
  const brotli = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  return { raw: raw.length, gzip, brotli };
}

export const total = (key, list) => list.reduce((sum, r) => sum + r[key], 0);
export const pad = (v, n) => String(v).padStart(n);
