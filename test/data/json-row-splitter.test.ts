import { MalformedJsonError, TruncatedStreamError, type JsonRow } from '../../src/json/json-array-parser';
import { JsonRowSplitter, endOfObject, rawMayHaveSiteIds, rawRowAt, rawSiteIdAt, rawTimestampAt, selectRawRows, type RawRowBatch } from '../../src/json/json-row-splitter';
import { rawNdjsonLines } from '../../src/formats/formats';
import { readFixtureText } from '../helpers/fixtures';
import { NASTY_PIECES, STYLES, deepSame, objectText, prng, randomChunks, randomDoc, rowEnds, splitAt, splitEvery } from '../helpers/random-json';

interface Outcome {
  batches: RawRowBatch[];
  rows: JsonRow[];
  rowTexts: string[];
  error: unknown;
  splitter: JsonRowSplitter;
}

/** Feeds the chunks, then end(); collects every batch handed out until the first error. */
function run(chunks: Uint8Array[], batchBytes = 0): Outcome {
  const splitter = new JsonRowSplitter({ batchBytes });
  const out: Outcome = { batches: [], rows: [], rowTexts: [], error: undefined, splitter };
  const take = (b: RawRowBatch | undefined): void => {
    if (!b) return;
    expect(b.count).toBeGreaterThan(0);
    expect(b.spans).toHaveLength(2 * b.count);
    out.batches.push(b);
    for (let k = 0; k < b.count; k++) {
      out.rows.push(rawRowAt(b, k));
      out.rowTexts.push(b.bytes.toString('utf8', b.spans[2 * k], b.spans[2 * k + 1]));
    }
  };
  try {
    for (const c of chunks) take(splitter.push(c));
    for (let k = 0; k < 3; k++) {
      const b = splitter.end();
      if (!b) break;
      take(b);
    }
  } catch (e) {
    out.error = e;
  }
  return out;
}

/** What the validator says about a whole text that starts with `{`: the object it accepts, or why not. */
function verdict(text: string): 'valid' | 'incomplete' | 'invalid' {
  const buf = Buffer.from(text, 'utf8');
  const end = endOfObject(buf, 0, buf.length, new Uint8Array(512));
  if (end === -1) return 'incomplete';
  if (end < 0) return 'invalid';
  return buf.subarray(end).toString('latin1').trim() === '' ? 'valid' : 'invalid';
}

