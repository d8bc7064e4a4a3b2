/**
 * Seeded random JSON for the body parser and splitter fuzz tests: rows with nasty strings (escapes, braces
 * and brackets inside strings, unicode), odd but legal spacing, and helpers to chunk a buffer.
 */
import type { JsonRow } from '../../src/json/json-array-parser';

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    parts.push(buf.subarray(prev, c));
    prev = c;
  }
  parts.push(buf.subarray(prev));
  return parts;
}

/** Random chunking: mostly small pieces, sometimes large ones, sometimes single bytes. */
export function randomChunks(buf: Buffer, rnd: () => number): Buffer[] {
  const mode = rnd();
  const max = mode < 0.3 ? 4 : mode < 0.6 ? 32 : mode < 0.9 ? 300 : 5000;
  const parts: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    const n = 1 + Math.floor(rnd() * max);
    parts.push(buf.subarray(i, i + n));
    i += n;
  }
  return parts;
}

/** The same text as string chunks, cut at random UTF-16 positions (so surrogate pairs get split too). */
export function randomStringChunks(text: string, rnd: () => number): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    const n = 1 + Math.floor(rnd() * 40);
    parts.push(text.slice(i, i + n));
    i += n;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------
// Random JSON generation with nasty content.

export const NASTY_PIECES = [
  '{', '}', '[', ']', ',', ':', '"', '\\', '}, {', '"}, {"', '}]', '\\"', '\\\\', 'é', 'ß', '中文', '€',
  '😀', '👩‍👩‍👧', '\u0000', '\u001f', '\n', '\t', '\u2028', '\ud83d\ude00', ' ', 'O', 'C', 'null', '1.0', '/',
];

export function randomString(rnd: () => number): string {
  const n = Math.floor(rnd() * 6);
  let s = '';
  for (let k = 0; k < n; k++) {
    s += rnd() < 0.7 ? NASTY_PIECES[Math.floor(rnd() * NASTY_PIECES.length)]! : String.fromCharCode(32 + Math.floor(rnd() * 95));
  }
  return s;
}

/** JSON string literal with randomly chosen legal escapes (\u escapes, \/ ...). */
export function stringLiteral(s: string, rnd: () => number): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const r = rnd();
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20) out += r < 0.5 ? '\\u' + code.toString(16).padStart(4, '0') : JSON.stringify(ch).slice(1, -1);
    else if (ch === '/' && r < 0.5) out += '\\/';
    else if (r < 0.15) {
      // \u escape of every UTF-16 unit (a surrogate pair becomes two escapes)
      for (let k = 0; k < ch.length; k++) {
        const hex = ch.charCodeAt(k).toString(16).padStart(4, '0');
        out += '\\u' + (r < 0.07 ? hex.toUpperCase() : hex);
      }
    } else out += ch;
  }
  return out + '"';
}

export function numberLiteral(rnd: () => number): string {
  const r = rnd();
  if (r < 0.1) return '0.0';
  if (r < 0.15) return '1.0';
  if (r < 0.2) return '-0.0';
  if (r < 0.3) return String(Math.floor(rnd() * 2000) - 1000);
  if (r < 0.4) return (rnd() < 0.5 ? '-' : '') + (1 + Math.floor(rnd() * 9)) + '.' + Math.floor(rnd() * 1000) + (rnd() < 0.5 ? 'e' : 'E') + (rnd() < 0.5 ? '-' : rnd() < 0.5 ? '+' : '') + Math.floor(rnd() * 300);
  if (r < 0.45) return rnd() < 0.5 ? '1e400' : '-1.5E-400'; // out of double range: Infinity / -0
  return String(Math.fround((rnd() - 0.3) * Math.pow(10, Math.floor(rnd() * 8) - 3)));
}

export interface Style {
  item: string; // separator between members/items, e.g. ', '
  colon: string; // e.g. ': '
  row: string; // separator between rows
  pad: string; // padding inside brackets
}

export const STYLES: Style[] = [
  { item: ', ', colon: ': ', row: ', ', pad: '' }, // Python json.dumps
  { item: ',', colon: ':', row: ',', pad: '' }, // compact
  { item: ', ', colon: ': ', row: ',\n', pad: '' }, // the fixture
  { item: ',\n    ', colon: ': ', row: ',\n  ', pad: '\n  ' }, // pretty
  { item: ' , ', colon: ' :\t', row: '\r\n,\t', pad: ' ' }, // odd but legal
];

export function valueText(rnd: () => number, style: Style, depth: number): string {
  const r = rnd();
  if (r < 0.45) return numberLiteral(rnd);
  if (r < 0.6) return stringLiteral(randomString(rnd), rnd);
  if (r < 0.7) return 'null';
  if (r < 0.75) return rnd() < 0.5 ? 'true' : 'false';
  if (depth >= 3) return numberLiteral(rnd);
  if (r < 0.87) {
    const n = Math.floor(rnd() * 4);
    const items: string[] = [];
    for (let k = 0; k < n; k++) items.push(valueText(rnd, style, depth + 1));
    return n === 0 ? '[]' : '[' + style.pad + items.join(style.item) + style.pad + ']';
  }
  return objectText(rnd, style, depth + 1, 4);
}

export function objectText(rnd: () => number, style: Style, depth: number, maxKeys: number): string {
  const n = Math.floor(rnd() * (maxKeys + 1));
  if (n === 0) return '{}';
  const members: string[] = [];
  for (let k = 0; k < n; k++) {
    const key = rnd() < 0.6 ? 'k' + k + '_' + Math.floor(rnd() * 100) : randomString(rnd) + k;
    members.push(stringLiteral(key, rnd) + style.colon + valueText(rnd, style, depth));
  }
  return '{' + style.pad + members.join(style.item) + style.pad + '}';
}

export interface Doc {
  text: string;
  rowTexts: string[];
}

export function randomDoc(rnd: () => number): Doc {
  const style = STYLES[Math.floor(rnd() * STYLES.length)]!;
  const n = Math.floor(rnd() * 12);
  const rowTexts: string[] = [];
  for (let k = 0; k < n; k++) rowTexts.push(objectText(rnd, style, 0, 8));
  const lead = rnd() < 0.3 ? ' \n' : '';
  const trail = rnd() < 0.3 ? '\n' : '';
  const text = n === 0 ? lead + '[' + style.pad + ']' + trail : lead + '[' + style.pad + rowTexts.join(style.row) + style.pad + ']' + trail;
  return { text, rowTexts };
}

/** Byte offsets just past each row's closing brace, located via the recorded row texts. */
export function rowEnds(doc: Doc): number[] {
  const ends: number[] = [];
  let from = 0;
  for (const t of doc.rowTexts) {
    const at = doc.text.indexOf(t, from);
    from = at + t.length;
    ends.push(Buffer.byteLength(doc.text.slice(0, from), 'utf8'));
  }
  return ends;
}

/** Exact structural equality of JSON values (Object.is on primitives, so -0 !== 0; key order included). */
export function deepSame(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (!deepSame(a[k], b[k])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let k = 0; k < ka.length; k++) {
    const key = ka[k]!;
    if (key !== kb[k] || !deepSame((a as JsonRow)[key], (b as JsonRow)[key])) return false;
  }
  return true;
}

export function splitEvery(buf: Buffer, n: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += n) parts.push(buf.subarray(i, i + n));
  return parts;
}
