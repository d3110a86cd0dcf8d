// Prints raw, gzip and brotli bytes for every asset of a built dist/ and the
// first-load transfer (what a browser fetches to show the start page, brotli).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
})(dist);

const rows = files.sort().map((path) => {
  const raw = readFileSync(path);
  const gzip = gzipSync(raw, { level: 9 }).length;
  const brotli = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  return { asset: relative(dist, path), raw: raw.length, gzip, brotli };
});

// The start page loads index.html, config.json, the CSS, the JS glue and the wasm.
const firstLoad = rows.filter((r) => /\.(html|json|css|js|wasm)$/.test(r.asset));
const total = (key, list) => list.reduce((sum, r) => sum + r[key], 0);
const pad = (v, n) => String(v).padStart(n);

console.log(`${'asset'.padEnd(44)} ${pad('raw', 9)} ${pad('gzip', 9)} ${pad('brotli', 9)}`);
for (const r of rows) {
  console.log(`${r.asset.padEnd(44)} ${pad(r.raw, 9)} ${pad(r.gzip, 9)} ${pad(r.brotli, 9)}`);
}
console.log(`${'all assets'.padEnd(44)} ${pad(total('raw', rows), 9)} ${pad(total('gzip', rows), 9)} ${pad(total('brotli', rows), 9)}`);
console.log(`${'first load (html+json+css+js+wasm)'.padEnd(44)} ${pad(total('raw', firstLoad), 9)} ${pad(total('gzip', firstLoad), 9)} ${pad(total('brotli', firstLoad), 9)}`);
