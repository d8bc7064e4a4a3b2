/**
 * One case of the plot benchmark, run by bench/plot.bench.ts in a fresh process: it prints one JSON line,
 * its result. Compiled to plain JavaScript before it runs, so no TypeScript loader is measured.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Restream } from '../src';
import { reportCase } from './support';

export type Kind = 'csv' | 'svg' | 'png' | 'html';

export interface CaseConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  kind: Kind;
  rows: number;
  fields: string[];
  dir: string;
}

export interface CaseResult {
  rows: number;
  bytes: number;
  seconds: number;
  maxRssMb: number;
  /** Points drawn (plots only). */
  points?: number;
}

const START = Date.UTC(2025, 0, 1) / 1000;

export async function runCase(config: CaseConfig): Promise<CaseResult> {
  const rs = new Restream({ host: config.url, clientId: config.clientId, clientSecret: config.clientSecret, env: {} });
  await rs.auth.getAccessToken();
  const data = rs.site(1112).getData({
    startDatetime: new Date(START * 1000),
    endDatetime: new Date((START + config.rows - 1) * 1000),
    fields: config.fields,
  });
  const file = path.join(config.dir, `out.${config.kind}`);
  const began = process.hrtime.bigint();
  let rows: number;
  let bytes = 0;
  let points: number | undefined;
  if (config.kind === 'csv') {
    const saved = await data.save(file, { onProgress: (p) => (bytes = p.bytes) });
    rows = saved.rows;
  } else {
    const plotted = await data.plot(file, { onProgress: (p) => (bytes = p.bytes) });
    rows = plotted.rows;
    points = plotted.series.reduce((n, s) => n + s.points, 0);
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  await rm(file, { force: true });
  return { rows, bytes, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, ...(points !== undefined ? { points } : {}) };
}

if (require.main === module) {
  reportCase(runCase(JSON.parse(process.argv[2]!) as CaseConfig));
}
