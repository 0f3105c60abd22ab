// Browser figures for `./build.sh bench` (not a test: it asserts nothing and prints a table):
// - service-worker cold start: the worker stopped through CDP, then the time from the popup's
//   message to the worker's reply (start, wasm init, handling);
// - Voyager parsing in Chromium's wasm beside JSON.parse of the same page bodies.
// PING_BENCH_DIST names an unpacked extension built with ping-ext's `bench` feature.
import https from 'node:https';
import { launchBrowser, openPopup, startFake } from './harness.mjs';

const COLD_STARTS = 15;
const PARSES = 300;

const extensionDir = process.env.PING_BENCH_DIST;
if (!extensionDir) {
  console.error('set PING_BENCH_DIST to an extension built with the bench feature (tests/bench/run.sh does)');
  process.exit(2);
}

// Rest.li values are percent-encoded including the parentheses encodeURIComponent leaves.
const enc = (value) => encodeURIComponent(value).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function voyager(fake, path) {
  return new Promise((resolve, reject) => {
    const request = https.get(`${fake.base}${path}`, {
      rejectUnauthorized: false,
      headers: {
        cookie: 'li_at=AQEDfakeLiAtSession; JSESSIONID="ajax:5128830019927411742"',
        'csrf-token': 'ajax:5128830019927411742',
        accept: 'application/graphql',
      },
    }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`${response.statusCode} ${path}`))));
    });
    request.on('error', reject);
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const fake = await startFake({ conversations: 60, messages: '20..40' });
const browser = await launchBrowser({ fakePort: fake.port, extensionDir });
try {
  const snapshot = await fake.snapshot();
  const graphql = '/voyager/api/voyagerMessagingGraphQL/graphql';
  const conversations = await voyager(fake, `${graphql}?queryId=messengerConversations.9501074288a12f3ae9e3c7ea243bccbf`
    + '&variables=(query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX))))'
    + `,count:20,mailboxUrn:${enc(snapshot.owner)},lastUpdatedBefore:${Date.now() + 86_400_000})`);
  const messages = await voyager(fake, `${graphql}?queryId=messengerMessages.5846eeb71c981f11e0134cb6626cc314`
    + `&variables=(conversationUrn:${enc(snapshot.conversations[0].urn)})`);

  const popup = await openPopup(browser);
  const cdp = await browser.ctx.newCDPSession(popup);
  await cdp.send('ServiceWorker.enable');
  const stopped = () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker did not stop')), 10_000);
    const listener = (event) => {
      if (event.versions.some((version) => version.runningStatus === 'stopped')) {
        clearTimeout(timer);
        cdp.off('ServiceWorker.workerVersionUpdated', listener);
        resolve();
      }
    };
    cdp.on('ServiceWorker.workerVersionUpdated', listener);
  });
  const coldStarts = [];
  for (let i = 0; i < COLD_STARTS; i += 1) {
    const done = stopped();
    await cdp.send('ServiceWorker.stopAllWorkers');
    await done;
    coldStarts.push(await popup.evaluate(async () => {
      const started = performance.now();
      await chrome.runtime.sendMessage({ type: 'getState' });
      return performance.now() - started;
    }));
  }

  const parsing = await popup.evaluate(async ([conversationsBody, messagesBody, times]) => {
    const wasm = await import('./pkg/ping_ext.js');
    await wasm.default();
    const time = (run) => {
      const started = performance.now();
      run();
      return performance.now() - started;
    };
    const rows = [];
    for (const [name, body, parse] of [
      ['conversation list page', conversationsBody, wasm.bench_parse_conversations],
      ['messages page', messagesBody, wasm.bench_parse_messages],
    ]) {
      const records = parse(body, 1);
      const wasmMs = time(() => parse(body, times));
      const jsonMs = time(() => { for (let i = 0; i < times; i += 1) JSON.parse(body); });
      rows.push({ name, bytes: body.length, records, wasmMs, jsonMs });
    }
    return rows;
  }, [conversations, messages, PARSES]);

  console.log(`Service-worker cold start to first handled message (median of ${COLD_STARTS}): ${median(coldStarts).toFixed(1)} ms`
    + ` (min ${Math.min(...coldStarts).toFixed(1)}, max ${Math.max(...coldStarts).toFixed(1)})`);
  console.log('');
  console.log(`Voyager parsing in Chromium, ${PARSES} parses of each page:`);
  console.log('');
  console.log('| page | bytes | records | ping-core in wasm (MB/s) | JSON.parse (MB/s) | wasm time / JSON.parse time |');
  console.log('|---|---|---|---|---|---|');
  for (const row of parsing) {
    const rate = (ms) => ((row.bytes * PARSES) / 1e6 / (ms / 1000)).toFixed(1);
    console.log(`| ${row.name} | ${row.bytes} | ${row.records} | ${rate(row.wasmMs)} | ${rate(row.jsonMs)} | ${(row.wasmMs / row.jsonMs).toFixed(2)} |`);
  }
  console.log('');
  console.log('JSON.parse only builds a JS object; ping-core also validates every URN and builds the typed model.');
} finally {
  await browser.stop();
  fake.stop();
}
