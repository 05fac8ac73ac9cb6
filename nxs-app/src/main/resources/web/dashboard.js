// NXS dashboard: reads the daemon's own /api/v1 routes with the key the operator logged in with.
// Data is only ever put into the page as text (never as HTML), so nothing a log entry or an upstream
// says can run as script. The key lives in sessionStorage: gone when the tab closes.
(() => {
  'use strict';

  const STORAGE_KEY = 'nxs-api-key';
  const REFRESH_MS = 15000;
  const $ = (id) => document.getElementById(id);
  let apiKey = sessionStorage.getItem(STORAGE_KEY);
  let streamAbort = null;
  let refreshTimer = null;
  let pendingRefresh = null;
  const charts = {};

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // ---- DOM helpers -------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function list(body, ...names) {
    if (Array.isArray(body)) return body;
    for (const n of names) if (Array.isArray(body?.[n])) return body[n];
    return [];
  }

  function when(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    const secs = Math.round((Date.now() - d.getTime()) / 1000);
    const ago = secs < 60 ? `${secs}s` : secs < 3600 ? `${Math.round(secs / 60)}m`
      : secs < 86400 ? `${Math.round(secs / 3600)}h` : `${Math.round(secs / 86400)}d`;
    return el('time', { datetime: d.toISOString(), title: d.toISOString() },
      secs >= 0 ? `${ago} ago` : d.toISOString());
  }

  function text(v) {
    if (v === undefined || v === null || v === '') return '—';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  const STATE_CLASS = {
    closed: 'ok', ok: 'ok', healthy: 'ok', ready: 'ok', verified: 'ok', succeeded: 'ok', resolved: 'ok',
    valid: 'ok', active: 'ok', done: 'ok', true: 'ok', up: 'ok', majority: 'ok',
    down: 'bad', verifying: 'warn', rate_limited: 'warn', escalated: 'bad',
    half_open: 'warn', pending: 'warn', awaiting_approval: 'warn', warning: 'warn', degraded: 'warn',
    overlap: 'warn', medium: 'warn', acknowledged: 'warn', running: 'warn',
    open: 'bad', failed: 'bad', critical: 'bad', high: 'bad', unhealthy: 'bad', firing: 'bad',
    compromised: 'bad', forced_open: 'bad', false: 'bad', rejected: 'bad',
    minority: 'bad', zombie: 'bad', 'scale up': 'warn', 'scale down': 'warn',
  };

  function badge(value) {
    const t = text(value);
    const cls = STATE_CLASS[String(value).toLowerCase()] || '';
    return el('span', { class: `badge ${cls}` }, t);
  }

  function table(columns, rows, empty) {
    if (!rows.length) return el('p', { class: 'muted' }, empty);
    return el('div', { class: 'table-wrap' },
      el('table', {},
        el('thead', {}, el('tr', {}, columns.map(([label]) => el('th', { scope: 'col' }, label)))),
        el('tbody', {}, rows.map((r) => el('tr', {}, columns.map(([, f]) => {
          const v = f(r);
          return el('td', {}, v instanceof Node ? v : text(v));
        }))))));
  }

  function fill(panel, ...nodes) {
    const body = document.querySelector(`[data-panel="${panel}"]`);
    body.replaceChildren(...nodes.flat().filter(Boolean));
  }

  // ---- API ---------------------------------------------------------------------------------

  async function api(path, options = {}) {
    const res = await fetch(path, {
      ...options,
      headers: { ...(options.headers || {}), Authorization: `Bearer ${apiKey}` },
    });
    const json = (res.headers.get('content-type') || '').includes('json');
    const body = json ? await res.json() : await res.text();
    if (res.status === 401) {
      logout('The key is unknown, expired or revoked: log in again.');
    }
    if (!res.ok) {
      throw new ApiError(res.status, body?.error?.message || `${res.status} ${res.statusText}`);
    }
    return body;
  }

  async function optional(path) {
    try {
      return await api(path);
    } catch (e) {
      if (e.status === 404) return null;
      throw e;
    }
  }

  function problem(panel, e, what) {
    if (e.status === 401) return;
    fill(panel, el('p', { class: 'error', role: 'alert' }, `Cannot load ${what}: ${e.message}`));
  }

  function notRunning(panel, module) {
    fill(panel, el('p', { class: 'muted' }, `The ${module} module is not running in this daemon.`));
  }

  // ---- panels ------------------------------------------------------------------------------

  async function health() {
    const ready = await (await fetch('/readyz')).json();
    lockdownBanner(ready.modules?.lockdown?.detail);
    const doctor = await optional('/api/v1/health');
    const kpis = doctor === null ? null : await optional('/api/v1/kpis');
    const score = doctor?.score;
    const uptime = kpis?.uptime_percent;
    const row = el('div', { class: 'kpis' },
      kpi(score === undefined ? '—' : Math.round(score), 'health score (0–100)',
        score === undefined ? '' : score >= 80 ? 'ok' : score >= 50 ? 'warn' : 'bad'),
      kpi(uptime === undefined ? '—' : `${uptime.toFixed(2)}%`, 'uptime, last 24 h',
        uptime === undefined ? '' : uptime >= 99.9 ? 'ok' : uptime >= 99 ? 'warn' : 'bad'),
      kpi(ready.ready ? 'ready' : 'not ready', 'daemon', ready.ready ? 'ok' : 'bad'));
    const modules = Object.entries(ready.modules || {});
    fill('health', row, table([
      ['Module', ([name]) => name],
      ['State', ([, m]) => badge(m.ready ? 'ready' : 'failed')],
      ['Detail', ([, m]) => m.detail],
    ], modules, 'No modules report readiness.'));
  }

  // Lockdown (SEC5) is not an outage, so /readyz stays ready; its entry says whether it is on.
  function lockdownBanner(detail) {
    const on = typeof detail === 'string' && detail.startsWith('LOCKDOWN');
    const banner = $('lockdown-banner');
    banner.hidden = !on;
    banner.textContent = on
      ? `${detail}. Admin actions are refused except to the owner key (keys/admin.key); `
        + 'lift it with: nxs lockdown off --reason TEXT'
      : '';
  }

  function kpi(value, label, cls) {
    return el('div', { class: 'kpi' },
      el('div', { class: `value ${cls || ''}` }, text(value)), el('div', { class: 'label' }, label));
  }

  async function providers() {
    const body = await optional('/api/v1/providers');
    if (body === null) return notRunning('providers', 'gateway');
    const rows = list(body, 'providers');
    const airGapped = body.air_gapped;
    fill('providers',
      airGapped ? el('p', { class: 'banner', role: 'status' },
        'Air-gapped: only local providers are configured; no request leaves this machine.') : null,
      table([
        ['Provider', (p) => p.name],
        ['Breaker', (p) => badge(p.breaker)],
        ['p50 latency', (p) => (typeof p.latency_ms?.p50 === 'number' ? `${Math.round(p.latency_ms.p50)} ms` : '—')],
        ['Error rate', (p) => (typeof p.error_rate === 'number' && p.samples ? `${(p.error_rate * 100).toFixed(1)}%` : '—')],
        ['Credential', (p) => badge(p.credential?.state)],
        ['Last failure', (p) => (p.last_failure ? el('span', {}, p.last_failure, ' ', when(p.last_failure_at)) : '—')],
      ], rows, 'No providers configured.'));
  }

  async function failovers() {
    const body = await api('/api/v1/audit?since=24h&type=' + encodeURIComponent('provider.*') + '&limit=200');
    const rows = list(body, 'entries')
      .filter((e) => /failover|breaker_open|switched|air_gapped/.test(e.event_type))
      .reverse()
      .slice(0, 20);
    fill('failovers', table([
      ['When', (e) => when(e.timestamp)],
      ['What', (e) => e.event_type],
      ['Provider', (e) => e.target],
      ['Detail', (e) => (e.details?.to ? `to ${e.details.to}` : '') + (e.details?.took_ms !== undefined ? ` in ${e.details.took_ms} ms` : '')
        + (e.details?.reason ? ` ${e.details.reason}` : '')],
    ], rows, 'No failovers in the last 24 hours.'));
  }

  async function incidents() {
    const body = await optional('/api/v1/incidents');
    if (body === null) return notRunning('incidents', 'Doctor');
    const rows = list(body, 'incidents');
    fill('incidents',
      el('p', { class: 'muted' }, `${body.open ?? 0} open`),
      table([
        ['Opened', (r) => when(r.incident.openedAt)],
        ['Severity', (r) => badge(r.incident.severity)],
        ['Root cause', (r) => el('details', {},
          el('summary', {}, r.incident.rootCause?.title || r.incident.rootCause?.ruleId || r.incident.reason || '—'),
          el('pre', {}, r.tree || ''))],
        ['Confidence', (r) => `${Math.round((r.incident.confidence || 0) * 100)}%`],
        ['Related alerts', (r) => (r.incident.related || []).map((m) => m.title || m.ruleId).join(', ') || '—'],
        ['State', (r) => badge(r.incident.open ? 'open' : 'resolved')],
      ], rows, 'No incidents. All quiet.'));
  }

  async function healing() {
    const body = await optional('/api/v1/healing');
    if (body === null) return notRunning('healing', 'Doctor');
    const waiting = list(body, 'awaiting_approval');
    const waitingIds = new Set(waiting.map((h) => h.id));
    const rows = [...waiting, ...list(body, 'healing').filter((h) => !waitingIds.has(h.id))].slice(0, 30);
    fill('healing',
      body.dry_run ? el('p', { class: 'banner' }, 'Dry run: actions are logged, not executed.') : null,
      table([
        ['When', (h) => when(h.requestedAt)],
        ['Action', (h) => h.action],
        ['Level', (h) => h.level],
        ['Target', (h) => h.target],
        ['State', (h) => badge(h.state)],
        ['Detail', (h) => h.detail],
        ['', (h) => (h.state !== 'AWAITING_APPROVAL' ? '' : el('button', {
          type: 'button',
          'aria-label': `Approve ${h.action} on ${h.target} (${h.id})`,
          onclick: (ev) => approve(h.id, ev.currentTarget),
        }, 'Approve'))],
      ], rows, 'No healing actions yet.'));
  }

  async function approve(id, button) {
    button.disabled = true;
    try {
      await api(`/api/v1/healing/${encodeURIComponent(id)}/approve`, { method: 'POST' });
      $('action-line').textContent = `Approved ${id}.`;
      await healing();
    } catch (e) {
      button.disabled = false;
      $('action-line').textContent =
        e.status === 403 ? 'Approving needs an admin key.' : `Approval failed: ${e.message}`;
    }
  }

  async function backups() {
    const body = await optional('/api/v1/backups');
    if (body === null) return notRunning('backups', 'vault');
    const drills = await api('/api/v1/audit?type=backup.drill&limit=1');
    const drill = list(drills, 'entries').at(-1);
    const health = body.health || {};
    fill('backups',
      el('p', {}, badge(health.status), ' ', health.detail || ''),
      el('p', { class: 'muted' }, drill
        ? `Last restore drill ${drill.details.ok ? 'passed' : 'FAILED'}: RTO ${(drill.details.rto_millis / 1000).toFixed(1)} s `
          + `(target ${Math.round(drill.details.rto_target_millis / 60000)} min), `
        : 'No restore drill yet: nxs backup drill.', drill ? when(drill.timestamp) : ''),
      table([
        ['Snapshot', (b) => b.id],
        ['Taken', (b) => when(b.created_at)],
        ['Files', (b) => b.files],
        ['Size', (b) => bytes(b.bytes)],
        ['Verified', (b) => (b.verify_ok === undefined ? badge('never') : el('span', {},
          badge(b.verify_ok ? 'verified' : 'failed'), ' ', when(b.verified_at)))],
        ['Hashes', (b) => (b.verify_ok === undefined ? '—' : b.verify_ok ? 'all checked matched' : 'MISMATCH')],
        ['Targets', (b) => (b.targets || []).join(', ')],
      ], list(body, 'snapshots').slice(0, 20), 'No backups yet: run nxs backup create.'));
  }

  async function migrations() {
    const body = await optional('/api/v1/migrations');
    if (body === null) return notRunning('migrations', 'session');
    const fenced = body.fenced;
    fill('migrations',
      fenced ? el('p', { class: 'banner' },
        `Fenced: this instance handed its agent to ${fenced.peer} (migration ${fenced.migration_id}); `
        + 'it will not run the agent as primary until nxs session unfence.') : null,
      table([
        ['Migration', (m) => m.id],
        ['Role', (m) => m.role],
        ['Peer', (m) => m.peer],
        ['Agents', (m) => m.agent || 'all'],
        ['State', (m) => badge(m.state)],
        ['Progress', (m) => (m.bytes_total ? el('progress', { max: m.bytes_total, value: m.bytes_done,
          'aria-label': `${m.id} ${Math.round(100 * m.bytes_done / m.bytes_total)}%` }) : '—')],
        ['Transferred', (m) => `${bytes(m.bytes_done)} of ${bytes(m.bytes_total)} (${m.phase})`],
        ['Later', (m) => m.lazy || '—'],
        ['Reason', (m) => m.reason || ''],
        ['Updated', (m) => when(m.updated_at)],
      ], list(body, 'migrations').slice(0, 20), 'No migrations yet: nxs session migrate --to URL --key-file F.'));
  }

  // Workspace sync (nxs-sync): health, last run, lag, pending changes, recent conflicts.
  async function sync() {
    const body = await optional('/api/v1/sync');
    if (body === null) return notRunning('sync', 'sync');
    if (!body.enabled) return fill('sync', el('p', { class: 'muted' }, body.health_detail));
    const last = body.last_run;
    const latency = body.latency_seconds;
    fill('sync',
      el('p', {}, badge(body.health), ' ', body.health_detail || ''),
      el('p', { class: 'muted' }, `${body.node}: ${body.workspace} ⇄ ${body.remote}, every ${body.interval_seconds} s`),
      el('div', { class: 'kpis' },
        kpi(last ? (last.ok ? 'ok' : 'failed') : 'never', 'last sync', last ? (last.ok ? 'ok' : 'bad') : 'warn'),
        kpi(body.lag_seconds < 0 ? '—' : `${body.lag_seconds} s`, 'since the last good sync'),
        kpi(`${latency.toFixed(0)} s`, 'latency (target < 300 s)', latency < 300 ? 'ok' : 'bad'),
        kpi(body.pending_changes, 'changed here, not yet synced', body.pending_changes ? 'warn' : 'ok'),
        kpi(body.conflicts_24h, 'conflicts, last 24 h', body.conflicts_24h ? 'warn' : 'ok')),
      last && !last.ok ? el('p', { class: 'error', role: 'alert' }, last.error) : null,
      table([
        ['When', (c) => when(c.at)],
        ['File', (c) => c.path],
        ['Kind', (c) => badge(c.kind)],
        ['Resolution', (c) => c.resolution],
      ], list(body, 'conflicts'), 'No conflicts.'));
  }

  function bytes(n) {
    if (n === undefined) return '—';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
  }

  async function host() {
    const body = await optional('/api/v1/doctor/host');
    if (body === null) return notRunning('host', 'Doctor');
    const series = body.series || {};
    const boxes = [];
    for (const [name, s] of Object.entries(series)) {
      const canvasId = `chart-${name.replace(/[^a-z0-9]/gi, '-')}`;
      const prediction = s.exhaustion_at;
      boxes.push(el('figure', { class: 'chart' },
        el('div', { class: 'chart-box' }, el('canvas', { id: canvasId, role: 'img', 'aria-label': `${name} over time` })),
        el('figcaption', {}, `${name}: ${text(s.latest)} ${s.unit}`,
          prediction ? el('span', { class: 'warn' }, ' — full by ', when(prediction)) : '')));
    }
    fill('host', boxes.length ? el('div', { class: 'charts' }, boxes)
      : el('p', { class: 'muted' }, 'No host samples yet.'));
    for (const [name, s] of Object.entries(series)) drawChart(`chart-${name.replace(/[^a-z0-9]/gi, '-')}`, name, s);
  }

  function drawChart(canvasId, name, s) {
    if (!window.Chart) return;
    const points = (s.points || []).map(([t, v]) => ({ x: new Date(t).toLocaleTimeString(), y: v }));
    charts[canvasId]?.destroy();
    charts[canvasId] = new window.Chart(document.getElementById(canvasId), {
      type: 'line',
      data: { labels: points.map((p) => p.x), datasets: [{ label: name, data: points.map((p) => p.y),
        borderColor: '#58a6ff', pointRadius: 0, tension: 0.2 }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
        scales: { x: { ticks: { color: '#9aa7b4', maxTicksLimit: 6 } }, y: { ticks: { color: '#9aa7b4' } } } },
    });
  }

  let auditFilter = '';

  async function audit() {
    const q = auditFilter ? `&type=${encodeURIComponent(auditFilter)}` : '';
    const body = await api(`/api/v1/audit?limit=50${q}`);
    const rows = table([
      ['When', (e) => when(e.timestamp)],
      ['Seq', (e) => e.seq],
      ['Event', (e) => e.event_type],
      ['Severity', (e) => badge(e.severity)],
      ['Actor', (e) => e.actor],
      ['Target', (e) => e.target],
    ], list(body, 'entries').slice().reverse(), 'No entries match.');
    // A refresh replaces the rows only: the filter a user is typing into keeps its text and focus.
    const kept = document.querySelector('[data-panel="audit"] .audit-rows');
    if (kept) {
      kept.replaceChildren(rows);
      return;
    }
    const form = el('form', { class: 'filter', role: 'search',
      onsubmit: (ev) => { ev.preventDefault(); auditFilter = ev.target.elements.type.value.trim(); audit().catch((e) => problem('audit', e, 'the audit log')); } },
      el('label', { for: 'audit-type' }, 'Event type'),
      el('input', { id: 'audit-type', name: 'type', value: auditFilter, placeholder: 'security.*' }),
      el('button', { type: 'submit', class: 'secondary' }, 'Filter'));
    fill('audit', form, el('div', { class: 'audit-rows' }, rows));
  }

  async function cluster() {
    const body = await optional('/api/v1/cluster');
    if (body === null) return notRunning('cluster', 'cluster');
    if (!body.clustered) {
      return fill('cluster', el('p', { class: 'muted' },
        `${body.node_id} runs alone (cluster.enabled: false).`));
    }
    const conflicts = body.conflicts_pending > 0
      ? list(await api('/api/v1/cluster/conflicts'), 'conflicts').filter((c) => c.status === 'pending')
      : [];
    fill('cluster',
      el('p', {}, badge(body.on_majority_side ? 'majority' : 'minority'), ' ',
        `${body.node_id} at ${body.address}${body.coordinator ? ', coordinator' : ''}`,
        body.refusal ? el('span', { class: 'error' }, ` — ${body.refusal}`) : ''),
      el('p', { class: 'muted' }, `Agent lease: ${body.lease.holder || 'nobody'} (fencing token ${body.lease.fencing_token})`),
      table([
        ['Node', (m) => (m.self ? `${m.node_id} (this)` : m.node_id)],
        ['State', (m) => badge(m.state)],
        ['Score', (m) => m.score.toFixed(3)],
        ['Region', (m) => m.region || '—'],
        ['Roles', (m) => (m.roles || []).join(', ') || '—'],
      ], list(body, 'members'), 'No members.'),
      conflicts.length ? el('h3', {}, `${conflicts.length} conflict(s) wait for review`) : null,
      conflicts.length ? table([
        ['Id', (c) => c.id],
        ['Kind', (c) => c.kind],
        ['Key', (c) => c.key],
        ['Kept', (c) => `${c.kept} (${c.kept_by})`],
        ['Other side', (c) => `${c.proposed} (${c.proposed_by})`],
      ], conflicts, '') : null);
  }

  // Jackson writes a Duration as seconds (3600.0) or ISO-8601 (PT1H) depending on its settings.
  function span(v) {
    let seconds = typeof v === 'number' ? v : NaN;
    const iso = typeof v === 'string' && v.match(/^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/);
    if (iso) seconds = (+iso[1] || 0) * 3600 + (+iso[2] || 0) * 60 + (+iso[3] || 0);
    if (!Number.isFinite(seconds)) return text(v);
    return seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`;
  }

  function percent(v) {
    return Number.isFinite(v) ? `${v.toFixed(0)} %` : '—';
  }

  async function advice() {
    const body = await optional('/api/v1/doctor/advice');
    if (body === null) return notRunning('advice', 'Doctor');
    const f = body.figures || {};
    const last = body.last_signal;
    fill('advice',
      el('p', {}, `${body.instances} instance(s) take work; scale signals stay within `
        + `${body.min_instances}–${body.max_instances}.`),
      el('p', { class: 'muted' }, `Figures over ${span(f.span)}: CPU ${percent(f.cpu_avg)} of `
        + `${f.cores || '?'} vCPU, memory ${percent(f.memory_used_avg)} used, idle `
        + `${Number.isFinite(f.idle_share) ? percent(100 * f.idle_share) : '—'} of the time.`),
      table([
        ['Resource', (r) => r.resource],
        ['Pattern', (r) => r.pattern],
        ['Now', (r) => r.current],
        ['Advised', (r) => r.recommended],
        ['Saves', (r) => `${r.savings_percent} %`],
      ], list(body, 'recommendations'),
      'No right-sizing advised (nothing under its threshold, or under 30 min of figures).'),
      last
        ? el('p', {}, badge(last.direction === 'UP' ? 'scale up' : 'scale down'), ' ',
          `${last.instances} → ${last.advised} instances, `, when(last.at), ` — ${last.reason}`)
        : el('p', { class: 'muted' }, 'No scale signal yet.'));
  }

  async function scores() {
    const body = await optional('/api/v1/score');
    if (body === null) return notRunning('scores', 'score');
    const counts = body.counts || {};
    const drifting = list(body.drift, 'dimensions').filter((d) => d.psi > 0.25 && d.ks_p < 0.01);
    const off = Object.entries(body.disabled || {});
    fill('scores',
      el('p', {}, `${counts.scored || 0} scored, ${counts.rejected || 0} rejected, `
        + `${counts.unable_to_score || 0} unable; ${body.review_queue} for review (nxs score review). `,
        drifting.length ? badge('drift') : badge('ok'), ' ',
        drifting.map((d) => `${d.kind} ${d.dimension} PSI ${d.psi.toFixed(2)}`).join(', ')),
      off.length ? el('p', { class: 'error' }, off.map(([k, v]) => `${k} scorer out of service: ${v}`).join('; ')) : '',
      table([
        ['When', (s) => when(s.created_at)],
        ['File', (s) => s.file],
        ['Status', (s) => badge(s.status)],
        ['Quality', (s) => (s.quality ? `${s.quality.value.toFixed(1)} ± ${s.quality.uncertainty.toFixed(1)}` : '—')],
        ['Flags', (s) => (s.flags || []).join(', ') || '—'],
        ['Why', (s) => s.reason || ''],
      ], list(body, 'recent'), 'Nothing scored yet: nxs score FILE|DIR.'));
  }

  const PANELS = { health, providers, failovers, incidents, healing, backups, migrations, sync, scores, host, audit, cluster, advice };
  const WHAT = { health: 'health', providers: 'providers', failovers: 'failovers', incidents: 'incidents',
    healing: 'healing actions', backups: 'backups', migrations: 'migrations', sync: 'sync', scores: 'scores',
    host: 'host metrics', audit: 'the audit log', cluster: 'the cluster', advice: 'scaling advice' };

  async function refresh() {
    await Promise.all(Object.entries(PANELS).map(([name, load]) =>
      load().catch((e) => problem(name, e, WHAT[name]))));
  }

  // Events can come by the hundred under load (one per upstream attempt): refresh at most every 2 s.
  function scheduleRefresh() {
    if (pendingRefresh) return;
    pendingRefresh = setTimeout(() => { pendingRefresh = null; refresh(); }, 2000);
  }

  // ---- live events over SSE (fetch, so the key stays in a header) --------------------------

  async function listen() {
    streamAbort?.abort();
    const abort = new AbortController();
    streamAbort = abort;
    try {
      const res = await fetch('/api/v1/events', {
        headers: { Authorization: `Bearer ${apiKey}`, Accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (!res.ok) throw new ApiError(res.status, res.statusText);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          onMessage(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (e) {
      if (abort.signal.aborted) return;
    }
    if (!abort.signal.aborted && apiKey) setTimeout(listen, 3000);
  }

  function onMessage(block) {
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (name === 'hello') {
      status('Live: connected to the daemon.');
      return;
    }
    if (name !== 'event') return;
    try {
      const ev = JSON.parse(data.join('\n'));
      const at = new Date(ev.at).toLocaleTimeString();
      status(`Live: ${ev.type} at ${at}`);
      logEvent(at, ev);
    } catch (e) {
      status('Live: event received.');
    }
    scheduleRefresh();
  }

  // The last 20 events, newest first; attempts are too many to be news and are left out.
  function logEvent(at, ev) {
    if (ev.type === 'AttemptFinished') return;
    const detail = ['provider', 'from', 'to', 'rule', 'id']
      .map((k) => ev.event?.[k]).filter((v) => typeof v === 'string').join(' ');
    const log = $('live-log');
    log.prepend(el('li', {}, el('span', { class: 'muted' }, at), ` ${ev.type} `, detail));
    while (log.children.length > 20) log.lastChild.remove();
  }

  function status(message) {
    $('status-line').textContent = message;
  }

  // ---- login -------------------------------------------------------------------------------

  async function login(key) {
    apiKey = key;
    try {
      await api('/api/v1/audit?limit=1');
    } catch (e) {
      apiKey = null;
      sessionStorage.removeItem(STORAGE_KEY);
      $('login-error').textContent = e.status === 401 ? 'That key is unknown, expired or revoked.'
        : e.status === 429 ? e.message : `Cannot log in: ${e.message}`;
      return;
    }
    sessionStorage.setItem(STORAGE_KEY, key);
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('logout').hidden = false;
    $('login-error').textContent = '';
    await refresh();
    clearInterval(refreshTimer);
    refreshTimer = setInterval(refresh, REFRESH_MS);
    listen();
  }

  function logout(message) {
    apiKey = null;
    sessionStorage.removeItem(STORAGE_KEY);
    streamAbort?.abort();
    clearInterval(refreshTimer);
    $('dashboard').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('api-key').focus();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      login($('api-key').value.trim());
    });
    $('logout').addEventListener('click', () => logout('Logged out.'));
    if (apiKey) login(apiKey);
    else $('api-key').focus();
  });
})();
