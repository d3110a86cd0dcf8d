// Prints raw, gzip and brotli bytes for every asset of a built dist/, and the
// first-load transfer of each page bundle (core/src/bundle.rs): its HTML, the
// CSS, JS glue and wasm that HTML names, and config.json (which the
// reference server inlines into the HTML instead).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, total, pad } from './sizes.mjs';

const dist = process.argv[2] ?? 'dist';
const rows = measure(dist);
const byName = Object.fromEntries(rows.map((r) => [r.asset, r]));
const line = (name, list) =>
  console.log(`${name.padEnd(44)} ${pad(total('raw', list), 9)} ${pad(total('gzip', list), 9)} ${pad(total('brotli', list), 9)}`);

console.log(`${'asset'.padEnd(44)} ${pad('raw', 9)} ${pad('gzip', 9)} ${pad('brotli', 9)}`);
for (const r of rows) line(r.asset, [r]);
line('all assets', rows);
for (const page of rows.filter((r) => r.asset.endsWith('.html'))) {
  const html = readFileSync(join(dist, page.asset), 'utf8');
  const named = [...html.matchAll(/(?:href|src)="\/([^"]+\.(?:css|js|wasm))"/g)].map((m) => byName[m[1]]);
  line(`first load of ${page.asset}`, [page, ...named.filter(Boolean), byName['config.json']].filter(Boolean));
}
