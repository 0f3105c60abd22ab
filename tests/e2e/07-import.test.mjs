// Issue 15: LinkedIn's own data export, imported in the web UI, then a live sync of the same
// account. The export comes from the fake (GET /__fake/export.zip: the account as LinkedIn's
// "Get a copy of your data" ZIP). After the import the live sync adds no duplicate
// conversation, message or contact, and it skips the deep history the export covered: it
// makes fewer Voyager message requests than the same first sync without the import.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import {
  exported, lastRunId, screenshot, startPaired, stopAll, storage, waitFor, waitForRun,
} from './harness.mjs';

const MESSAGING = '/voyager/api/voyagerMessagingGraphQL/graphql';
// Conversations with more messages than one page, so their history takes more requests.
const FAKE = { conversations: 30, messages: '30..70', seed: 23 };

/** Message requests of the first sync without the import (the first describe measures it). */
let baseline = Number.NaN;

const isMessages = (r) => r.path === MESSAGING && r.query.includes('queryId=messengerMessages.');

/** The fake account as LinkedIn's data export ZIP. */
function exportZip(fake) {
  return new Promise((resolve, reject) => {
    https.get(`${fake.base}/__fake/export.zip`, { rejectUnauthorized: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => (response.statusCode === 200
        ? resolve(Buffer.concat(chunks))
        : reject(new Error(`export.zip: ${response.statusCode}`))));
    }).on('error', reject);
  });
}

/** The contacts CSV export, as objects keyed by its header. */
async function contacts(web, backend) {
  const response = await web.request.get(`${backend.base}/export/contacts.csv`);
  assert.equal(response.status(), 200);
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const text = await response.text();
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') {
      row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/** Sync Now until a run completes with no pass in progress and no history left to page. */
async function syncUntilComplete(popup) {
  const runs = [];
  await waitFor(async () => {
    const previous = await lastRunId(popup);
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'syncNow' })).catch(() => null);
    const run = await waitForRun(popup, previous, 180_000);
    runs.push(run);
    const state = await storage(popup, 'local', 'syncState');
    return run.outcome === 'completed' && !state?.pass && Object.keys(state?.history ?? {}).length === 0;
  }, { timeout: 600_000, interval: 500, what: 'a complete first sync with its history' });
  return runs;
}

/** Uploads the archive in Settings → Import and waits for its summary. */
async function importInWebUi(web, backend, zip) {
  await web.goto(`${backend.base}/settings/import`);
  await web.setInputFiles('#archive', {
    name: 'Basic_LinkedInDataExport_11-30-2026.zip', mimeType: 'application/zip', buffer: zip,
  });
  await Promise.all([web.waitForURL(/\/settings\/import\/[^/]+$/), web.click('#import-button')]);
  const page = web.url();
  // The page refreshes itself while the import runs; reload until it is done.
  await waitFor(async () => {
    const state = await web.getAttribute('#import-status', 'data-state').catch(() => null);
    if (state === 'running') await web.goto(page);
    return state === 'done' || state === 'failed' ? state : null;
  }, { timeout: 120_000, interval: 500, what: 'the import to finish' });
  const error = await web.$('#import-error');
  assert.equal(error && await error.textContent(), null, 'the import failed');
  const cells = async (kind) => (await web.$$eval(`#import-summary tr[data-kind="${kind}"] td`,
    (tds) => tds.map((td) => Number(td.textContent))));
  const [added, matched, skipped] = await cells('messages');
  return {
    messages: { added, matched, skipped },
    conversations: await cells('conversations'),
    contacts: await cells('contacts'),
  };
}

/** Person contacts (not advertisers), from the contacts CSV. */
const people = (rows) => rows.filter((row) => !row.linkedin_urn?.startsWith('urn:li:fsd_company:'));

describe('a first sync without an import', () => {
  test('pages every conversation\'s history (the baseline)', async (t) => {
    const world = await startPaired({ fake: FAKE });
    try {
      await world.fake.clearRequests();
      await syncUntilComplete(world.popup);
      const calls = (await world.fake.requests()).filter(isMessages).length;
      baseline = calls;
      t.diagnostic(`message requests without the import: ${calls}`);
      assert.ok(calls > FAKE.conversations, `history pages were needed: ${calls} requests`);
    } finally {
      await stopAll(world.browser, world.backend, world.fake);
    }
  });
});

