/**
 * The files the dashboard serves: its page (HTML, JS, CSS from ./page, copied to dist/dashboard/ by the
 * build) and uPlot's browser build and stylesheet, read from the `uplot` package this package depends on.
 * Nothing comes from a CDN: field offices and CI have no internet. Read once, when a dashboard starts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Asset {
  body: Buffer;
  contentType: string;
}

/** Served path (relative to the dashboard's root) → file. */
const PAGE_FILES: Record<string, string> = {
  '': 'index.html',
  'dashboard.js': 'dashboard.js',
  'dashboard.css': 'dashboard.css',
};

/** Served path → file of the `uplot` package. */
const UPLOT_FILES: Record<string, string> = {
  'vendor/uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  'vendor/uPlot.min.css': 'uplot/dist/uPlot.min.css',
  'vendor/uPlot.LICENSE': 'uplot/LICENSE',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Where the page's files are: dist/dashboard/ beside the bundle in the package, ./page beside this module
 * when running from the sources (tests, tsx).
 */
export function pageDirectory(): string {
  const candidates = [path.join(__dirname, 'dashboard'), path.join(__dirname, 'page')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`the dashboard's page is missing (looked in ${candidates.join(', ')}): a broken install or build`);
  return found;
}

function typeOf(file: string): string {
  return TYPES[path.extname(file)] ?? 'text/plain; charset=utf-8';
}

/** Every file the dashboard serves, by path relative to its root. */
export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const dir = pageDirectory();
  for (const [served, file] of Object.entries(PAGE_FILES)) {
    assets.set(served, { body: readFileSync(path.join(dir, file)), contentType: typeOf(file) });
  }
  const requireHere = createRequire(__filename);
  for (const [served, specifier] of Object.entries(UPLOT_FILES)) {
    assets.set(served, { body: readFileSync(requireHere.resolve(specifier)), contentType: typeOf(specifier) });
  }
  return assets;
}
