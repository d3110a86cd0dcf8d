// Raw, gzip and brotli bytes of every file of a built dist/, each page
// bundle's first load, and the budget it must fit (shared by bench/size,
// `bench/size --check` in scripts/test, and bench/perf).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

/**
 * The first-load budget of every page bundle, in brotli bytes: the design's
 * 150 KB read as 150,000 B, the stricter of the two readings. The one place
 * it is written; `FIRST_LOAD_BUDGET=N` in the environment sets another for
 * one run (to see the check fail, say).
 */
export const FIRST_LOAD_BUDGET = budgetFrom(process.env.FIRST_LOAD_BUDGET, 150_000);

function budgetFrom(text, fallback) {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`FIRST_LOAD_BUDGET must be a whole number of bytes, not ${JSON.stringify(text)}`);
  }
  return n;
}

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

/**
 * The first load of each page bundle of a built dist/ (`rows` from
 * `measure`): its HTML, the CSS, JS glue and wasm that HTML names, and
 * config.json (which the reference server inlines into the HTML instead).
 */
export function firstLoads(dist, rows) {
  const byName = Object.fromEntries(rows.map((r) => [r.asset, r]));
  return rows
    .filter((r) => r.asset.endsWith('.html'))
    .map((page) => {
      const html = readFileSync(join(dist, page.asset), 'utf8');
      const named = [...html.matchAll(/(?:href|src)="\/([^"]+\.(?:css|js|wasm))"/g)].map((m) => byName[m[1]]);
      const assets = [page, ...named.filter(Boolean), byName['config.json']].filter(Boolean);
      return { page: page.asset, assets, raw: total('raw', assets), gzip: total('gzip', assets), brotli: total('brotli', assets) };
    });
}
