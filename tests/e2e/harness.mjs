// The browser suite's harness: the fake LinkedIn, the backend (behind a recording proxy), and
// Chromium with the extension from dist/ loaded unpacked. Every wait is for an event or a
// condition (with a timeout), never a fixed sleep.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const OUTPUT = path.join(ROOT, 'test-output');
const BIN = path.join(ROOT, 'target/native-release');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The fake's default session cookies (crates/fake-linkedin): the values the privacy test hunts.
export const LI_AT = 'AQEDfakeLiAtSession';
export const JSESSIONID = '"ajax:5128830019927411742"';

/** Polls `check` until it returns something truthy; fails with `what` after `timeout` ms. */
export async function waitFor(check, { timeout = 30_000, interval = 100, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Starts a child process and resolves once a line of its output matches `ready`. */
function startProcess(command, args, { env = {}, ready, name }) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  const matched = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) resolve(match);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await stopped;
  };
  return { child, matched, stop, output: () => output };
}

/** The fake LinkedIn over HTTPS on a free port, with its control API. */
export async function startFake({ conversations = 12, messages = '0..8', seed = 7, extra = [] } = {}) {
  // Every argument below is a flag of crates/fake-linkedin's binary (`fake-linkedin --help`).
  const fixtures = path.join(ROOT, 'tests/fixtures/linkedin');
  const args = ['--bind', '127.0.0.1:0', '--tls', '--conversations', String(conversations),
    '--messages-per-conversation', messages, '--seed', String(seed), ...extra];
  if (fs.existsSync(fixtures)) args.push('--fixtures-dir', fixtures);
  const proc = startProcess(path.join(BIN, 'fake-linkedin'), args,
    { ready: /fake-linkedin listening on (https:\/\/127\.0\.0\.1:(\d+))/, name: 'fake-linkedin' });
  const [, base, port] = await proc.matched;
  // The fake's certificate is generated per run: trust it for the control API only.
  const controlBytes = (method, route, body) => new Promise((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : '';
    const request = https.request(`${base}/__fake/${route}`, {
      method,
      rejectUnauthorized: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const bytes = Buffer.concat(chunks);
        if (response.statusCode !== 200) reject(new Error(`fake ${method} ${route}: ${response.statusCode} ${bytes}`));
        else resolve(bytes);
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
  const control = async (method, route, body) => JSON.parse(await controlBytes(method, route, body));
  return {
    base, port: Number(port), stop: proc.stop,
    requests: () => control('GET', 'requests'),
    clearRequests: () => control('DELETE', 'requests'),
    fault: (fault) => control('POST', 'faults', fault),
    clearFaults: () => control('DELETE', 'faults'),
    activity: (counts) => control('POST', 'activity', counts),
    deleteConversations: (count) => control('POST', 'delete', { conversations: count }),
    archiveConversations: (count) => control('POST', 'archive', { conversations: count }),
    session: (revoked) => control('POST', 'session', { revoked }),
    // `{ messagingPage: 'conversationsOnly' }`: the /messaging/ page's own requests name only
    // the conversations ids; the bundle on static.licdn.com still declares every live id.
    rotate: (options) => control('POST', 'rotate', options),
    snapshot: () => control('GET', 'snapshot'),
    // LinkedIn's punishment: 429s over the limits, then a checkpoint, then a revoked session.
    limiter: (limits = {}) => control('POST', 'limiter', limits),
    limiterState: () => control('GET', 'limiter'),
    tuning: (knobs) => control('POST', 'tuning', knobs),
    // A conversation whose messages carry these files; answers their messages and byte paths.
    attachments: (files) => control('POST', 'attachments', { files }),
    // The bytes behind an attachment, as LinkedIn would serve them (`bytesPath` of the above).
    attachmentBytes: (bytesPath) => controlBytes('GET', bytesPath.replace(/^\/__fake\//, '')),
  };
}

/** ping-backend on a temporary SQLite file and a free port; `password` is admin@localhost's. */
export async function startBackend({ env = {}, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ping-e2e-db-')) } = {}) {
  const proc = startProcess(path.join(BIN, 'ping-backend'), ['serve'], {
    env: {
      PING_BIND: '127.0.0.1:0',
      PING_DATABASE_URL: `sqlite://${dir}/ping.db`,
      // The fake serves the avatars (media.licdn.com is mapped to it in the browser only).
      PING_AVATAR_EXTRA_HOSTS: '127.0.0.1',
      RUST_LOG: 'ping_backend=info',
      NO_COLOR: '1',
      ...env,
    },
    ready: /ping-backend is serving.*?address=(127\.0\.0\.1:\d+)/,
    name: 'ping-backend',
  });
  const [, address] = await proc.matched;
  const password = proc.output().match(/password: (\S+)/)?.[1];
  return {
    base: `http://${address}`,
    password,
    dir,
    /** Stops the process; `keepData` leaves the database for a restart on the same `dir`. */
    stop: async ({ keepData = false } = {}) => {
      await proc.stop();
      if (!keepData) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A recording proxy in front of the backend: the extension talks to it, so the suite can scan
 * every byte the backend received (the privacy scenario).
 */
export async function startRecordingProxy(initialTarget) {
  const records = [];
  let target = initialTarget;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const record = { method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8') };
      records.push(record);
      const upstream = http.request(new URL(req.url, target), { method: req.method, headers: req.headers },
        (answer) => {
          record.status = answer.statusCode;
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        });
      upstream.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
      upstream.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    records,
    /** Sends later requests to another backend (e.g. one restarted with its clock ahead). */
    retarget: (base) => { target = base; },
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** Chromium with the extension, LinkedIn's hosts mapped to the fake, and its session cookies. */
export async function launchBrowser({ fakePort, extensionDir = DIST }) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ping-e2e-chrome-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 800 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`,
      `--host-resolver-rules=MAP www.linkedin.com 127.0.0.1:${fakePort}, MAP media.licdn.com 127.0.0.1:${fakePort}, MAP static.licdn.com 127.0.0.1:${fakePort}`,
      '--ignore-certificate-errors',
    ],
  });
  const sw = ctx.serviceWorkers()[0] ?? await ctx.waitForEvent('serviceworker');
  const extensionId = new URL(sw.url()).host;
  await ctx.addCookies([
    { name: 'li_at', value: LI_AT, domain: '.linkedin.com', path: '/', secure: true, httpOnly: true, sameSite: 'None' },
    { name: 'JSESSIONID', value: JSESSIONID, domain: '.linkedin.com', path: '/', secure: true, sameSite: 'None' },
  ]);
  return {
    ctx,
    extensionId,
    extensionUrl: (page) => `chrome-extension://${extensionId}/${page}`,
    stop: async () => {
      await ctx.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** An extension page that can read storage and message the worker (the popup, as a tab). */
export async function openPopup(browser) {
  const page = await browser.ctx.newPage();
  await page.setViewportSize({ width: 340, height: 520 });
  await page.goto(browser.extensionUrl('popup.html'));
  return page;
}

/** Reads chrome.storage from an extension page. */
export function storage(page, area, key) {
  return page.evaluate(async ([a, k]) => (await chrome.storage[a].get(k))[k], [area, key]);
}

/** Points the extension at `backendUrl` through its options page. */
export async function configureBackend(browser, backendUrl) {
  const page = await browser.ctx.newPage();
  await page.goto(browser.extensionUrl('options.html'));
  await page.fill('#backend-url', backendUrl);
  await page.click('#save-settings');
  await page.waitForSelector('#settings-status:text("Saved.")');
  await page.close();
}

/**
 * Sets the pace the extension calls LinkedIn at. The browser tests run at 'compressed' (Standard
 * with its timing a thousand times shorter), which no page can save: it goes into storage.
 */
export async function setPace(page, pace) {
  await updateSettings(page, { pace });
}

/** Changes some of the extension's settings straight in storage, as the worker reads them. */
export async function updateSettings(page, changes) {
  await page.evaluate(async (given) => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...settings, ...given } });
  }, changes);
}

/**
 * Moves the last complete sync `minutes` back in the stored sync state, as if that much time had
 * passed since: the next page visit is past the throttle (whose shortest setting is 15 minutes).
 */
export async function ageLastSync(page, minutes) {
  await page.evaluate(async (shift) => {
    const { syncState } = await chrome.storage.local.get('syncState');
    const lastCompletedAt = new Date(Date.parse(syncState.lastCompletedAt) - shift * 60_000).toISOString();
    await chrome.storage.local.set({ syncState: { ...syncState, lastCompletedAt } });
  }, minutes);
}

/** Waits until the popup shows `state` (body[data-state]). */
export async function waitForPopupState(popup, state, timeout = 30_000) {
  await popup.waitForSelector(`body[data-state="${state}"]`, { timeout });
}

/** Logs in to the web UI in a new tab. */
export async function loginWeb(browser, backend) {
  const page = await browser.ctx.newPage();
  await page.goto(`${backend.base}/login`);
  await page.fill('#email', 'admin@localhost');
  await page.fill('#password', backend.password);
  await Promise.all([page.waitForNavigation(), page.click('#login-button')]);
  return page;
}

/** Pairs through the web UI's Connect modal with the code the popup shows. */
export async function pairFromPopup(browser, backend, popup, web) {
  const code = await (await popup.waitForSelector('#pairing-code:text-matches("PING-")')).textContent();
  await web.goto(`${backend.base}/settings/integrations/linkedin`);
  await web.click('#connect-button');
  await web.fill('#connect-dialog #pairing-code', code);
  await Promise.all([web.waitForNavigation(), web.click('#pair-button')]);
  await waitForPopupState(popup, 'connected');
}

/**
 * Where most browser tests start: a fake LinkedIn, a backend (behind a recording proxy when
 * `proxy`; `backend` are startBackend's options), and Chromium with the extension, logged in to
 * the web UI and paired. If a step fails, what was already started is stopped.
 */
export async function startPaired({ fake: fakeOptions, backend: backendOptions, proxy = false, pace = 'compressed' } = {}) {
  const world = {};
  try {
    world.fake = await startFake(fakeOptions);
    world.backend = await startBackend(backendOptions);
    if (proxy) world.proxy = await startRecordingProxy(world.backend.base);
    world.browser = await launchBrowser({ fakePort: world.fake.port });
    await configureBackend(world.browser, (world.proxy ?? world.backend).base);
    world.popup = await openPopup(world.browser);
    await setPace(world.popup, pace);
    world.web = await loginWeb(world.browser, world.backend);
    await pairFromPopup(world.browser, world.backend, world.popup, world.web);
    return world;
  } catch (error) {
    await stopAll(world.browser, world.proxy, world.backend, world.fake);
    throw error;
  }
}

/** Stops what was started, skipping what was not. */
export async function stopAll(...parts) {
  for (const part of parts) await part?.stop();
}

/** Clicks Sync Now in the popup and returns the report of the run it started. */
export async function syncNow(popup) {
  const previous = await lastRunId(popup);
  await popup.click('#sync-now');
  return waitForRun(popup, previous);
}

/** Everything the backend stored, from the web UI's JSON export. */
export async function exported(web, backend) {
  const response = await web.request.get(`${backend.base}/export/conversations.json`);
  if (response.status() !== 200) throw new Error(`export: HTTP ${response.status()}`);
  return (await response.json()).conversations;
}

/** Saves a screenshot into test-output/. */
export async function screenshot(page, name) {
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
}

/** The id of the last stored run report (undefined before the first run). */
export async function lastRunId(page) {
  return (await storage(page, 'local', 'lastRun'))?.runId;
}

/** Waits for the report of a run other than `previousRunId` to be stored, and returns it. */
export async function waitForRun(page, previousRunId, timeout = 60_000) {
  return waitFor(async () => {
    const run = await storage(page, 'local', 'lastRun');
    return run && run.runId !== previousRunId ? run : null;
  }, { timeout, what: 'a sync run to finish' });
}
