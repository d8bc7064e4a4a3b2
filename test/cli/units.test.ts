/**
 * The CLI's building blocks in-process: argument helpers, error mapping, tables, the progress line, the
 * session file. The commands themselves are tested as child processes in cli.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CommanderError } from 'commander';
import { dataFilters, resolveTarget, stageNameFilter } from '../../src/cli/args';
import { exitCodeOf, messageOf, reportError, UsageError } from '../../src/cli/errors';
import { cellText, renderRecord, renderTable } from '../../src/cli/output';
import { createProgress } from '../../src/cli/progress';
import { SessionFileStore } from '../../src/cli/session-file';
import { expectedRows } from '../../src/cli/commands/data';
import { NotFoundError, RestreamError, ValidationError } from '../../src';

describe('arguments', () => {
  it('a target from "site <id>", "pad <id>" or --site/--pad', () => {
    expect(resolveTarget('site', '1112', {})).toEqual({ kind: 'site', id: 1112 });
    expect(resolveTarget('pads', '697', {})).toEqual({ kind: 'pad', id: 697 });
    expect(resolveTarget(undefined, undefined, { pad: 697 })).toEqual({ kind: 'pad', id: 697 });
    expect(() => resolveTarget(undefined, undefined, {})).toThrow(UsageError);
    expect(() => resolveTarget(undefined, undefined, { site: 1, pad: 2 })).toThrow(/not both/);
    expect(() => resolveTarget('site', '1112', { pad: 2 })).toThrow(/once/);
    expect(() => resolveTarget('1112', undefined, {})).toThrow(/site 1112 or pad 1112/);
    expect(() => resolveTarget('site', undefined, {})).toThrow(/missing the site id/);
    expect(() => resolveTarget('site', '0', {})).toThrow(/positive integer/);
  });

  it('stage flags and data flags become the SDK filters', () => {
    expect(stageNameFilter({ wl: true })).toBe('wl');
    expect(stageNameFilter({})).toBeUndefined();
    expect(() => stageNameFilter({ frac: true, standby: true })).toThrow(/pick one/);
    expect(
      dataFilters({
        start: 'a',
        end: 'b',
        fields: ['x', 'y'],
        resolution: 'minute',
        agg: 'max',
        siUnits: true,
        frac: true,
        stage: 3,
        sources: ['M1'],
        routed: true,
        fill: 'ffill',
        fillLimit: 5,
        insideAreaOnly: true,
      }),
    ).toEqual({
      startDatetime: 'a',
      endDatetime: 'b',
      fields: ['x', 'y'],
      resolution: 'minute',
      aggregation: 'max',
      siUnits: true,
      stageNameFilter: 'frac',
      stageNumber: 3,
      measurementSources: ['M1'],
      isRouted: true,
      fillDataMethod: 'ffill',
      fillDataLimit: 5,
      insideAreaOnly: true,
    });
    expect(dataFilters({})).toEqual({});
  });

  it('expected rows of a window, for the progress bar', () => {
    expect(expectedRows({ startDatetime: '2025-10-01T00:00:00Z', endDatetime: '2025-10-01T00:59:59Z' })).toBe(3600);
    expect(expectedRows({ startDatetime: '2025-10-01T00:00:00Z', endDatetime: '2025-10-01T00:59:59Z', resolution: 'minute' })).toBe(60);
    expect(expectedRows({ startDatetime: '2025-10-01T00:00:00Z' })).toBeUndefined();
  });
});

describe('errors and exit codes', () => {
  it('usage errors exit 2, API and I/O errors 1', () => {
    expect(exitCodeOf(new ValidationError('fields', 'bad'))).toBe(2);
    expect(exitCodeOf(new UsageError('bad'))).toBe(2);
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe(2);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0);
    expect(exitCodeOf(new NotFoundError('gone', { status: 404 }))).toBe(1);
    expect(exitCodeOf(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(1);
  });

  it('ValidationError messages name the CLI flags', () => {
    expect(messageOf(new ValidationError('startDatetime', 'must have an offset'))).toBe('--start: must have an offset');
    expect(messageOf(new ValidationError('stageNumber', 'on a pad needs isRouted: true'))).toBe('--stage: on a pad needs --routed');
    expect(messageOf(new ValidationError('path', 'x exists; pass { overwrite: true } to replace it'))).toBe('path: x exists; pass --overwrite to replace it');
    expect(messageOf(new ValidationError('aggregation', "applies only to a coarser resolution than 'raw' (e.g. resolution: 'minute')"))).toBe(
      "--agg: applies only to a coarser resolution than 'raw' (e.g. --resolution minute)",
    );
    expect(messageOf(Object.assign(new Error('open failed'), { code: 'EACCES' }))).toBe('EACCES: open failed');
  });

  it('one line, the stack and causes only when verbose', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const error = new RestreamError('GET /x failed\nwith HTTP 500', { cause: new Error('socket hang up') });
    expect(reportError(error, { verbose: false, stderr: out })).toBe(1);
    expect(text).toBe('restream: GET /x failed with HTTP 500\n');
    text = '';
    reportError(error, { verbose: true, stderr: out });
    expect(text).toMatch(/^restream: GET \/x failed with HTTP 500\nRestreamError: GET \/x failed/);
    expect(text).toMatch(/caused by: Error: socket hang up/);
    text = '';
    expect(reportError(new UsageError('which asset?'), { verbose: false, stderr: out, command: 'data' })).toBe(2);
    expect(text).toBe("restream: which asset? (see 'restream data --help')\n");
  });
});

describe('tables', () => {
  it('aligned columns with a header rule, no borders, no trailing spaces', () => {
    const text = renderTable(
      [
        { id: 1, name: 'a', when: new Date('2025-01-01T00:00:00Z'), extra: null },
        { id: 1234, name: 'long name', when: new Date('2025-01-01T00:00:00.250Z'), extra: { a: 1 } },
      ],
      [
        { header: 'id', value: (r) => r.id },
        { header: 'name', value: (r) => r.name },
        { header: 'when', value: (r) => r.when },
        { header: 'extra', value: (r) => r.extra },
      ],
    );
    expect(text.split('\n')).toEqual([
      'id    name       when                      extra',
      '--    ----       ----                      -----',
      '1     a          2025-01-01T00:00:00Z',
      '1234  long name  2025-01-01T00:00:00.250Z  {"a":1}',
      '',
    ]);
    expect(renderRecord({ id: 7, name: 'x' })).toBe('id    7\nname  x\n');
  });

  it('cells: long text cut, whitespace folded', () => {
    expect(cellText('a\nb')).toBe('a b');
    expect(cellText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(cellText(undefined)).toBe('');
  });
});

describe('progress', () => {
  function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    Object.assign(stream, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    return { stream, text: () => text };
  }

  it('draws rows, rows/s and elapsed time on a terminal', () => {
    let now = 1_000_000;
    const { stream, text } = fakeStream(true);
    const progress = createProgress({ stream, total: 3600, label: 'out.csv', now: () => now });
    now += 2000;
    progress.update(1800);
    progress.stop();
    expect(text()).toMatch(/out\.csv \[=+\s*\] 100% \| 1,800\/1,800 rows \| 900 rows\/s \| \d+s/);
  });

  it('without a known total: rows and rate only', () => {
    let now = 0;
    const { stream, text } = fakeStream(true);
    const progress = createProgress({ stream, now: () => now });
    now = 500;
    progress.update(5000);
    progress.stop(false);
    expect(text()).toMatch(/5,000 rows \| 10,000 rows\/s/);
    expect(text()).not.toMatch(/%/);
  });

  it('is silent when the stream is not a terminal', () => {
    const { stream, text } = fakeStream(false);
    const progress = createProgress({ stream, total: 10 });
    progress.update(5);
    progress.stop();
    expect(text()).toBe('');
  });
});

describe('session file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'restream-session-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps one stream record; another stream is refused; a corrupt file is reported', async () => {
    const file = path.join(dir, 's.json');
    const store = new SessionFileStore(file);
    expect(await store.get('ws://h/ws/data/site/1/')).toBeUndefined();
    expect(await store.create('ws://h/ws/data/site/1/', { sessionKey: 'k1' })).toEqual({ sessionKey: 'k1' });
    expect(await store.create('ws://h/ws/data/site/1/', { sessionKey: 'k2' })).toMatchObject({ sessionKey: 'k1' });
    await store.set('ws://h/ws/data/site/1/', { sessionKey: 'k1', position: { timestamp: 5, sites: [null] } });
    expect(await new SessionFileStore(file).get('ws://h/ws/data/site/1/')).toMatchObject({ sessionKey: 'k1', position: { timestamp: 5, sites: [null] } });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ streamId: 'ws://h/ws/data/site/1/' });
    await expect(store.get('ws://h/ws/data/site/2/')).rejects.toThrow(UsageError);
    await store.delete('ws://h/ws/data/site/1/');
    expect(await store.get('ws://h/ws/data/site/2/')).toBeUndefined();

    writeFileSync(file, 'not json');
    await expect(store.get('x')).rejects.toThrow(/not a session record/);
  });

  it('locks the session key across holders', async () => {
    const a = new SessionFileStore(path.join(dir, 'a.json'));
    const b = new SessionFileStore(path.join(dir, 'b.json'));
    const name = `ws://127.0.0.1:1 test-${process.pid}-${Date.now()}`;
    const lock = await a.lock(name, 'key');
    await expect(b.lock(name, 'key')).rejects.toThrow(/in use/);
    await lock.release();
    const again = await b.lock(name, 'key');
    await again.release();
  });
});