function jsonParseAccepts(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

describe('endOfObject: exactly the rows JSON.parse accepts', () => {
  it('agrees with JSON.parse on random rows and on thousands of single-byte mutations of them', () => {
    const rnd = prng(101);
    const pieces = [...NASTY_PIECES, '-', '+', '.', 'e', 'E', '0', '01', '1.', '.5', '\\u12', '\\x', 'tru', 'nul', '\u007f', '\uffff', ' '];
    let valid = 0;
    let invalid = 0;
    for (let k = 0; k < 3000; k++) {
      const style = STYLES[k % STYLES.length]!;
      const row = objectText(rnd, style, 0, 6);
      expect(verdict(row)).toBe('valid');
      // Mutate: delete, insert or replace a piece somewhere inside the row (keeping the opening brace).
      const at = 1 + Math.floor(rnd() * (row.length - 1));
      const piece = pieces[Math.floor(rnd() * pieces.length)]!;
      const r = rnd();
      const mutated = r < 0.33 ? row.slice(0, at) + row.slice(at + 1) : r < 0.66 ? row.slice(0, at) + piece + row.slice(at) : row.slice(0, at) + piece + row.slice(at + 1);
      const accepted = jsonParseAccepts(mutated);
      const v = verdict(mutated);
      if (accepted) {
        valid++;
        expect([mutated, v]).toEqual([mutated, 'valid']);
      } else {
        invalid++;
        expect([mutated, v === 'valid']).toEqual([mutated, false]);
      }
    }
    expect(valid).toBeGreaterThan(100);
    expect(invalid).toBeGreaterThan(1000);
  });

  it('calls every strict prefix of a valid row incomplete, never invalid', () => {
    const rnd = prng(7);
    for (let k = 0; k < 200; k++) {
      const row = objectText(rnd, STYLES[k % STYLES.length]!, 0, 6);
      const buf = Buffer.from(row, 'utf8');
      for (let cut = 1; cut < buf.length; cut++) {
        expect([row, cut, endOfObject(buf, 0, cut, new Uint8Array(512))]).toEqual([row, cut, -1]);
      }
    }
  });

  it.each([
    ['{"a": 1}', 'valid'],
    ['{"a": -0.5e+10, "b": 0, "c": 1E-3, "d": -0}', 'valid'],
    ['{"a": "\\u00e9\\n\\/\\"", "b": [true, false, null, {}, []]}', 'valid'],
    ['{"a": 01}', 'invalid'],
    ['{"a": 1.}', 'invalid'],
    ['{"a": .5}', 'invalid'],
    ['{"a": +1}', 'invalid'],
    ['{"a": 1e}', 'invalid'],
    ['{"a": -}', 'invalid'],
    ['{"a": NaN}', 'invalid'],
    ['{"a": "\\x"}', 'invalid'],
    ['{"a": "\\u12g4"}', 'invalid'],
    ['{"a": "tab\there"}', 'invalid'],
    ['{"a" 1}', 'invalid'],
    ['{a: 1}', 'invalid'],
    ['{"a": 1,}', 'invalid'],
    ['{"a": [1,]}', 'invalid'],
    ['{"a": [1 2]}', 'invalid'],
    ['{"a": tru}', 'invalid'],
    ['{"a": nulll}', 'invalid'],
    ['{"a": 1]', 'invalid'],
    ['{"a": 1', 'incomplete'],
    ['{"a": "x', 'incomplete'],
    ['{"a": [1, {"b": ', 'incomplete'],
  ])('%j is %s', (text, expected) => {
    expect(verdict(text)).toBe(expected);
    if (expected !== 'incomplete') expect(jsonParseAccepts(text)).toBe(expected === 'valid');
  });

  it('refuses nesting beyond 512 levels instead of overflowing', () => {
    const deep = '{"a": ' + '['.repeat(600) + ']'.repeat(600) + '}';
    expect(verdict(deep)).toBe('invalid');
    const fine = '{"a": ' + '['.repeat(500) + ']'.repeat(500) + '}';
    expect(verdict(fine)).toBe('valid');
  });
});

describe('JsonRowSplitter', () => {
  it('hands out every row of the real fixture byte for byte, however it is chunked', () => {
    const text = readFixtureText('data_pad.json');
    const buf = Buffer.from(text, 'utf8');
    const expected = JSON.parse(text) as JsonRow[];
    const rnd = prng(5);
    for (const chunks of [[buf], splitEvery(buf, 1), splitEvery(buf, 777), randomChunks(buf, rnd)]) {
      for (const batchBytes of [0, 4096]) {
        const o = run(chunks, batchBytes);
        expect(o.error).toBeUndefined();
        expect(o.rows).toEqual(expected);
        // The batches' bytes joined are a JSON array of exactly the rows sent.
        const rejoined = '[' + o.batches.map((b) => b.bytes.toString('utf8')).join(', ') + ']';
        expect(JSON.parse(rejoined)).toEqual(expected);
        expect(o.splitter.rowsEmitted).toBe(expected.length);
      }
    }
  });

  it('matches JSON.parse on random documents under random chunkings (seeded fuzz)', () => {
    const rnd = prng(11);
    for (let k = 0; k < 400; k++) {
      const doc = randomDoc(rnd);
      const buf = Buffer.from(doc.text, 'utf8');
      const expected = JSON.parse(doc.text) as JsonRow[];
      const o = run(randomChunks(buf, rnd), k % 3 === 0 ? 64 : 0);
      expect(o.error).toBeUndefined();
      if (!deepSame(o.rows, expected)) expect(o.rows).toEqual(expected);
      expect(o.rowTexts).toEqual(doc.rowTexts);
      // startOffset points at each batch's first row in the stream.
      for (const b of o.batches) expect(buf.subarray(b.startOffset, b.startOffset + b.bytes.length).equals(b.bytes)).toBe(true);
    }
  });

  it('on truncation at every offset hands out exactly the complete rows, then TruncatedStreamError', () => {
    const rowTexts = ['{"timestamp": 1, "a": 0.0, "v": "O"}', '{"s": "\\"}, {\\"", "t": "é😀", "n": [1, {"m": -2.5e-3}]}', '{}', '{"k": "[{]}"}'];
    const text = ' [' + rowTexts.join(', ') + ']\n';
    const buf = Buffer.from(text, 'utf8');
    const ends = rowEnds({ text, rowTexts });
    const closeAt = buf.lastIndexOf(']') + 1;
    for (let cut = 0; cut <= buf.length; cut++) {
      const prefix = buf.subarray(0, cut);
      for (const chunks of [[prefix], splitAt(prefix, [Math.floor(cut / 2)])]) {
        const o = run(chunks);
        const complete = ends.filter((e) => e <= cut).length;
        expect(o.rowTexts).toEqual(rowTexts.slice(0, complete));
        if (cut >= closeAt) {
          expect(o.error).toBeUndefined();
        } else {
          expect(o.error).toBeInstanceOf(TruncatedStreamError);
          const e = o.error as TruncatedStreamError;
          expect([e.rowsEmitted, e.lastRowEndOffset, e.bytesConsumed]).toEqual([complete, complete ? ends[complete - 1] : 0, cut]);
        }
      }
    }
  });

  // text, rows handed out before the error, the error's byte offset (where the validator stopped).
  const malformed: Array<[string, number, number]> = [
    ['[1, 2]', 0, 1],
    ['[null]', 0, 1],
    ['[[{"a": 1}]]', 0, 1],
    ['[{"a": 1}, "x"]', 1, 11],
    ['x[]', 0, 0],
    ['[] x', 0, 3],
    ['[]]', 0, 2],
    ['[{"a": }]', 0, 7],
    ['[{"a": 1 "b": 2}]', 0, 9],
    ['[{"a": 1}, {"b": 2 3}, {"c": 3}]', 1, 19],
    ['[{"a": 1},]', 1, 10],
    ['[,{"a": 1}]', 0, 1],
    ['[{"a": 1} {"b": 2}]', 1, 10],
    ['[{"a": "\u0001"}]', 0, 8],
    ['[{"a": 1]', 0, 8],
    ['[{"a": 01}]', 0, 8],
    ['[{"a": 1}, {"b": NaN}]', 1, 17],
    ['\ufeff[{"a": 1}, {"b": tru}]', 1, 23],
  ];

  it.each(malformed)('%j → MalformedJsonError after %d row(s), at byte %d, however chunked', (text, rowsBefore, offset) => {
    const buf = Buffer.from(text, 'utf8');
    const chunkings: Buffer[][] = [[buf], splitEvery(buf, 1)];
    for (let cut = 0; cut <= buf.length; cut++) chunkings.push(splitAt(buf, [cut]));
    for (const chunks of chunkings) {
      const o = run(chunks);
      expect(o.error).toBeInstanceOf(MalformedJsonError);
      const e = o.error as MalformedJsonError;
      expect([o.rows.length, e.offset]).toEqual([rowsBefore, offset]);
      expect(e.message).toContain(`at byte ${offset}:`);
      expect(e.excerpt.length).toBeLessThanOrEqual(80);
    }
  });

  it("quotes V8's reason for a bad row, and keeps failing after the first error", () => {
    const s = new JsonRowSplitter();
    const b = s.push(Buffer.from('[{"a": 1}, {"b": "\\q"}]'));
    expect(b?.count).toBe(1);
    expect(() => s.end()).toThrow(/Bad escaped character/);
    expect(() => s.push(Buffer.from(' '))).toThrow(MalformedJsonError);
  });

  it('handles a multi-megabyte row arriving in small chunks, and small rows after it', () => {
    const big = '{"big": "' + 'q'.repeat(4 << 20) + '", "n": [' + Array.from({ length: 5000 }, (_, k) => k).join(', ') + ']}';
    const text = '[{"a": 1}, ' + big + ', {"b": 2}]';
    const o = run(splitEvery(Buffer.from(text), 4096));
    expect(o.error).toBeUndefined();
    expect(o.rowTexts).toEqual(['{"a": 1}', big, '{"b": 2}']);
  });

  it('holds rows back until batchBytes are pending, and hands the rest out at the end', () => {
    const rows = Array.from({ length: 100 }, (_, k) => `{"timestamp": ${k}, "v": ${k / 7}}`);
    const buf = Buffer.from('[' + rows.join(', ') + ']');
    const o = run(splitEvery(buf, 100), 1000);
    expect(o.error).toBeUndefined();
    expect(o.rowTexts).toEqual(rows);
    // All batches but the last are at least 1000 bytes of rows (minus the partial row left pending).
    for (const b of o.batches.slice(0, -1)) expect(b.bytes.length).toBeGreaterThan(900);
    expect(o.batches.length).toBeLessThan(10);
  });
  it('hands batches out without copying, yet later pushes never touch a batch already handed out', () => {
    const rows = Array.from({ length: 2000 }, (_, k) => `{"timestamp": ${k}, "s": "${'x'.repeat(k % 50)}"}`);
    const buf = Buffer.from('[' + rows.join(',\n') + ']');
    const splitter = new JsonRowSplitter({ batchBytes: 3000 });
    const held: RawRowBatch[] = [];
    for (const chunk of splitEvery(buf, 1234)) {
      const b = splitter.push(chunk);
      if (b) held.push(b);
    }
    const last = splitter.end();
    if (last) held.push(last);
    expect(held.length).toBeGreaterThan(10);
    const texts = held.flatMap((b) => Array.from({ length: b.count }, (_, k) => b.bytes.toString('utf8', b.spans[2 * k], b.spans[2 * k + 1])));
    expect(texts).toEqual(rows);
  });
});

describe('rawTimestampAt', () => {
  it('reads the timestamp exactly as JSON.parse does, in place or by parsing the row', () => {
    const rows = [
      '{"timestamp": 1757980800, "a": 1}',
      '{"timestamp": 0}',
      '{"timestamp": 7 , "a": 1}',
      '{"timestamp": 123456789012345, "a": 1}',
      '{"timestamp": 1234567890123456789, "a": 1}', // beyond 15 digits: parsed
      '{"timestamp": -5, "a": 1}',
      '{"timestamp": 1.5e3, "a": 1}',
      '{"timestamp": 17.25}',
      '{"timestamp": "2025-01-01"}',
      '{ "timestamp": 42}',
      '{"timestamp":42}',
      '{"a": 1, "timestamp": 99}',
      '{"a": 1}',
    ];
    const batch = run([Buffer.from('[' + rows.join(',\n') + ']')]).batches[0]!;
    expect(batch.count).toBe(rows.length);
    rows.forEach((text, i) => expect(rawTimestampAt(batch, i)).toBe(Number((JSON.parse(text) as { timestamp?: unknown }).timestamp)));
  });
});

describe('rawSiteIdAt', () => {
  const siteIdOf = (text: string): unknown => (JSON.parse(text) as { site_id?: unknown }).site_id;

  it('reads site_id exactly as JSON.parse does, in place or by parsing the row', () => {
    const rows = [
      '{"timestamp": 1, "site_id": 1111}',
      '{"timestamp": 1, "a": 0.5, "site_id": 1112, "upper_master_valve": "C", "swab_valve": "O"}',
      '{"site_id": 7, "timestamp": 1}',
      '{"timestamp": 1,"site_id":1113}',
      '{"timestamp": 1, "site_id" :\t 0 }',
      '{"timestamp": 1, "site_id": 123456789012345}',
      '{"timestamp": 1, "site_id": 1234567890123456789}', // beyond 15 digits: parsed
      '{"timestamp": 1, "site_id": -3}',
      '{"timestamp": 1, "site_id": 1111.0}',
      '{"timestamp": 1, "site_id": 1.1e3}',
      '{"timestamp": 1, "site_id": "1111"}',
      '{"timestamp": 1, "site_id": null}',
      '{"timestamp": 1, "site_id": [1]}',
      '{"timestamp": 1, "site_id": 1, "site_id": 2}', // JSON.parse keeps the last
      '{"timestamp": 1, "site_id": 1, "a": {"site_id": 2}}', // nested: not the row's
      '{"timestamp": 1, "a": {"site_id": 2}}',
      '{"timestamp": 1, "a": [{"site_id": 2}], "b": 1}',
      '{"timestamp": 1, "a": "site_id", "b": "x"}', // a value, not a key
      '{"timestamp": 1, "a": "\\"site_id\\": 9", "site_id": 3}',
      '{"timestamp": 1, "site_id": 3, "a": "\\"site_id\\": 9"}',
      '{"timestamp": 1, "a": "x\\\\", "site_id": 4}',
      '{"timestamp": 1, "site\\u005fid": 5}', // an escaped key is the same key
      '{"timestamp": 1, "\\u0073ite_id": 6, "z": 1}',
      '{"timestamp": 1, "site_idx": 6}',
      '{"timestamp": 1, "xsite_id": 6}',
      '{"timestamp": 1, "a": "}", "site_id": 8}',
      '{"timestamp": 1}',
      '{}',
    ];
    const batch = run([Buffer.from('[' + rows.join(',\n') + ']')]).batches[0]!;
    expect(batch.count).toBe(rows.length);
    rows.forEach((text, i) => expect([text, rawSiteIdAt(batch, i)]).toEqual([text, siteIdOf(text)]));
  });

  it('agrees with JSON.parse on random rows, with and without site_id keys', () => {
    const rnd = prng(4242);
    for (let round = 0; round < 200; round++) {
      const style = STYLES[round % STYLES.length]!;
      const rows: string[] = [];
      for (let k = 0; k < 20; k++) {
        let text = objectText(rnd, style, 0, 6);
        const roll = rnd();
        if (roll < 0.6 && text !== '{}') {
          // A site_id member at a random place among the others.
          const value = roll < 0.4 ? String(Math.floor(rnd() * 5000)) : ['null', '"12"', '-1', '3.0', '{"site_id": 9}'][Math.floor(rnd() * 5)]!;
          const member = '"site_id"' + style.colon + value;
          const at = rnd() < 0.5 ? 1 : text.length - 1;
          text = at === 1 ? '{' + member + style.item + text.slice(1) : text.slice(0, -1) + style.item + member + '}';
        }
        rows.push(text);
      }
      const batches = run([Buffer.from('[' + rows.join(style.row) + ']')]).batches;
      const got = batches.flatMap((b) => Array.from({ length: b.count }, (_, i) => rawSiteIdAt(b, i)));
      expect(got).toEqual(rows.map(siteIdOf));
      for (const b of batches) {
        if (!rawMayHaveSiteIds(b)) for (let i = 0; i < b.count; i++) expect(rawSiteIdAt(b, i)).toBeUndefined();
      }
    }
  });

  it('rawMayHaveSiteIds: false only when no row can have the key', () => {
    const batchOf = (rows: string[]) => run([Buffer.from('[' + rows.join(', ') + ']')]).batches[0]!;
    expect(rawMayHaveSiteIds(batchOf(['{"timestamp": 1, "a": 2}', '{"timestamp": 2}']))).toBe(false);
    expect(rawMayHaveSiteIds(batchOf(['{"timestamp": 1}', '{"timestamp": 2, "site_id": 3}']))).toBe(true);
    expect(rawMayHaveSiteIds(batchOf(['{"timestamp": 1, "site\\u005fid": 3}']))).toBe(true);
  });
});

describe('raw batch helpers', () => {
  const rows = ['{"timestamp": 1, "a": 1.5}', '{"timestamp": 2,\n "a": null}', '{"timestamp": 3, "s": "x\\ny"}'];
  const batch = run([Buffer.from('[' + rows.join(',\r\n') + ']')]).batches[0]!;

  it('rawRowAt parses one row; selectRawRows keeps some, as valid array content', () => {
    expect(rawRowAt(batch, 1)).toEqual({ timestamp: 2, a: null });
    const some = selectRawRows(batch, [0, 2]);
    expect(some.count).toBe(2);
    expect(JSON.parse('[' + some.bytes.toString() + ']')).toEqual([JSON.parse(rows[0]!), JSON.parse(rows[2]!)]);
    expect(rawRowAt(some, 1)).toEqual({ timestamp: 3, s: 'x\ny' });
  });

  it('rawNdjsonLines writes one row per line, turning line breaks between tokens into spaces', () => {
    const lines = rawNdjsonLines(batch).toString().split('\n');
    expect(lines).toEqual(['{"timestamp": 1, "a": 1.5}', '{"timestamp": 2,  "a": null}', '{"timestamp": 3, "s": "x\\ny"}', '']);
    expect(lines.slice(0, 3).map((l) => JSON.parse(l))).toEqual(rows.map((r) => JSON.parse(r)));
  });
});
