#!/usr/bin/env node
// Measures the console's initial JavaScript: the Vite entry chunk plus every chunk it imports statically
// (lazy routes, which load on navigation, are excluded), each gzip-compressed as a server would send it.
// Usage: node bench/frontend/measure-bundle.mjs [path/to/frontend/dist] [--budget-kb 400]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const budgetAt = args.indexOf('--budget-kb');
const budgetKb = budgetAt >= 0 ? Number(args[budgetAt + 1]) : 400;
const positional = args.filter((a, i) => !a.startsWith('--') && i !== budgetAt + 1);
const dist = resolve(positional[0] ?? join(here, '..', '..', 'frontend', 'dist'));

const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length !== 1) throw new Error(`expected one entry chunk, found ${entries.length}`);

const kb = bytes => bytes / 1024;
const sizeOf = file => {
  const raw = readFileSync(join(dist, file));
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
};

// Walk the static import graph from the entry.
const initial = new Map();
const walk = key => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.set(chunk.file, { ...sizeOf(chunk.file), css: chunk.css ?? [] });
  for (const next of chunk.imports ?? []) walk(next);
};
walk(entries[0][0]);

const lazy = new Set(Object.values(manifest).filter(c => c.file.endsWith('.js') && !initial.has(c.file)).map(c => c.file));
const css = new Set([...initial.values()].flatMap(c => c.css));
const sum = (items, field) => items.reduce((total, item) => total + item[field], 0);
const js = [...initial.values()];
const cssSizes = [...css].map(sizeOf);
const lazySizes = [...lazy].map(sizeOf);

const result = {
  initialJs: { chunks: initial.size, rawKb: kb(sum(js, 'raw')), gzipKb: kb(sum(js, 'gzip')) },
  initialCss: { files: css.size, rawKb: kb(sum(cssSizes, 'raw')), gzipKb: kb(sum(cssSizes, 'gzip')) },
  lazyJs: { chunks: lazy.size, rawKb: kb(sum(lazySizes, 'raw')), gzipKb: kb(sum(lazySizes, 'gzip')) },
  budgetKb,
};
const round = n => Math.round(n * 10) / 10;
console.log(`initial JS: ${result.initialJs.chunks} chunk(s), ${round(result.initialJs.rawKb)} KB raw, ${round(result.initialJs.gzipKb)} KB gzip (budget ${budgetKb} KB)`);
for (const [file, size] of initial) console.log(`  ${file}: ${round(kb(size.raw))} KB raw, ${round(kb(size.gzip))} KB gzip`);
console.log(`initial CSS: ${result.initialCss.files} file(s), ${round(result.initialCss.gzipKb)} KB gzip`);
console.log(`lazy route JS: ${result.lazyJs.chunks} chunk(s), ${round(result.lazyJs.gzipKb)} KB gzip in all`);
if (result.initialJs.gzipKb > budgetKb) {
  console.error(`over budget: ${round(result.initialJs.gzipKb)} KB > ${budgetKb} KB`);
  process.exit(1);
}
