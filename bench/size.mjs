// Prints raw, gzip and brotli bytes for every asset of a built dist/, and the
// first-load transfer of each page bundle (core/src/bundle.rs): its HTML, the
// CSS, JS glue and wasm that HTML names, and config.json (which the
// reference server inlines into the HTML instead).
//   node bench/size.mjs [--check] [DIST]
// With --check, also each bundle's first load (brotli) against
// FIRST_LOAD_BUDGET (bench/sizes.mjs), and exit 1 naming every bundle over it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIRST_LOAD_BUDGET, firstLoads, measure, total, pad } from './sizes.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const dist = args.find((a) => a !== '--check') ?? 'dist';
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`bench/size: no built app in ${dist}/ (index.html is missing): build it first (build_app_release in scripts/lib.sh).`);
  process.exit(2);
}
const rows = measure(dist);
const line = (name, list) =>
  console.log(`${name.padEnd(44)} ${pad(total('raw', list), 9)} ${pad(total('gzip', list), 9)} ${pad(total('brotli', list), 9)}`);

console.log(`${'asset'.padEnd(44)} ${pad('raw', 9)} ${pad('gzip', 9)} ${pad('brotli', 9)}`);
for (const r of rows) line(r.asset, [r]);
line('all assets', rows);
const loads = firstLoads(dist, rows);
for (const load of loads) line(`first load of ${load.page}`, load.assets);

if (check) {
  console.log(`\nfirst load per bundle (brotli) against the budget of ${FIRST_LOAD_BUDGET} B`);
  for (const { page, brotli } of loads) {
    const verdict = brotli <= FIRST_LOAD_BUDGET
      ? `within budget (${FIRST_LOAD_BUDGET - brotli} B left)`
      : `OVER budget by ${brotli - FIRST_LOAD_BUDGET} B`;
    console.log(`${page.padEnd(32)} ${pad(brotli, 9)} B  ${verdict}`);
  }
  const over = loads.filter((l) => l.brotli > FIRST_LOAD_BUDGET);
  if (over.length > 0) {
    const names = over.map((l) => `${l.page} (${l.brotli} B)`).join(', ');
    console.error(`\nbench/size --check: FAILED: first load over the ${FIRST_LOAD_BUDGET} B budget (brotli): ${names}`);
    process.exit(1);
  }
  console.log(`\nbench/size --check: every bundle's first load is within ${FIRST_LOAD_BUDGET} B (brotli)`);
}
