// Minifies the JavaScript glue and the CSS of a built dist/ in place with
// esbuild, then rewrites the Subresource Integrity hashes the pages carry for
// them. Trunk's own JS minifier (minify-js) is not used: it fails on
// wasm-bindgen's `export default` and is known to drop getters. File names
// keep Trunk's content hash, which still changes whenever the source does.
//
// usage: node scripts/minify-dist.mjs DIST
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node scripts/minify-dist.mjs DIST');
  process.exit(2);
}

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const loaders = { '.js': 'js', '.css': 'css' };
const files = readdirSync(dist);
const replaced = new Map();

for (const name of files) {
  const ext = Object.keys(loaders).find((e) => name.endsWith(e));
  if (!ext) continue;
  const path = join(dist, name);
  const before = readFileSync(path);
  // `format: 'esm'` keeps the module's exports (`init` and the bindings the
  // loader imports); no `target`, so no syntax is rewritten.
  const { code } = transformSync(before.toString('utf8'), {
    loader: loaders[ext],
    minify: true,
    legalComments: 'none',
    ...(ext === '.js' ? { format: 'esm' } : {}),
  });
  writeFileSync(path, code);
  replaced.set(sri(before), sri(Buffer.from(code)));
  console.log(`minified ${name}: ${before.length} -> ${Buffer.byteLength(code)} bytes`);
}

for (const name of files.filter((f) => f.endsWith('.html'))) {
  const path = join(dist, name);
  const html = readFileSync(path, 'utf8');
  const updated = html.replace(/sha384-[A-Za-z0-9+/=]+/g, (hash) => replaced.get(hash) ?? hash);
  if (updated !== html) writeFileSync(path, updated);
}
