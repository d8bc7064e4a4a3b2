/**
 * Argument helpers shared by the commands: value parsers for commander, the `<site|pad> <id>` target,
 * the stage-kind flags, and the data-filter flags turned into the SDK's `DataFilters`. Value checks that
 * the SDK already makes (times with an offset, combinations of filters) are left to it: its
 * `ValidationError`s become usage errors that name the CLI's flags.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { DataFilters } from '../data/filters';
import { Aggregation, FillDataMethod, Resolution, type StageNameFilter } from '../models/enums';
import { UsageError } from './errors';

export type Kind = 'site' | 'pad';

/** A commander parser for a positive integer option or argument. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a positive integer.');
  }
  return Number(value);
}

/** A commander parser for a TCP port (0: any free port). */
export function portNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number, 0-65535.');
  return Number(value);
}

/** A commander parser for a comma-separated list of ids (`--sites 1111,1112`). */
export function idList(value: string): number[] {
  const ids = value.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((id) => !/^\d+$/.test(id) || Number(id) <= 0)) throw new InvalidArgumentError('must be comma-separated ids, e.g. 1111,1112.');
  return ids.map(Number);
}

/** A commander parser for a comma-separated list of names. */
export function nameList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.length === 0 || names.some((n) => n === '')) throw new InvalidArgumentError('must be comma-separated names, e.g. a,b,c.');
  return names;
}

/** An id given as a positional argument. */
export function parseId(value: string, what = '<id>'): number {
  try {
    return positiveInt(value);
  } catch {
    throw new UsageError(`${what}: must be a positive integer, got '${value}'`);
  }
}

const KINDS: Record<string, Kind> = { site: 'site', sites: 'site', pad: 'pad', pads: 'pad' };

/**
 * The asset a command works on: `site 1112` / `pad 697` as arguments, or `--site 1112` / `--pad 697`.
 */
export function resolveTarget(kindArg: string | undefined, idArg: string | undefined, flags: { site?: number; pad?: number }): { kind: Kind; id: number } {
  const byFlag: Array<{ kind: Kind; id: number }> = [];
  if (flags.site !== undefined) byFlag.push({ kind: 'site', id: flags.site });
  if (flags.pad !== undefined) byFlag.push({ kind: 'pad', id: flags.pad });
  if (kindArg === undefined) {
    if (byFlag.length === 1) return byFlag[0]!;
    if (byFlag.length > 1) throw new UsageError('give one target: --site <id> or --pad <id>, not both');
    throw new UsageError('which asset? give site <id> or pad <id>');
  }
  if (byFlag.length > 0) throw new UsageError('give the target once: site <id> / pad <id>, or --site / --pad');
  const kind = KINDS[kindArg.toLowerCase()];
  if (!kind) {
    if (/^\d+$/.test(kindArg)) throw new UsageError(`say whether ${kindArg} is a site or a pad: site ${kindArg} or pad ${kindArg}`);
    throw new UsageError(`expected 'site' or 'pad', got '${kindArg}'`);
  }
  if (idArg === undefined) throw new UsageError(`missing the ${kind} id: ${kind} <id>`);
  return { kind, id: parseId(idArg, `${kind} id`) };
}

/** Adds `[kind] [id]` arguments and `--site`/`--pad` options to a command. */
export function withTarget(command: Command): Command {
  return command
    .argument('[kind]', "'site' or 'pad'")
    .argument('[id]', 'the site or pad id')
    .addOption(new Option('--site <id>', 'the site (instead of: site <id>)').argParser(positiveInt))
    .addOption(new Option('--pad <id>', 'the pad (instead of: pad <id>)').argParser(positiveInt));
}

/** Flags that pick a kind of stage. */
export interface StageFlags {
  frac?: boolean;
  wl?: boolean;
  standby?: boolean;
  stage?: number;
}

