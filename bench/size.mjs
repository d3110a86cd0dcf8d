// Prints raw, gzip and brotli bytes for every asset of a built dist/ and the
// first-load transfer (what a browser fetches to show the start page, brotli).
import { measure, total, pad } from './sizes.mjs';

const rows = measure(process.argv[2] ?? 'dist');
// The start page loads index.html, config.json, the CSS, the JS glue and the wasm.
const firstLoad = rows.filter((r) => /\.(html|json|css|js|wasm)$/.test(r.asset));

console.log(`${'asset'.padEnd(44)} ${pad('raw', 9)} ${pad('gzip', 9)} ${pad('brotli', 9)}`);
for (const r of rows) {
  console.log(`${r.asset.padEnd(44)} ${pad(r.raw, 9)} ${pad(r.gzip, 9)} ${pad(r.brotli, 9)}`);
}
console.log(`${'all assets'.padEnd(44)} ${pad(total('raw', rows), 9)} ${pad(total('gzip', rows), 9)} ${pad(total('brotli', rows), 9)}`);
console.log(`${'first load (html+json+css+js+wasm)'.padEnd(44)} ${pad(total('raw', firstLoad), 9)} ${pad(total('gzip', firstLoad), 9)} ${pad(total('brotli', firstLoad), 9)}`);
