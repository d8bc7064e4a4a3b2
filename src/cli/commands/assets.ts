/**
 * `restream stages <site|pad> <id>` (stage history, with aggregations) and `restream fields <site|pad> <id>`.
 */
import { Option, type Command } from 'commander';
import type { StagesMetadataOptions } from '../../models/asset';
import type { WireField, WireStageWithAggregations } from '../../models/types';
import { nameList, resolveTarget, stageNameFilter, withStageFlags, withTarget, type Kind, type StageFlags } from '../args';
import { cliIo, globalsOf, makeClient } from '../context';
import { field, renderJson, renderTable, type Column } from '../output';
import type { Restream } from '../../client';

/** The model handle of a target. */
export function assetOf(rs: Restream, target: { kind: Kind; id: number }) {
  return target.kind === 'site' ? rs.site(target.id) : rs.pad(target.id);
}

const STAGE_COLUMNS: Array<Column<WireStageWithAggregations>> = [
  field('id'),
  field('site'),
  field('stage_number', 'stage'),
  field('state'),
  field('start'),
  field('end'),
];

const FIELD_COLUMNS: Array<Column<WireField>> = [
  field('name'),
  { header: 'label', value: (f) => (typeof f.label === 'string' ? f.label.trim() : f.label) },
  field('imperial_unit'),
  field('si_unit'),
  field('source_category', 'source'),
];

interface StagesFlags extends StageFlags {
  site?: number;
  pad?: number;
  start?: string;
  end?: string;
  aggregations?: boolean;
  metrics?: string[];
}

export function registerAssets(program: Command): void {
  withStageFlags(
    withTarget(program.command('stages'))
      .description('stage history of a site or pad (frac, wireline, standby), newest first')
      .option('--start <time>', 'stages ending at or after this time (ISO 8601 with an offset)')
      .option('--end <time>', 'stages starting at or before this time (ISO 8601 with an offset)'),
  )
    .option('--aggregations', "add each stage's metrics (in tables: pick columns with --metrics)")
    .addOption(new Option('--metrics <names>', 'metrics to show as table columns (implies --aggregations)').argParser(nameList))
    .action(async (kind: string | undefined, id: string | undefined, opts: StagesFlags, command: Command) => {
      const target = resolveTarget(kind, id, opts);
      const options: StagesMetadataOptions & { asDict: true } = { asDict: true };
      if (opts.start !== undefined) options.start = opts.start;
      if (opts.end !== undefined) options.end = opts.end;
      const stage = stageNameFilter(opts);
      if (stage !== undefined) options.stageNameFilter = stage;
      if (opts.stage !== undefined) options.stageNumber = opts.stage;
      if (opts.aggregations || opts.metrics) options.addAggregations = true;
      const globals = globalsOf(command);
      const stages = await assetOf(makeClient(globals), target).getStagesMetadata(options);
      const { stdout, stderr } = cliIo();
      if (globals.json) {
        await stdout.write(renderJson(stages));
        return;
      }
      const columns = [...STAGE_COLUMNS];
      if (options.addAggregations) {
        for (const metric of opts.metrics ?? []) columns.push({ header: metric, value: (s) => s.aggregations?.[metric] });
        if (!opts.metrics) {
          columns.push({ header: 'metrics', value: (s) => (s.aggregations ? Object.values(s.aggregations).filter((v) => v !== null).length : undefined) });
          const names = new Set<string>();
          for (const s of stages) for (const k of Object.keys(s.aggregations ?? {})) names.add(k);
          if (names.size > 0 && stderr.isTTY) stderr.write(`restream: ${names.size} metrics per stage; --metrics a,b shows them as columns, --json shows all\n`);
        }
        if (stages.some((s) => s.aggregationsError !== undefined)) columns.push(field('aggregationsError', 'aggregations_error'));
      }
      await stdout.write(renderTable(stages, columns));
    });

  withTarget(program.command('fields'))
    .description('measurement fields of a site or pad: names for --fields, labels, units')
    .action(async (kind: string | undefined, id: string | undefined, opts: { site?: number; pad?: number }, command: Command) => {
      const target = resolveTarget(kind, id, opts);
      const globals = globalsOf(command);
      const fields = await assetOf(makeClient(globals), target).getFieldsMetadata({ asDict: true });
      const { stdout } = cliIo();
      await stdout.write(globals.json ? renderJson(fields) : renderTable(fields as WireField[], FIELD_COLUMNS));
    });
}
