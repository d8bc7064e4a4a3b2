/**
 * `restream pads|sites|states list|get`: the collections, as tables (or the API's JSON with `--json`).
 */
import { Option, type Command } from 'commander';
import type { WirePad, WireSite, WireState } from '../../models/types';
import { parseId, positiveInt, stageNameFilter, type StageFlags } from '../args';
import { cliIo, globalsOf, makeClient } from '../context';
import { field, renderJson, renderRecord, renderTable, type Column } from '../output';

/** Unix seconds as ISO, for the data range of a site. */
function unixIso(seconds: unknown): string | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : undefined;
}

const PAD_COLUMNS: Array<Column<WirePad>> = [
  field('id'),
  field('name'),
  field('lease_name'),
  field('customer_name'),
  field('completion_date'),
  field('wireline_enabled', 'wireline'),
];

const SITE_COLUMNS: Array<Column<WireSite>> = [
  field('id'),
  field('name'),
  field('pad_id'),
  field('well_api'),
  field('fleet_name'),
  field('stage_total', 'stages'),
  field('timezone'),
  { header: 'data_from', value: (s) => unixIso(s.metadata?.first_timestamp) },
  { header: 'data_to', value: (s) => unixIso(s.metadata?.last_timestamp) },
];

const STATE_COLUMNS: Array<Column<WireState>> = [
  field('id'),
  { header: 'site', value: (s) => (s.site as { id?: number } | undefined)?.id },
  field('site_name'),
  field('current_state'),
  field('actual_stage_number', 'stage'),
  field('completed_stage_number', 'completed'),
  field('last_state_update'),
];

async function printList<T>(command: Command, records: T[], columns: Array<Column<T>>): Promise<void> {
  const { stdout } = cliIo();
  await stdout.write(globalsOf(command).json ? renderJson(records) : renderTable(records, columns));
}

async function printOne(command: Command, record: object): Promise<void> {
  const { stdout } = cliIo();
  await stdout.write(globalsOf(command).json ? renderJson(record) : renderRecord(record as Record<string, unknown>));
}

function completeOptions(command: Command): Command {
  return command.option('--complete', 'only completed ones').option('--no-complete', 'only ones not completed');
}

export function registerResources(program: Command): void {
  const pads = program.command('pads').description('pads: list, get');
  completeOptions(
    pads
      .command('list')
      .description('list the pads the credentials can see')
      .option('--fleet-name <name>', 'only pads of this fleet')
      .addOption(new Option('--fleet-id <id>', 'only pads of this fleet').argParser(positiveInt))
      .addOption(new Option('--site <id>', 'only the pad of this site').argParser(positiveInt))
      .option('--well-api <api>', 'only the pad of the well with this API number'),
  ).action(async (opts: { fleetName?: string; fleetId?: number; site?: number; wellApi?: string; complete?: boolean }, command: Command) => {
    const rs = makeClient(globalsOf(command));
    const list = await rs.pads.list({
      asDict: true,
      ...(opts.fleetName !== undefined ? { fleet_name: opts.fleetName } : {}),
      ...(opts.fleetId !== undefined ? { fleet_id: opts.fleetId } : {}),
      ...(opts.site !== undefined ? { site_pk: opts.site } : {}),
      ...(opts.wellApi !== undefined ? { well_api: opts.wellApi } : {}),
      ...(opts.complete !== undefined ? { complete: opts.complete } : {}),
    });
    await printList(command, list, PAD_COLUMNS);
  });
  pads
    .command('get')
    .description('show one pad')
    .argument('<id>', 'pad id')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const rs = makeClient(globalsOf(command));
      await printOne(command, await rs.pads.get(parseId(id, 'pad id'), { asDict: true }));
    });

  const sites = program.command('sites').description('sites: list, get');
  completeOptions(
    sites
      .command('list')
      .description('list the sites (wells) the credentials can see')
      .addOption(new Option('--pad <id>', 'only sites of this pad').argParser(positiveInt))
      .option('--fleet-name <name>', 'only sites of this fleet')
      .addOption(new Option('--fleet-id <id>', 'only sites of this fleet').argParser(positiveInt)),
  ).action(async (opts: { pad?: number; fleetName?: string; fleetId?: number; complete?: boolean }, command: Command) => {
    const rs = makeClient(globalsOf(command));
    const list = await rs.sites.list({
      asDict: true,
      ...(opts.pad !== undefined ? { pad__id: opts.pad } : {}),
      ...(opts.fleetName !== undefined ? { fleet_name: opts.fleetName } : {}),
      ...(opts.fleetId !== undefined ? { fleet_id: opts.fleetId } : {}),
      ...(opts.complete !== undefined ? { complete: opts.complete } : {}),
    });
    await printList(command, list, SITE_COLUMNS);
  });
  sites
    .command('get')
    .description('show one site')
    .argument('<id>', 'site id')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const rs = makeClient(globalsOf(command));
      await printOne(command, await rs.sites.get(parseId(id, 'site id'), { asDict: true }));
    });

  const states = program.command('states').description('site states: list, get');
  states
    .command('list')
    .description("list the sites' current states")
    .addOption(new Option('--pad <id>', 'only the sites of this pad').argParser(positiveInt))
    .addOption(new Option('--site <id>', 'only this site').argParser(positiveInt))
    .option('--frac', 'only sites in a frac stage')
    .option('--wl', 'only sites in a wireline stage')
    .option('--standby', 'only sites on standby')
    .action(async (opts: StageFlags & { pad?: number; site?: number }, command: Command) => {
      const stage = stageNameFilter(opts);
      const rs = makeClient(globalsOf(command));
      const list = await rs.states.list({
        asDict: true,
        ...(opts.pad !== undefined ? { pad__id: opts.pad } : {}),
        ...(opts.site !== undefined ? { site__id: opts.site } : {}),
        ...(stage !== undefined ? { current_state_search: stage } : {}),
      });
      await printList(command, list, STATE_COLUMNS);
    });
  states
    .command('get')
    .description('show one state')
    .argument('<id>', 'state id')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const rs = makeClient(globalsOf(command));
      await printOne(command, await rs.states.get(parseId(id, 'state id'), { asDict: true }));
    });
}
