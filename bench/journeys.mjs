// bench/perf's whole-journey half (issue 20): four journeys walked from
// their first page to their end, under the same emulation as load to
// interactive, each step timed from the click to the moment the next step's
// control shows, against the budgets. bench/perf.mjs calls
// `measureJourneys` after load to interactive; alone, for development:
//   node bench/journeys.mjs [DIST]      # DIST: the built app, default dist
// with RECLAIM_SERVER_BIN (default target/release/reclaim-server),
// JOURNEY_RUNS (default 7), READ_MS (default 2000) and JOURNEY (only the
// journeys whose name has it) from the environment.
//
// Every run gets a server of its own, with a new database: a recovery code
// works once, and a password reset is limited to 5 a day per username and
// client, so runs on one server would not walk the same journey. That is
// why this takes the server binary and the built app rather than a URL.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pad } from './sizes.mjs';
import { EMULATION, NETWORK, emulate, launchChromium, stats, table } from './timing.mjs';

/** The budgets: a whole journey's waiting, and a step that needs no
 * answer from the server (a page load of another bundle included). A step
 * that needs one gets one round trip plus the server's own time. */
const JOURNEY_BUDGET_MS = 3000;
const LOCAL_STEP_BUDGET_MS = 300;
const ROUND_TRIP_MS = NETWORK.latency;
const STEP_TIMEOUT_MS = 60_000;
const RUNS = Number(process.env.JOURNEY_RUNS ?? 7);
/** The user's reading (and typing) before each click: what the page does
 * meanwhile, such as the chosen answer's prefetch, runs as it would. */
const READ_MS = Number(process.env.READ_MS ?? 2000);

// The demo data, as the server seeds it (demo/accounts.json): nothing of it
// is copied here, as in tests/e2e/demo.ts.
const fixture = JSON.parse(readFileSync(new URL('../demo/accounts.json', import.meta.url), 'utf8'));
const alice = fixture.accounts.find((a) => a.username === 'alice');
const used = new Set(alice.recovery_codes.used.map((u) => u.code));
/** An unused code of alice's current set; every run's server is new, so the same one each time. */
const ALICE_CODE = alice.recovery_codes.codes.find((c) => !used.has(c));

// The journeys. The first step is the first page load (from navigation
// start); every other one fills its answers (`fill`), waits READ_MS, then
// clicks `act`. A step ends when its `ready` shows: the page's h1 says `h1`,
// its `control` is visible and, if given, the main content says `text`.
// `path` is where the step lands (checked after it): the route table says
// whether that took a page load. The labels are the browser tests'.
const label = (text) => (page) => page.getByLabel(text, { exact: true });
const button = (name) => (page) => page.getByRole('button', { name });
const fillIn = (fields) => async (page) => {
  for (const [field, value] of fields) await field(page).fill(value);
};

const FIRST_QUESTION = [
  { name: 'first load', ready: { path: '/', control: 'a.button--start' } },
  {
    name: '"Start now" → What happened?', server: false,
    act: (page) => page.getByRole('link', { name: /start now/i }),
    ready: { path: '/recover', h1: 'What happened?', control: 'input[name="what-happened"]' },
  },
];
const LOST_PHONE = {
  name: 'lost phone → Do you have recovery codes?', server: false,
  fill: (page) => page.getByLabel('I lost my phone or my authenticator app').check(),
  act: button('Continue'),
  ready: { path: '/recover/lost-authenticator', h1: 'Do you have recovery codes?', control: 'input[name="have-codes"]' },
};
const SIGN_IN = fillIn([[label('Username'), 'alice'], [label('Password'), fixture.password]]);

