// Scenario: the backend downloads avatars itself, over HTTPS (issue 9 item 6). The backend
// downloads every picture the sync pushes; only when LinkedIn's CDN refuses it (403, an expired
// URL, a timeout) does it ask the extension to fetch the bytes in the browser and upload them
// (05-profiles covers that path). Here the fake hands out picture URLs on itself
// (`--media-direct`: https://127.0.0.1:PORT/media/…, which the backend can reach, unlike the
// media.licdn.com that only Chromium maps to the fake), with a certificate the backend trusts
// through PING_EXTRA_CA_CERTS alone.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  screenshot, startPaired, stopAll, syncNow, waitFor,
} from './harness.mjs';

/** GETs `url` trusting only the certificate `ca` (PEM); resolves with the status and bytes. */
function fetchTrusting(url, ca) {
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, bytes: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

/** Each contact's name and the avatar the contacts page shows for it (its /avatars/ path). */
async function contactAvatars(web, backend) {
  await web.goto(`${backend.base}/contacts`);
  return web.$$eval('#contacts li', (rows) => rows.map((row) => ({
    name: row.querySelector('.name')?.textContent.trim(),
    avatar: row.querySelector('img.avatar')?.getAttribute('src') ?? null,
  })));
}

/** Whether a logged request came from a browser (Chromium sends these; reqwest does not). */
function fromBrowser(request) {
  return request.headers.some(([name, value]) => name === 'sec-fetch-mode'
    || (name === 'user-agent' && value.startsWith('Mozilla/')));
}

describe('avatars the backend downloads itself over HTTPS', () => {
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ping-e2e-cert-'));
  const certificate = path.join(certDir, 'fake-linkedin.pem');
  let fake; let backend; let proxy; let browser; let popup; let web; let snapshot; let run;

  before(async () => {
    ({ fake, backend, proxy, browser, popup, web } = await startPaired({
      fake: {
        conversations: 6, messages: '1..2', seed: 5, extra: ['--media-direct', '--cert-out', certificate],
      },
      backend: { env: { PING_EXTRA_CA_CERTS: certificate } },
      proxy: true,
    }));
    run = await syncNow(popup);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    snapshot = await fake.snapshot();
  });

  after(async () => {
    await stopAll(browser, proxy, backend, fake);
    fs.rmSync(certDir, { recursive: true, force: true });
  });

  const fullName = (member) => `${member.firstName} ${member.lastName}`;
  // People the sync met whose picture LinkedIn's CDN serves to servers too.
  const serverFetchable = () => {
    const urns = new Set(snapshot.conversations.flatMap((c) => c.participants));
    return snapshot.members.filter((m) => !m.isOwner && urns.has(m.urn)
      && m.hasPicture && !m.pictureBrowserOnly);
  };

  test('the backend downloads the pictures over HTTPS and the web UI shows them', async () => {
    const pictured = serverFetchable();
    assert.ok(pictured.length > 0, 'the fake gives some correspondents a picture servers may fetch');
    const shown = await waitFor(async () => {
      const rows = await contactAvatars(web, backend);
      const avatars = pictured.map((member) => rows.find((row) => row.name === fullName(member))?.avatar);
      return avatars.every(Boolean) ? avatars : null;
    }, { what: 'an avatar on the contacts page for every server-fetchable picture' });
    await screenshot(web, 'web-contacts-server-avatars');

    // The backend asked the fake for the pictures itself, and the extension uploaded none.
    const downloads = (await fake.requests()).filter((r) => r.path.startsWith('/media/dms/'));
    assert.ok(downloads.length >= pictured.length, `${downloads.length} picture downloads`);
    assert.ok(downloads.every((r) => !fromBrowser(r)), 'no picture was fetched by the browser');
    assert.ok(!proxy.records.some((r) => r.url.endsWith('/api/v1/avatars')), 'no browser upload');

    // The stored bytes are the fake's pictures: each /avatars/<hash> shown is the SHA-256 of a
    // download the backend made, fetched again here trusting the fake's certificate alone (the
    // pictures LinkedIn serves to browsers only are refused to both).
    const ca = fs.readFileSync(certificate);
    const downloaded = new Map();
    for (const request of downloads) {
      const url = `${fake.base}${request.path}?${request.query}`;
      if (downloaded.has(url)) continue;
      const { status, bytes } = await fetchTrusting(url, ca);
      if (status === 200) {
        downloaded.set(url, { bytes, hash: crypto.createHash('sha256').update(bytes).digest('hex') });
      }
    }
    const hashes = [...downloaded.values()].map((d) => `/avatars/${d.hash}`);
    assert.ok(shown.every((avatar) => hashes.includes(avatar)), `${shown} among ${hashes}`);
    const { bytes, hash } = [...downloaded.values()].find((d) => shown.includes(`/avatars/${d.hash}`));
    const served = await web.request.get(`${backend.base}/avatars/${hash}`);
    assert.equal(served.status(), 200);
    assert.equal(served.headers()['content-type'], 'image/png');
    assert.deepEqual(Buffer.from(await served.body()), bytes);
  });
});
