/**
 * The dashboard in a real browser: Debian's headless Chromium (driven by playwright-core, which downloads
 * no browser of its own) opens a dashboard running against the embedded mock server, and the test reads what
 * the page holds and shows. The mock drops the live link once; the page must keep receiving rows, show the
 * reconnect, and log no console error. Then the dashboard itself restarts (same port and token): the page's
 * event stream must reconnect on its own. Screenshot: test-artifacts/dashboard.png.
 *
 * Without Chromium the suite is skipped, except under CI (CI=true), where .ci/run installs it: there a
 * missing browser is a failure, not a skip.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { Restream } from '../../src/client';
import { startMockServer, type MockServer } from '../../src/mock';
import { startDashboard, type Dashboard } from '../../src/plot/dashboard';

const CHROMIUM = process.env.RESTREAM_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_BROWSER = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const SITE = 1112;
const FIELDS = ['M1_surface_treating_pressure', 'M1_slurry_rate', 'slurry_rate', 'tds'];
/** Quick reconnects, so the test does not wait on the default 0.5-30 s backoff. */
const RECONNECT = { baseDelayMs: 100, maxDelayMs: 400 };
const WAIT = { timeout: 30_000 };

/** The page's read-only view of itself (see window.restreamDashboard in page/dashboard.js). */
interface PageView {
  points: number;
  liveRows: number;
  snapshots: number;
  charts: Array<{ fields: string[]; points: number }>;
  page: { state: string; opens: number; reconnects: number };
  api: { state: string; reconnects: number; connections: number; rows: number } | null;
  stages: Array<{ kind: string; number: number; start: number; end: number | null }>;
}

/** The browser's `window`, as far as the test reads it (`globalThis` in the page). */
interface PageWindow {
  restreamDashboard: PageView;
}

const describeBrowser = HAVE_BROWSER || IN_CI ? describe : describe.skip;

describeBrowser('the dashboard in headless Chromium', () => {
  let mock: MockServer;
  let browser: Browser;
  let dashboard: Dashboard | undefined;
  let page: Page;
  const consoleErrors: string[] = [];

  const view = (): Promise<PageView> => page.evaluate(() => JSON.parse(JSON.stringify((globalThis as unknown as PageWindow).restreamDashboard)) as PageView);
  const text = (selector: string): Promise<string> => page.locator(selector).innerText();

  beforeAll(async () => {
    if (!HAVE_BROWSER) throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs Debian's 'chromium' package (set RESTREAM_CHROMIUM to use another)`);
    mock = await startMockServer({ realtime: { live: { intervalMs: 50 } } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // As root, and on a machine whose network is closed: no sandbox, no background traffic to Google.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await mock?.close();
  });

  it('charts the history, then live rows, survives a dropped API link and shows the reconnect, without a console error', async () => {
    const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
    // The dashboard's first live connection is cut (no close frame) after 60 frames.
    mock.faults.dropLinkAfter({ path: `/ws/data/site/${SITE}/`, messages: 60, mode: 'destroy' });
    dashboard = await startDashboard(rs, { site: SITE, fields: FIELDS, reconnect: RECONNECT });
    expect(dashboard.history.state).toBe('loaded');
    expect(dashboard.history.rows).toBeGreaterThan(300); // an hour in ten-second buckets: 361

    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await page.goto(dashboard.url);

    // The history, then live rows, in every chart (one per unit: psi, bpm, and tds's own).
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as Partial<PageWindow>).restreamDashboard;
      return d !== undefined && d.liveRows >= 10 && d.charts.length > 0 && d.charts.every((c) => c.points > 300);
    }, undefined, WAIT);
    const first = await view();
    expect(first.charts.map((c) => c.fields)).toEqual([['M1_surface_treating_pressure'], ['M1_slurry_rate', 'slurry_rate'], ['tds']]);
    expect(first.page).toMatchObject({ state: 'open', reconnects: 0 });
    expect(first.stages.length).toBeGreaterThan(0);
    expect(await page.locator('#stages li').count()).toBe(first.stages.length);

    // The drop: the API link reconnects (the page says so), and rows keep coming after it.
    await page.waitForFunction(() => {
      const a = (globalThis as unknown as PageWindow).restreamDashboard.api;
      return a !== null && a.reconnects >= 1 && a.connections >= 2 && a.state === 'live';
    }, undefined, WAIT);
    const afterDrop = await view();
    await page.waitForFunction((n) => (globalThis as unknown as PageWindow).restreamDashboard.liveRows >= n + 20, afterDrop.liveRows, WAIT);
    const later = await view();
    expect(later.api!.rows).toBeGreaterThanOrEqual(later.liveRows);
    expect(later.charts.every((c) => c.points === later.points)).toBe(true);
    expect(mock.realtime.connections.filter((c) => c.status === 101 && c.path === `/ws/data/site/${SITE}/`)).toHaveLength(2);

    expect(await text('#link-api .state')).toBe('live');
    expect(Number(await text('#link-api .reconnects'))).toBeGreaterThanOrEqual(1);
    expect(await text('#link-api .detail')).toMatch(/last drop/);
    expect(await text('#link-page .state')).toBe('live');
    expect(await text('#history')).toMatch(/^History: 36\d rows at ten-second mean/);
    expect(later.page.reconnects).toBe(0); // the browser's own link never dropped

    // The charts fill the page's width without overflowing it.
    const widths = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return { page: root.scrollWidth, viewport: root.clientWidth };
    });
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it("reconnects the page's own stream when the dashboard restarts on the same port and token", async () => {
    const old = dashboard!;
    const token = new URL(old.url).pathname.split('/')[1]!;
    const before = await view();
    await old.close();
    await page.waitForFunction(() => (globalThis as unknown as PageWindow).restreamDashboard.page.state === 'reconnecting', undefined, WAIT);
    expect(await text('#link-page .state')).toBe('reconnecting');

    const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
    dashboard = await startDashboard(rs, { site: SITE, fields: FIELDS, port: old.port, token, reconnect: RECONNECT });
    expect(dashboard.url).toBe(old.url);

    await page.waitForFunction(
      (n) => {
        const d = (globalThis as unknown as PageWindow).restreamDashboard;
        return d.page.state === 'open' && d.page.reconnects >= 1 && d.snapshots >= 2 && d.liveRows >= n + 10;
      },
      before.liveRows,
      WAIT,
    );
    expect(Number(await text('#link-page .reconnects'))).toBeGreaterThanOrEqual(1);
    expect(await text('#link-page .state')).toBe('live');
    // While the dashboard was down, Chromium may log the refused reconnects; nothing else.
    expect(consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE/.test(e))).toEqual([]);
  }, 90_000);
});