const ALL_JOURNEYS = [
  {
    name: 'stale codes',
    steps: [
      ...FIRST_QUESTION,
      LOST_PHONE,
      {
        name: 'every code refused → sign-in', server: false,
        fill: (page) => page.getByLabel('I have codes, but every one is refused').check(),
        act: button('Continue'),
        ready: { path: '/recover/stale-codes', h1: 'Find out why your recovery codes do not work', control: '#username' },
      },
      {
        name: 'password → the diagnosis', server: true,
        fill: SIGN_IN,
        act: button('Continue'),
        ready: { path: '/recover/stale-codes/code', h1: 'Your recovery codes', control: '#code', text: 'generated on' },
      },
    ],
  },
  {
    name: 'forgot password',
    steps: [
      ...FIRST_QUESTION,
      {
        name: 'forgot password → reset form', server: false,
        fill: (page) => page.getByLabel('I forgot my password').check(),
        act: button('Continue'),
        ready: { path: '/recover/forgot-password', h1: 'Reset your password', control: '#identifier' },
      },
      {
        name: 'alice → Check your email', server: true,
        fill: fillIn([[label('Username or email address'), 'alice']]),
        act: button('Send a reset link'),
        ready: { path: '/recover/forgot-password/check-your-email', h1: 'Check your email', control: 'main button' },
      },
    ],
  },
  {
    name: 'lost 2FA, signed in with a recovery code',
    steps: [
      ...FIRST_QUESTION,
      LOST_PHONE,
      {
        name: 'have codes → sign-in', server: false,
        fill: (page) => page.getByLabel('Yes, I have recovery codes').check(),
        act: button('Continue'),
        ready: { path: '/recover/lost-2fa', h1: 'Sign in with a recovery code', control: '#username' },
      },
      {
        name: 'password → recovery code', server: true,
        fill: SIGN_IN,
        act: button('Continue'),
        ready: { path: '/recover/lost-2fa/code', h1: 'Enter a recovery code', control: '#code' },
      },
      {
        name: 'recovery code → signed in', server: true,
        fill: fillIn([[(page) => page.locator('#code'), ALICE_CODE]]),
        act: button('Continue'),
        ready: { path: '/recover/lost-2fa/signed-in', h1: 'You are signed in', control: 'a[href="/checkup"]' },
      },
      {
        // Where "You are signed in" leads: the checkup's own bundle, which
        // needs the session and the account's state from the server.
        name: '"Check the security…" → the checkup', server: true,
        act: (page) => page.getByRole('link', { name: 'Check the security of your account' }),
        ready: { path: '/checkup', h1: 'Check the security of your account', control: '.checkup-item', text: 'Signed in as alice' },
      },
    ],
  },
  {
    name: 'recovery request',
    steps: [
      { name: 'first load', ready: { path: '/request', h1: 'Which account do you need back?', control: '#username' } },
      {
        name: 'username → What happened?', server: false,
        fill: (page, run) => label('Username')(page).fill(`bench-${Date.now().toString(36)}-${run}`),
        act: button('Continue'),
        ready: { path: '/request/what-happened', h1: 'What happened?', control: 'input[name="reason"]' },
      },
      {
        name: 'what happened → What can support check?', server: false,
        fill: async (page) => {
          await page.getByLabel('I lost my phone or my authenticator app').check();
          await page.getByLabel('I have recovery codes but they do not work').check();
          await page.getByLabel('Tell us what happened').fill('I lost the phone with my authenticator app in May and my recovery codes were on it too.');
        },
        act: button('Continue'),
        ready: { path: '/request/what-support-can-check', h1: 'What can support check?', control: '#previous-emails-0' },
      },
      {
        name: 'evidence → How can support reach you?', server: false,
        fill: fillIn([
          [(page) => page.locator('#previous-emails-0'), 'old-bench@example.com'],
          [(page) => page.locator('#packages-0'), 'example-package'],
        ]),
        act: button('Continue'),
        ready: { path: '/request/contact', h1: 'How can support reach you?', control: '#contact-email' },
      },
      {
        name: 'contact → Check your answers', server: false,
        fill: fillIn([[label('Contact email address'), 'bench@example.org']]),
        act: button('Continue'),
        ready: { path: '/request/check', h1: 'Check your answers before sending your request', control: 'main button[type="submit"]' },
      },
      {
        name: '"Accept and send" → Recovery request sent', server: true,
        act: button('Accept and send'),
        ready: { path: '/request/confirmation', h1: 'Recovery request sent', control: '#status-token' },
      },
    ],
  },
];

