// The dashboard page: live charts fed by the dashboard's Server-Sent Events stream.
//
// The server sends a `snapshot` on every (re)connection (the window's rows, the charts' layout, the stages,
// the state of its link to the API), then `rows`, `status`, `stages` and a `ping` every 15 s. The page keeps
// the rows of the window as columns (what uPlot draws), appends new rows and drops those that slide out.
//
// Staying up: EventSource reconnects by itself after a dropped stream; when it gives up (an HTTP error, e.g.
// the dashboard restarted with another token) the page makes a new one with backoff, and when nothing (not
// even a ping) came for 45 s it reconnects too: a link can die without an error.
'use strict';

(function () {
  const WATCHDOG_MS = 45_000;
  const MAX_RETRY_MS = 30_000;
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const STAGE_FILL = { frac: 'rgba(228, 87, 46, 0.10)', wl: 'rgba(23, 190, 187, 0.10)', standby: 'rgba(128, 128, 128, 0.08)' };
  const STAGE_LINE = { frac: 'rgba(200, 70, 30, 0.8)', wl: 'rgba(15, 140, 138, 0.8)', standby: 'rgba(100, 100, 100, 0.7)' };

  const state = {
    layout: '',
    windowSeconds: 3600,
    groups: [],
    t: [],
    v: [],
    stages: [],
    api: null,
    history: null,
    stagesError: null,
    liveRows: 0,
    snapshots: 0,
    page: { state: 'connecting', opens: 0, reconnects: 0, since: Date.now(), error: '' },
  };
  /** @type {Array<{ u: any, el: HTMLElement, columns: number[] }>} */
  let charts = [];
  /** @type {EventSource | null} */
  let source = null;
  let lastMessageAt = Date.now();
  let retryMs = 1000;
  let retryTimer = 0;
  let drawPending = false;

  const el = (id) => document.getElementById(id);
  const time = (ms) => new Date(ms).toLocaleTimeString();

  // ---------------------------------------------------------------------------------------------
  // The event stream
  // ---------------------------------------------------------------------------------------------

  function connect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    const es = new EventSource('events');
    source = es;
    lastMessageAt = Date.now();
    es.addEventListener('open', () => {
      if (es !== source) return;
      state.page.opens++;
      state.page.reconnects = state.page.opens - 1;
      setPage('open', '');
      retryMs = 1000;
    });
    es.addEventListener('error', () => {
      if (es !== source) return;
      if (es.readyState === EventSource.CLOSED) {
        // EventSource gave up (an HTTP error): try again ourselves, with backoff.
        setPage('reconnecting', `stream refused; retrying in ${Math.round(retryMs / 1000)} s`);
        retryTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      } else {
        setPage('reconnecting', `lost at ${time(Date.now())}`);
      }
    });
    const on = (name, handle) =>
      es.addEventListener(name, (event) => {
        if (es !== source) return;
        lastMessageAt = Date.now();
        handle(JSON.parse(event.data));
      });
    on('snapshot', onSnapshot);
    on('rows', onRows);
    on('status', onStatus);
    on('stages', (stages) => {
      state.stages = stages;
      renderStages();
      scheduleDraw();
    });
    on('ping', () => undefined);
  }

  setInterval(() => {
    if (Date.now() - lastMessageAt > WATCHDOG_MS) {
      setPage('reconnecting', `no message for ${WATCHDOG_MS / 1000} s; reconnecting`);
      connect();
    }
  }, 5000);

  function setPage(name, detail) {
    if (state.page.state !== name) state.page.since = Date.now();
    state.page.state = name;
    state.page.error = detail;
    const box = el('link-page');
    box.dataset.state = name;
    box.querySelector('.state').textContent = name === 'open' ? 'live' : name;
    box.querySelector('.reconnects').textContent = String(state.page.reconnects);
    box.querySelector('.detail').textContent = detail || `since ${time(state.page.since)}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Data
  // ---------------------------------------------------------------------------------------------

  function onSnapshot(s) {
    state.snapshots++;
    state.windowSeconds = s.windowSeconds;
    const layout = JSON.stringify([s.site, s.groups, s.fields, s.windowSeconds, s.siUnits]);
    state.t = s.data.t;
    state.v = s.data.v;
    state.stages = s.stages;
    if (layout !== state.layout) {
      state.layout = layout;
      state.groups = s.groups;
      buildCharts(s);
    }
    onStatus(s);
    renderStages();
    scheduleDraw();
  }

  function onRows(r) {
    const t = state.t;
    let last = t.length > 0 ? t[t.length - 1] : -Infinity;
    for (let i = 0; i < r.t.length; i++) {
      if (r.t[i] <= last) continue;
      last = r.t[i];
      t.push(last);
      for (let f = 0; f < state.v.length; f++) state.v[f].push(r.v[f][i]);
      state.liveRows++;
    }
    // Slide the window: drop what is older than it, measured from the newest row.
    const cut = last - state.windowSeconds;
    let n = 0;
    while (n < t.length && t[n] < cut) n++;
    if (n > 0) {
      t.splice(0, n);
      for (const column of state.v) column.splice(0, n);
    }
    // The server counts every row it sends; after the snapshot's count, each rows event adds its own.
    if (state.api) {
      state.api.rows += r.t.length;
      state.api.lastRow = last;
      el('link-api').querySelector('.rows').textContent = String(state.api.rows);
    }
    el('last-row').textContent = `Last row ${time(last * 1000)}`;
    scheduleDraw();
  }

  function onStatus(s) {
    state.api = s.api;
    state.history = s.history;
    state.stagesError = s.stagesError;
    renderApi();
    renderHistory();
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------------

  function renderApi() {
    const a = state.api;
    if (!a) return;
    const box = el('link-api');
    box.dataset.state = a.state;
    box.querySelector('.state').textContent = a.state;
    box.querySelector('.reconnects').textContent = String(a.reconnects);
    box.querySelector('.rows').textContent = String(a.rows);
    let detail = `since ${time(a.since)}`;
    if (a.state === 'reconnecting') {
      detail = a.retryInMs !== undefined ? `retry in ${(a.retryInMs / 1000).toFixed(1)} s` : 'waiting';
      if (a.error) detail += ` (${a.error})`;
    } else if (a.state === 'failed') {
      detail = a.error || 'failed';
    } else if (a.lastDisconnect) {
      const d = a.lastDisconnect;
      const why = d.reason || (d.code === 1006 ? 'connection lost (1006)' : `closed (${d.code})`);
      detail += ` · last drop ${time(d.at)}: ${why}`;
    }
    box.querySelector('.detail').textContent = detail;
  }

  function renderHistory() {
    const h = state.history;
    if (!h) return;
    const how = h.aggregation ? `${h.resolution} ${h.aggregation}` : h.resolution;
    let text = `History: loading (${how})…`;
    if (h.state === 'loaded') text = `History: ${h.rows} rows at ${how}, then live rows every second`;
    if (h.state === 'failed') text = `History failed: ${h.error}`;
    if (state.stagesError) text += ` · stages not refreshed: ${state.stagesError}`;
    el('history').textContent = text;
  }

  function renderStages() {
    const list = el('stages');
    list.replaceChildren();
    for (const s of state.stages) {
      const item = document.createElement('li');
      item.className = s.kind;
      const end = s.end === null ? 'now' : time(s.end * 1000);
      item.textContent = `${s.kind} ${s.number} · ${time(s.start * 1000)}–${end}`;
      item.title = s.state;
      list.append(item);
    }
  }

  function drawStageBands(u) {
    const min = u.scales.x.min;
    const max = u.scales.x.max;
    if (min == null || max == null) return;
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const s of state.stages) {
      const end = s.end === null ? max : s.end;
      if (end < min || s.start > max) continue;
      const x0 = u.valToPos(Math.max(s.start, min), 'x', true);
      const x1 = u.valToPos(Math.min(end, max), 'x', true);
      ctx.fillStyle = STAGE_FILL[s.kind] || 'rgba(0, 0, 0, 0.05)';
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    }
    ctx.restore();
  }

  function drawStageBoundaries(u) {
    const min = u.scales.x.min;
    const max = u.scales.x.max;
    if (min == null || max == null) return;
    const { ctx } = u;
    const { top, height } = u.bbox;
    const ratio = window.uPlot.pxRatio || 1;
    ctx.save();
    ctx.font = `${Math.round(11 * ratio)}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    ctx.setLineDash([4 * ratio, 3 * ratio]);
    ctx.lineWidth = ratio;
    for (const s of state.stages) {
      if (s.start < min || s.start > max) continue;
      const x = Math.round(u.valToPos(s.start, 'x', true)) + 0.5;
      ctx.strokeStyle = STAGE_LINE[s.kind] || 'rgba(0, 0, 0, 0.6)';
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fillText(`${s.kind} ${s.number}`, x + 3 * ratio, top + 2 * ratio);
    }
    ctx.restore();
  }

  /** The plot width that fills <main>: its content box, less a chart box's padding and border. */
  function chartWidth() {
    const main = el('charts');
    const style = getComputedStyle(main);
    const content = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return Math.max(320, Math.floor(content) - 18);
  }

  function buildCharts(s) {
    for (const c of charts) c.u.destroy();
    charts = [];
    const main = el('charts');
    main.replaceChildren();
    el('site').textContent = `${s.site.name || 'Site'} · site ${s.site.id}`;
    document.title = `${s.site.name || `Site ${s.site.id}`} · ReStream dashboard`;
    el('window').textContent = `last ${Math.round(s.windowSeconds / 60)} min · ${s.siUnits ? 'SI' : 'imperial'} units`;
    let colour = 0;
    for (const group of s.groups) {
      const box = document.createElement('div');
      box.className = 'chart';
      box.dataset.fields = group.fields.map((f) => f.name).join(',');
      main.append(box);
      const columns = group.fields.map((f) => s.fields.indexOf(f.name));
      const title = group.unit ? `${group.fields.map((f) => f.label).join(', ')} (${group.unit})` : group.fields.map((f) => f.label).join(', ');
      const opts = {
        title,
        width: chartWidth(),
        height: 220,
        cursor: { sync: { key: 'restream' } },
        scales: { x: { time: true } },
        series: [
          {},
          ...group.fields.map((f) => ({
            label: f.label,
            stroke: f.color || PALETTE[colour++ % PALETTE.length],
            width: 1.5,
            spanGaps: f.connectNulls,
            points: { show: false },
          })),
        ],
        axes: [{}, { label: group.unit || '', size: 64 }],
        hooks: { drawClear: [drawStageBands], draw: [drawStageBoundaries] },
      };
      const u = new window.uPlot(opts, chartData(columns), box);
      charts.push({ u, el: box, columns });
    }
  }

  function chartData(columns) {
    return [state.t, ...columns.map((i) => state.v[i])];
  }

  function scheduleDraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      for (const c of charts) {
        c.u.setData(chartData(c.columns));
        c.el.dataset.points = String(state.t.length);
      }
    });
  }

  new ResizeObserver(() => {
    const width = chartWidth();
    for (const c of charts) if (c.u.width !== width) c.u.setSize({ width, height: 220 });
  }).observe(el('charts'));

  // What a test (or a curious user in the console) can read; nothing here can change the page.
  Object.defineProperty(window, 'restreamDashboard', {
    value: Object.freeze({
      get points() {
        return state.t.length;
      },
      get liveRows() {
        return state.liveRows;
      },
      get snapshots() {
        return state.snapshots;
      },
      get charts() {
        return charts.map((c) => ({ fields: c.el.dataset.fields.split(','), points: c.u.data[0].length }));
      },
      get page() {
        return { ...state.page };
      },
      get api() {
        return state.api && { ...state.api };
      },
      get stages() {
        return state.stages.slice();
      },
    }),
  });

  setPage('connecting', '');
  connect();
})();