describe('the data export imported first, then a live sync', () => {
  let fake; let backend; let browser; let popup; let web;
  let atExport; let summary;

  before(async () => {
    ({ fake, backend, browser, popup, web } = await startPaired({ fake: FAKE }));
  });

  after(() => stopAll(browser, backend, fake));

  test('Settings → Import takes the export ZIP and shows its summary', async () => {
    const zip = await exportZip(fake);
    atExport = await fake.snapshot();
    summary = await importInWebUi(web, backend, zip);
    const messages = atExport.conversations.reduce((n, c) => n + c.messages.length, 0);
    assert.deepEqual(summary.conversations, [atExport.conversations.length, 0, 0]);
    assert.deepEqual(summary.messages, { added: messages, matched: 0, skipped: 0 });
    assert.ok(summary.contacts[0] > 0, JSON.stringify(summary.contacts));
    assert.match(await web.textContent('#import-done'), /waiting for the extension's first sync/);
    await screenshot(web, 'import-summary');
  });

  test('a live sync adds no duplicate and skips the history the export covered', async (t) => {
    // Activity after the export: only the live sync knows it.
    const { conversations: touched } = await fake.activity({ conversations: 3, messagesEach: 2 });
    await fake.clearRequests();
    await syncUntilComplete(popup);
    const calls = (await fake.requests()).filter(isMessages).length;
    t.diagnostic(`message requests after the import: ${calls} (without it: ${baseline})`);
    assert.ok(calls < baseline, `fewer message requests with the import: ${calls} vs ${baseline}`);

    const snapshot = await fake.snapshot();
    const stored = await exported(web, backend);
    assert.deepEqual(stored.map((c) => c.urn).sort(), snapshot.conversations.map((c) => c.urn).sort(),
      'every conversation once, under the live URN');
    const byUrn = new Map(stored.map((c) => [c.urn, c]));
    for (const conversation of snapshot.conversations) {
      const mine = byUrn.get(conversation.urn);
      const urns = mine.messages.map((m) => m.urn);
      assert.equal(new Set(urns).size, urns.length, `no duplicate URN in ${conversation.urn}`);
      assert.equal(urns.length, conversation.messages.length, `every message once in ${conversation.urn}`);
      const live = new Set(conversation.messages);
      const synced = urns.filter((urn) => urn.startsWith('urn:li:msg_message:'));
      assert.ok(synced.every((urn) => live.has(urn)), `live URNs of ${conversation.urn}`);
    }
    for (const urn of touched) {
      const newest = snapshot.conversations.find((c) => c.urn === urn).messages.at(-1);
      assert.ok(byUrn.get(urn).messages.some((m) => m.urn === newest), 'the newer activity arrived');
    }
  });

  test('no contact twice: the imported people are the ones the live sync knows', async () => {
    // Group members who never wrote are joined once the extension backfills their profiles.
    let rows = [];
    await waitFor(async () => {
      rows = people(await contacts(web, backend));
      if (rows.length === summary.contacts[0]) return true;
      const previous = await lastRunId(popup);
      await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'syncNow' })).catch(() => null);
      await waitForRun(popup, previous, 180_000);
      return false;
    }, { timeout: 300_000, interval: 500, what: `${summary.contacts[0]} people in the CRM` });
    const urns = rows.map((row) => row.linkedin_urn).filter(Boolean);
    assert.equal(new Set(urns).size, urns.length, 'no member URN twice');
    const urls = rows.map((row) => row.linkedin_url).filter(Boolean);
    assert.equal(new Set(urls).size, urls.length, 'no profile twice');
  });

  test('importing the same archive again changes nothing', async () => {
    const before = await exported(web, backend);
    const again = await importInWebUi(web, backend, await exportZip(fake));
    assert.equal(again.conversations[0], 0);
    assert.equal(again.messages.added, 0);
    assert.equal(again.contacts[0], 0);
    const after = await exported(web, backend);
    assert.deepEqual(after.map((c) => [c.urn, c.messages.length]).sort(),
      before.map((c) => [c.urn, c.messages.length]).sort());
  });
});