const JOURNEYS = ALL_JOURNEYS.filter((j) => j.name.includes(process.env.JOURNEY ?? ''));

/**
 * Runs in every document of a run, before the app: reports the moment each
 * step's `ready` first shows, and the moment of the armed click, both on
 * one clock across documents (`performance.timeOrigin + performance.now()`,
 * milliseconds since the epoch), taken on the DOM change itself:
 * Playwright's own polling checks only every 100 to 500 ms.
 */
function watchSteps(conditions) {
  const now = () => performance.timeOrigin + performance.now();
  const visible = (el) => el !== null && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const met = ({ h1, control, text }) =>
    (h1 === undefined || document.querySelector('h1')?.textContent.trim() === h1)
    && visible(document.querySelector(control))
    && (text === undefined || (document.querySelector('main')?.textContent ?? '').includes(text));
  const pending = new Set(conditions.keys());
  new MutationObserver(() => {
    for (const i of pending) {
      if (met(conditions[i])) {
        pending.delete(i);
        // Where the time went: this document's own HTML, and the API
        // requests it made (on the same clock).
        const [nav] = performance.getEntriesByType('navigation');
        const api = performance.getEntriesByType('resource')
          .filter((e) => e.initiatorType === 'fetch' && new URL(e.name).pathname.startsWith('/api/'))
          .map((e) => [performance.timeOrigin + e.startTime, performance.timeOrigin + e.responseEnd]);
        window.__journeyShown(i, now(), performance.timeOrigin, { api, documentEnd: nav && performance.timeOrigin + nav.responseEnd });
      }
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  // Capturing, on window: the moment is taken before the app handles the click.
  addEventListener('click', () => {
    if (window.__journeyArmed) {
      window.__journeyArmed = false;
      window.__journeyAction(now());
    }
  }, true);
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The reference server on a free port, with a new demo database in `dir`. */
async function startServer(bin, dist, dir, name) {
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--database', join(dir, `${name}.sqlite3`), '--dist', dist, '--demo'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const listening = new Promise((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/^listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
  });
  const url = await within(Promise.race([listening, exited.then((code) => { throw new Error(`${bin} exited (${code}) before listening`); })]), `starting ${bin}`);
  return { url, stop: async () => { child.kill(); await exited; } };
}

/** The API requests of a page, as Chromium's network layer saw them. */
function apiRequests(cdp) {
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', ({ requestId, request, wallTime }) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/api/')) requests.set(requestId, { name: `${request.method} ${pathname}`, sentAt: wallTime * 1000 });
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const r = requests.get(requestId);
    // The server's own time is sendEnd to receiveHeadersStart: Chromium's
    // emulation holds the headers back until send end + latency only after
    // that, so no RTT is in it. (The same emulation overlaps the two: a
    // server answering within the latency costs the step nothing more,
    // where a real network adds them.)
    if (r) Object.assign(r, {
      serverMs: response.timing.receiveHeadersStart - response.timing.sendEnd,
      start: response.timing.requestTime * 1000,
      end: response.timing.requestTime * 1000 + response.timing.receiveHeadersEnd,
    });
  });
  return requests;
}

/**
 * A step's waiting in parts, from the page's own timing: for a page load,
 * until the new document starts, its HTML, then its code until the step
 * shows; else, with API requests, before the first is sent, until the last
 * answer is in, and after it.
 */