export function withStageFlags(command: Command, what = 'stages'): Command {
  return command
    .option('--frac', `only frac ${what}`)
    .option('--wl', `only wireline ${what}`)
    .option('--standby', `only standby ${what}`)
    .addOption(new Option('--stage <n>', 'only this stage number (with --frac, --wl or --standby)').argParser(positiveInt));
}

/** The stage-name filter the flags pick, if any. */
export function stageNameFilter(flags: StageFlags): StageNameFilter | undefined {
  const picked = (['frac', 'wl', 'standby'] as const).filter((k) => flags[k] === true);
  if (picked.length > 1) throw new UsageError(`--${picked.join(', --')}: pick one kind of stage`);
  return picked[0];
}

/** The data-filter flags as the command parsed them. */
export interface DataFlags extends StageFlags {
  start?: string;
  end?: string;
  fields?: string[];
  resolution?: DataFilters['resolution'];
  agg?: DataFilters['aggregation'];
  siUnits?: boolean;
  sources?: string[];
  routed?: boolean;
  fill?: DataFilters['fillDataMethod'];
  fillLimit?: number;
  insideAreaOnly?: boolean;
}

export interface DataFlagSet {
  /** `--start`/`--end` (not for data changes: their ranges come from the changes). */
  time: boolean;
  /** `--routed` (pads). */
  routed: boolean;
  /** `--resolution`, `--agg` and the gap filling (not for realtime: live rows are raw). */
  shaping: boolean;
}

/** Adds the data-filter flags to a command. */
export function withDataFlags(command: Command, set: DataFlagSet = { time: true, routed: true, shaping: true }): Command {
  if (set.time) {
    command
      .option('--start <time>', "first second, ISO 8601 with an offset: '2025-10-01T00:00:00Z' or '...-05:00'")
      .option('--end <time>', 'last second (inclusive), ISO 8601 with an offset');
  }
  command.addOption(new Option('--fields <names>', 'comma-separated field names (default: the fields exposed to customers)').argParser(nameList));
  if (set.shaping) {
    command
      .addOption(new Option('--resolution <r>', 'row spacing').choices(Object.values(Resolution)))
      .addOption(new Option('--agg <a>', 'aggregation at a coarser resolution').choices(Object.values(Aggregation)));
  }
  command.option('--si-units', 'SI units (default: imperial)');
  withStageFlags(command, 'rows');
  command.addOption(new Option('--sources <names>', 'comma-separated measurement sources, e.g. M1,M2').argParser(nameList));
  if (set.routed) command.option('--routed', 'pads: one row per site and second, with site_id');
  if (set.shaping) {
    command
      .addOption(new Option('--fill <method>', 'fill gaps (raw resolution only, with --fill-limit)').choices(Object.values(FillDataMethod)))
      .addOption(new Option('--fill-limit <seconds>', 'longest gap to fill, required with --fill').argParser(positiveInt))
      .option('--inside-area-only', 'fill only inside the data (with --fill)');
  }
  return command;
}

/** The SDK's `DataFilters` from the flags; the SDK checks values and combinations. */
export function dataFilters(flags: DataFlags): DataFilters {
  const f: DataFilters = {};
  if (flags.start !== undefined) f.startDatetime = flags.start;
  if (flags.end !== undefined) f.endDatetime = flags.end;
  if (flags.fields !== undefined) f.fields = flags.fields;
  if (flags.resolution !== undefined) f.resolution = flags.resolution;
  if (flags.agg !== undefined) f.aggregation = flags.agg;
  if (flags.siUnits) f.siUnits = true;
  const stage = stageNameFilter(flags);
  if (stage !== undefined) f.stageNameFilter = stage;
  if (flags.stage !== undefined) f.stageNumber = flags.stage;
  if (flags.sources !== undefined) f.measurementSources = flags.sources;
  if (flags.routed) f.isRouted = true;
  if (flags.fill !== undefined) f.fillDataMethod = flags.fill;
  if (flags.fillLimit !== undefined) f.fillDataLimit = flags.fillLimit;
  if (flags.insideAreaOnly) f.insideAreaOnly = true;
  return f;
}
