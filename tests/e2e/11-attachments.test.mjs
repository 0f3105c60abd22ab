// Scenario: message attachments come into the CRM (issue 11). A correspondent sends a picture,
// a PDF, a voice message and a file over the extension's 25 MB cap. Sync Now downloads what
// the backend names in the browser, with the user's LinkedIn session and within the pace, and
// uploads it: the picture shows in the conversation's timeline, the PDF downloads byte for byte
// as LinkedIn served it, the voice message plays, the large file is listed with the reason it
// was not downloaded, and another user of the CRM can fetch none of them. Links that expired
// in the meantime are refreshed by re-reading their message, not retried.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request as playwrightRequest } from 'playwright-core';
import {
  ROOT, screenshot, startPaired, stopAll, syncNow, updateSettings, waitFor,
} from './harness.mjs';

const MB = 1024 * 1024;
const FILES = [
  { kind: 'image' },
  { kind: 'file', name: 'deck-v3.pdf', mediaType: 'application/pdf', byteSize: 48_213 },
  { kind: 'audio' },
  { kind: 'file', name: 'site-video.zip', mediaType: 'application/zip', byteSize: 30 * MB },
];

/** Adds a web login straight into the backend's database (the `user add` command). */
function addUser(backend, email, password) {
  const added = spawnSync(path.join(ROOT, 'target/native-release/ping-backend'),
    ['user', 'add', email, '--password-stdin', '--database-url', `sqlite://${backend.dir}/ping.db`],
    { input: `${password}\n`, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
}

/** An HTTP client logged in to the web UI as `email`, with cookies of its own. */
async function loggedIn(backend, email, password) {
  const client = await playwrightRequest.newContext({ baseURL: backend.base });
  const form = await (await client.get('/login')).text();
  const csrf = form.match(/name="csrf" value="([^"]+)"/)[1];
  const login = await client.post('/login', { form: { csrf, email, password }, maxRedirects: 0 });
  assert.equal(login.status(), 303, 'logged in');
  return client;
}

describe('attachments', () => {
  let fake; let backend; let browser; let popup; let web; let added; let run; let downloads;
  let progressShown; let progressPublished;

  before(async () => {
    ({ fake, backend, browser, popup, web } = await startPaired({
      fake: { conversations: 3, messages: '1..2', seed: 11 },
    }));
    // Synced first with downloads off, and links that expire at once: the backend holds only
    // stale links when downloads are turned on.
    added = await fake.attachments(FILES);
    await fake.tuning({ attachmentTtlSecs: -1 });
    await updateSettings(popup, { attachments: 'off' });
    const first = await syncNow(popup);
    assert.equal(first.outcome, 'completed', JSON.stringify(first.errors));
    assert.equal(first.attachmentsStored, 0);
    await fake.tuning({ attachmentTtlSecs: 3600 });
    await updateSettings(popup, { attachments: 'all' });
    await fake.clearRequests();
    // Every progress the worker publishes during the run, and every line the popup shows. The
    // popup asks for its state after each change, so a quick phase may end before it shows.
    await popup.evaluate(() => {
      window.progressShown = [];
      window.progressPublished = [];
      const line = document.getElementById('progress');
      new MutationObserver(() => window.progressShown.push(line.textContent))
        .observe(line, { childList: true, characterData: true, subtree: true });
      chrome.storage.onChanged.addListener((changes, area) => {
        if (area === 'session' && changes.progress?.newValue) window.progressPublished.push(changes.progress.newValue);
      });
    });
    run = await syncNow(popup);
    progressShown = await popup.evaluate(() => window.progressShown);
    progressPublished = await popup.evaluate(() => window.progressPublished);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    downloads = (await fake.requests()).filter((r) => r.path.startsWith('/dms/prv/'));
  });

  after(() => stopAll(browser, backend, fake));

  /** The stored conversation page of the added conversation, opened in the web UI. */
  async function openConversation() {
    await web.goto(`${backend.base}/conversations`);
    await web.click('#conversations li:first-child a');
    await web.waitForSelector('.attachments');
  }

  test('the picture, the PDF and the voice message are stored, expired links refreshed by re-reading', async () => {
    assert.equal(run.attachmentsStored, 3, JSON.stringify(run));
    // The progress counted them as they went: the last phase of a run moves no other figure.
    assert.ok(progressPublished.some((progress) => progress.attachments >= 1),
      JSON.stringify(progressPublished));
    for (const line of progressShown.filter((shown) => shown.includes('attachment'))) {
      assert.match(line, / and \d+ attachments? so far$/);
    }
    // Every link the backend held had expired: each was asked once as it was, then its message
    // re-read and the fresh link fetched. No link was asked twice.
    const byAsset = new Map();
    for (const r of downloads) byAsset.set(r.path, [...(byAsset.get(r.path) ?? []), r]);
    assert.equal(byAsset.size, 3, JSON.stringify([...byAsset.keys()]));
    for (const [asset, tries] of byAsset) {
      assert.equal(tries.length, 2, asset);
      assert.notEqual(tries[0].query, tries[1].query, `${asset}: the second link is a fresh one`);
    }
    // The file over the cap was never requested.
    const big = added.attachments[3].bytesPath.split('/').pop();
    assert.ok(![...byAsset.keys()].some((asset) => asset.includes(big)));
    // Fetched with the browser's LinkedIn session.
    for (const download of downloads) {
      const cookie = download.headers.find(([name]) => name === 'cookie')?.[1] ?? '';
      assert.match(cookie, /li_at=/);
    }
  });

  test('the timeline shows the picture, plays the voice message and says why the large file is missing', async () => {
    await openConversation();
    const image = await web.waitForSelector('.attachment.image img');
    await waitFor(() => image.evaluate((img) => img.complete && img.naturalWidth > 0),
      { what: 'the picture to render' });
    assert.equal(await image.evaluate((img) => img.naturalWidth), 720);
    const audio = await web.$('.attachment.audio audio');
    assert.ok(audio, 'a player for the voice message');
    const missing = await web.textContent('.attachment.missing');
    assert.match(missing, /site-video\.zip/);
    assert.match(missing, /30 MB is over the 25 MB cap/);
    await screenshot(web, 'attachments-timeline');
  });

  test('the PDF downloads byte for byte as LinkedIn served it', async () => {
    await openConversation();
    const href = await web.getAttribute('.attachment.download a', 'href');
    const response = await web.request.get(`${backend.base}${href}`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-disposition'], /^attachment; filename="deck-v3\.pdf"/);
    assert.equal(response.headers()['x-content-type-options'], 'nosniff');
    const original = await fake.attachmentBytes(added.attachments[1].bytesPath);
    const stored = await response.body();
    assert.equal(stored.length, 48_213);
    assert.ok(stored.equals(original), 'identical bytes');
  });

  test('another user of the CRM can fetch none of them', async () => {
    await openConversation();
    const hrefs = await web.$$eval('.attachments [href], .attachments [src]',
      (elements) => elements.map((e) => e.getAttribute('href') ?? e.getAttribute('src')));
    assert.equal(new Set(hrefs).size, 3, JSON.stringify(hrefs));
    addUser(backend, 'eve@localhost', 'eve-password-123');
    const eve = await loggedIn(backend, 'eve@localhost', 'eve-password-123');
    try {
      for (const href of new Set(hrefs)) {
        assert.equal((await eve.get(href)).status(), 404, href);
        const owner = await web.request.get(`${backend.base}${href}`);
        assert.equal(owner.status(), 200, href);
      }
    } finally {
      await eve.dispose();
    }
  });
});