function partsOf(start, at, origin, { api, documentEnd }) {
  if (origin >= start && documentEnd) {
    return [['to the new page', origin - start], ['its HTML', documentEnd - origin], ['its code and first render', at - documentEnd]];
  }
  const made = api.filter(([sent]) => sent >= start && sent <= at);
  if (made.length === 0) return [];
  const sent = Math.min(...made.map(([s]) => s));
  const answered = Math.max(...made.map(([, e]) => e));
  return [['before the request', sent - start], ['the request', answered - sent], ['after the answer', at - answered]];
}

/** The median of each part of a step over its runs, as one line. */
function partsLine(runsOfStep) {
  const labels = [...new Set(runsOfStep.flatMap((r) => r.parts.map(([label]) => label)))];
  return labels.map((label) => {
    const values = runsOfStep.flatMap((r) => r.parts.filter(([l]) => l === label).map(([, ms]) => ms));
    return `${stats(values).median.toFixed(0)} ${label}`;
  }).join(', ');
}

/** Round trips one after another among `requests`: parallel ones count once. */
function roundTrips(requests) {
  let trips = 0;
  let end = -Infinity;
  for (const r of [...requests].sort((a, b) => a.start - b.start)) {
    if (r.start >= end) trips += 1;
    end = Math.max(end, r.end);
  }
  return trips;
}

/** One run of one journey, in a new browser context against `app`, a new
 * server: per step, the milliseconds waited and the API requests made. */
async function walk(browser, journey, run, app) {
  const { steps } = journey;
  const shown = steps.map(deferred);
  let action = deferred();
  const context = await browser.newContext();
  try {
    await context.exposeBinding('__journeyShown', (_, i, at, origin, timing) => shown[i].resolve({ at, origin, timing }));
    await context.exposeBinding('__journeyAction', (_, at) => action.resolve(at));
    await context.addInitScript(watchSteps, steps.map((s) => s.ready));
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await emulate(cdp);
    const requests = apiRequests(cdp);

    const result = [];
    for (const [i, step] of steps.entries()) {
      const what = `${journey.name}, run ${run}, step "${step.name}"`;
      let clicked; // none for the first load, timed from navigation start
      if (i === 0) {
        await page.goto(app.url + step.ready.path, { waitUntil: 'commit', timeout: STEP_TIMEOUT_MS });
      } else {
        await step.fill?.(page, run);
        await page.waitForTimeout(READ_MS);
        action = deferred();
        await page.evaluate(() => { window.__journeyArmed = true; });
        await step.act(page).click();
        clicked = await within(action.promise, `${what}: the click`);
      }
      const { at, origin, timing } = await within(shown[i].promise, `${what}: ${JSON.stringify(step.ready)}`);
      const landed = new URL(page.url()).pathname;
      if (landed !== step.ready.path) throw new Error(`${what}: landed on ${landed}, not ${step.ready.path}`);
      const start = clicked ?? origin;
      if (at < start) throw new Error(`${what}: ${JSON.stringify(step.ready)} showed before the click`);
      const made = [...requests.values()].filter((r) => r.sentAt >= start && r.sentAt <= at);
      // Each answer came before the page showed it, but its event may trail the report.
      for (let tries = 0; made.some((r) => r.serverMs === undefined) && tries < 20; tries++) await page.waitForTimeout(50);
      result.push({ ms: at - start, requests: made, parts: partsOf(start, at, origin, timing) });
    }
    return result;
  } finally {
    await context.close();
  }
}

/**
 * Walks every journey `runs` times, interleaved (run 1 of each, then run 2
 * of each...) so a slow moment of the machine hits them alike, and prints
 * one table per journey: each step's median, min and max, its API requests
 * and the server's time, against the budgets, and under each step where its
 * time went (`partsOf`).
 */
export async function measureJourneys({ browser, server, dist, runs = RUNS }) {
  // Which steps load another bundle's page, from core's route table as the
  // server prints it; checked before any run, so a path gone fails at once.
  const { routes } = JSON.parse(execFileSync(server, ['routes', '--json'], { encoding: 'utf8' }));
  const bundleOf = (path) => {
    const route = routes.find((r) => r.path === path);
    if (!route) throw new Error(`${path} is not a route of the app (core/src/route.rs)`);
    return route.bundle;
  };
  const pageLoads = JOURNEYS.map(({ steps }) =>
    steps.map((step, i) => i > 0 && bundleOf(step.ready.path) !== bundleOf(steps[i - 1].ready.path)));
  const results = JOURNEYS.map((j) => j.steps.map(() => []));
  const dir = mkdtempSync(join(tmpdir(), 'reclaim-journeys-'));
  try {
    for (let run = 1; run <= runs; run++) {
      for (const [j, journey] of JOURNEYS.entries()) {
        const app = await startServer(server, dist, dir, `run-${run}-${j}`);
        try {
          const walked = await walk(browser, journey, run, app);
          walked.forEach((step, i) => results[j][i].push(step));
        } finally {
          await app.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\nJourneys, ms (${runs} runs each, interleaved; ${EMULATION}; a new browser context, HTTP cache on, `
    + `and a new server database per run; ${READ_MS} ms of reading before each click, not counted)`);
  for (const [j, journey] of JOURNEYS.entries()) {
    const rows = journey.steps.map((step, i) => {
      const runsOfStep = results[j][i];
      const s = stats(runsOfStep.map((r) => r.ms));
      const name = `${step.name}${pageLoads[j][i] ? ' (page load)' : ''}`;
      const most = runsOfStep.reduce((a, r) => (r.requests.length > a.length ? r.requests : a), []);
      const serverMs = stats(runsOfStep.map((r) => r.requests.reduce((sum, q) => sum + q.serverMs, 0))).median;
      let verdict;
      if (i === 0) verdict = '(first load: in the total only)';
      else if (step.server) {
        const budget = ROUND_TRIP_MS + serverMs;
        verdict = `${s.median <= budget ? 'met' : 'NOT met'} (budget = ${ROUND_TRIP_MS} ms + ${serverMs.toFixed(0)} ms server = ${budget.toFixed(0)})`;
      } else verdict = `${s.median <= LOCAL_STEP_BUDGET_MS ? 'met' : 'NOT met'} (budget ${LOCAL_STEP_BUDGET_MS})`;
      const trips = roundTrips(most);
      const chain = trips > 1 ? `; a chain of ${trips} round trips` : '';
      const names = most.length ? `  [${most.map((r) => r.name).join(', ')}${chain}]` : '';
      const parts = partsLine(runsOfStep);
      return `${name.padEnd(48)} ${pad(s.median.toFixed(0), 7)} ${pad(s.min.toFixed(0), 7)} ${pad(s.max.toFixed(0), 7)} `
        + `${pad(most.length, 4)} ${pad(most.length ? serverMs.toFixed(0) : '-', 7)}   ${verdict}${names}`
        + (parts ? `\n${''.padEnd(4)}where (medians): ${parts}` : '');
    });
    const totals = stats(results[j][0].map((_, run) => results[j].reduce((sum, step) => sum + step[run].ms, 0)));
    rows.push(`${'total waiting'.padEnd(48)} ${pad(totals.median.toFixed(0), 7)} ${pad(totals.min.toFixed(0), 7)} ${pad(totals.max.toFixed(0), 7)} `
      + `${''.padStart(4)} ${''.padStart(7)}   ${totals.median <= JOURNEY_BUDGET_MS ? 'met' : 'NOT met'} (budget ${JOURNEY_BUDGET_MS})`);
    table(`Journey: ${journey.name}`,
      `${'step'.padEnd(48)} ${pad('median', 7)} ${pad('min', 7)} ${pad('max', 7)} ${pad('api', 4)} ${pad('server', 7)}   verdict`, rows);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const browser = await launchChromium();
  try {
    await measureJourneys({
      browser,
      server: process.env.RECLAIM_SERVER_BIN ?? 'target/release/reclaim-server',
      dist: process.argv[2] ?? 'dist',
    });
  } finally {
    await browser.close();
  }
}
