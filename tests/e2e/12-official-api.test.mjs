// Scenario: the official LinkedIn API side (issue 13), driven from the web UI against the fake.
// The user enters the LinkedIn app's client id and secret, clicks Connect, is sent to the fake's
// authorization page on www.linkedin.com, consents (the fake consents at once), and lands back on
// the callback: the page shows the connection and the granted scopes, and the fake saw the code
// exchanged with the redirect URI it was issued for. Then an organisation post with an image:
// the fake receives the image upload first, then the post referencing the image's URN.
// Chromium reaches www.linkedin.com through its host mapping; the backend reaches the same host
// through a CONNECT proxy to the fake (HTTPS_PROXY), trusting the fake's certificate through
// PING_EXTRA_CA_CERTS, and LinkedIn's API host at the fake's https://127.0.0.1:PORT base.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  launchBrowser, loginWeb, screenshot, startBackend, startFake, stopAll,
} from './harness.mjs';

const APP_PAGE = '/settings/integrations/linkedin/app';
const CALLBACK = `${APP_PAGE}/callback`;
const CLIENT_ID = 'fake-client-id';
const CLIENT_SECRET = 'fake-client-secret';
const SCOPES = ['openid', 'profile', 'r_organization_admin', 'w_organization_social'];
// A 2×1 PNG (red, blue).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==',
  'base64',
);

/** A port free right now, for a backend whose public URL must be known before it starts. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A CONNECT proxy that tunnels www.linkedin.com:443 to the fake and refuses every other host:
 * the backend's way to www.linkedin.com, as Chromium's host mapping is the browser's.
 */
async function startLinkedInTunnel(fakePort) {
  const connects = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => { res.writeHead(405); res.end(); });
  server.on('connect', (req, client, head) => {
    connects.push(req.url);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (req.url !== 'www.linkedin.com:443') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(fakePort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    connects,
    stop: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(resolve);
    }),
  };
}

/** GET on one of the fake's official control routes (`/__fake/official/<route>`). */
function officialControl(fake, route) {
  return new Promise((resolve, reject) => {
    https.get(`${fake.base}/__fake/official/${route}`, { rejectUnauthorized: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        if (response.statusCode !== 200) reject(new Error(`official ${route}: ${response.statusCode} ${body}`));
        else resolve(JSON.parse(body));
      });
    }).on('error', reject);
  });
}

/** Whether a logged request came from a browser (Chromium sends these; reqwest does not). */
function fromBrowser(request) {
  return request.headers.some(([name, value]) => name === 'sec-fetch-mode'
    || (name === 'user-agent' && value.startsWith('Mozilla/')));
}

describe('the official LinkedIn API from the web UI', () => {
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ping-e2e-cert-'));
  const certificate = path.join(certDir, 'fake-linkedin.pem');
  let fake; let tunnel; let backend; let browser; let web;

  before(async () => {
    try {
      fake = await startFake({ conversations: 1, messages: '1..1', extra: ['--cert-out', certificate] });
      tunnel = await startLinkedInTunnel(fake.port);
      const port = await freePort();
      backend = await startBackend({
        env: {
          PING_BIND: `127.0.0.1:${port}`,
          PING_PUBLIC_URL: `http://127.0.0.1:${port}`,
          PING_SECRETS_KEY: crypto.randomBytes(32).toString('hex'),
          PING_EXTRA_CA_CERTS: certificate,
          // OAuth on www.linkedin.com (the default host), reached through the tunnel; the REST
          // API at the fake's own base.
          PING_LINKEDIN_API_URL: fake.base,
          HTTPS_PROXY: tunnel.url,
          https_proxy: tunnel.url,
          NO_PROXY: '127.0.0.1,localhost',
          no_proxy: '127.0.0.1,localhost',
        },
      });
      browser = await launchBrowser({ fakePort: fake.port });
      web = await loginWeb(browser, backend);
    } catch (error) {
      await stopAll(browser, backend, tunnel, fake);
      throw error;
    }
  });

  after(async () => {
    await stopAll(browser, backend, tunnel, fake);
    fs.rmSync(certDir, { recursive: true, force: true });
  });

  test('connecting the LinkedIn app goes through LinkedIn authorization and shows the granted scopes', async () => {
    await web.goto(`${backend.base}${APP_PAGE}`);
    assert.equal(await web.textContent('#redirect-uri'), `${backend.base}${CALLBACK}`);
    await web.fill('#client-id', CLIENT_ID);
    await web.fill('#client-secret', CLIENT_SECRET);
    for (const scope of SCOPES) await web.check(`#scope-choices input[value="${scope}"]`);
    await Promise.all([web.waitForURL(/notice=saved/), web.click('#save-app')]);
    assert.match(await web.textContent('#app-notice'), /LinkedIn app saved/);

    // Every top-level navigation the click leads to: the authorization page, the callback.
    const navigations = [];
    const onRequest = (request) => {
      if (request.isNavigationRequest() && request.frame() === web.mainFrame()) navigations.push(request.url());
    };
    web.on('request', onRequest);
    await fake.clearRequests();
    await Promise.all([web.waitForURL(/notice=connected/), web.click('#connect-app')]);
    web.off('request', onRequest);

    const authorization = navigations.map((url) => new URL(url))
      .find((url) => url.origin === 'https://www.linkedin.com' && url.pathname === '/oauth/v2/authorization');
    assert.ok(authorization, `the browser went to LinkedIn's authorization page: ${navigations.join(' → ')}`);
    assert.equal(authorization.searchParams.get('response_type'), 'code');
    assert.equal(authorization.searchParams.get('client_id'), CLIENT_ID);
    assert.equal(authorization.searchParams.get('redirect_uri'), `${backend.base}${CALLBACK}`);
    assert.deepEqual(authorization.searchParams.get('scope').split(' ').sort(), [...SCOPES].sort());
    const state = authorization.searchParams.get('state');
    assert.ok(state && state.length >= 16, 'the authorization request carries a state');
    const callback = navigations.map((url) => new URL(url))
      .find((url) => url.origin === backend.base && url.pathname === CALLBACK);
    assert.ok(callback, `the browser came back to the callback: ${navigations.join(' → ')}`);
    assert.equal(callback.searchParams.get('state'), state);
    const code = callback.searchParams.get('code');
    assert.ok(code, 'the callback carries a code');

    // The settings page shows the connection, active, with the scopes LinkedIn granted.
    assert.match(await web.textContent('#app-notice'), /Connected to LinkedIn/);
    assert.equal(await web.getAttribute('#official-connection', 'data-state'), 'active');
    assert.ok(await web.isVisible('#token-active'));
    const granted = await web.$$eval('#granted-scopes code', (codes) => codes.map((c) => c.textContent));
    assert.deepEqual(granted.sort(), [...SCOPES].sort());
    await screenshot(web, 'web-official-app-connected');

    // The fake saw the browser at the authorization page, then the backend (not the browser)
    // exchange that very code for the redirect URI it was issued for.
    const requests = await fake.requests();
    const asked = requests.filter((r) => r.path === '/oauth/v2/authorization');
    assert.equal(asked.length, 1);
    assert.ok(fromBrowser(asked[0]), 'the authorization page was opened in the browser');
    const exchanges = requests.filter((r) => r.method === 'POST' && r.path === '/oauth/v2/accessToken');
    assert.equal(exchanges.length, 1, 'one token exchange');
    const [exchange] = exchanges;
    assert.ok(!fromBrowser(exchange), 'the backend exchanged the code, not the browser');
    assert.ok(exchange.seq > asked[0].seq);
    const form = new URLSearchParams(exchange.body);
    assert.equal(form.get('grant_type'), 'authorization_code');
    assert.equal(form.get('code'), code);
    assert.equal(form.get('redirect_uri'), `${backend.base}${CALLBACK}`);
    assert.equal(form.get('client_id'), CLIENT_ID);
    assert.ok(tunnel.connects.includes('www.linkedin.com:443'), 'the backend called www.linkedin.com');
    const official = await officialControl(fake, 'state');
    assert.equal(official.codes, 0, 'the code was used');
    assert.equal(official.tokens, 1, 'one access token issued');
  });

  test('an organisation post with an image uploads the image first, then posts referencing it', async () => {
    await web.goto(`${backend.base}${APP_PAGE}/posts`);
    await web.waitForSelector('#post-form');
    assert.ok(await web.isVisible('#no-posts'), 'no post yet');
    const organization = await web.$eval('#post-organization option', (option) => option.value);
    assert.match(organization, /^urn:li:organization:\d+$/);
    const text = 'Ping now posts for our Page, with a picture.';
    await web.selectOption('#post-organization', organization);
    await web.fill('#post-commentary', text);
    await web.setInputFiles('#post-image', { name: 'launch.png', mimeType: 'image/png', buffer: PNG });
    await web.fill('#post-alt', 'Two pixels, red and blue');
    await web.selectOption('#post-visibility', 'PUBLIC');
    await fake.clearRequests();
    await Promise.all([web.waitForURL(/sent=/), web.click('#send-post')]);
    assert.match(new URL(web.url()).search, /sent=published/);
    assert.match(await web.textContent('#post-notice'), /Posted on LinkedIn/);

    // The fake: initializeUpload, the PUT of the bytes, then the post naming the image's URN.
    const requests = (await fake.requests()).sort((a, b) => a.seq - b.seq);
    const initialize = requests.filter((r) => r.method === 'POST' && r.path === '/rest/images');
    const uploads = requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/dms-uploads/'));
    const posts = requests.filter((r) => r.method === 'POST' && r.path === '/rest/posts');
    assert.equal(initialize.length, 1, 'one upload initialised');
    assert.equal(new URLSearchParams(initialize[0].query).get('action'), 'initializeUpload');
    assert.equal(JSON.parse(initialize[0].body).initializeUploadRequest.owner, organization);
    assert.equal(uploads.length, 1, 'one image upload');
    assert.equal(posts.length, 1, 'one post');
    assert.ok(initialize[0].seq < uploads[0].seq && uploads[0].seq < posts[0].seq,
      'initializeUpload, then the upload, then the post');
    assert.ok([initialize[0], uploads[0], posts[0]].every((r) => !fromBrowser(r)), 'sent by the backend');
    const official = await officialControl(fake, 'state');
    const imageUrns = Object.keys(official.images);
    assert.equal(imageUrns.length, 1);
    const [imageUrn] = imageUrns;
    assert.match(imageUrn, /^urn:li:image:/);
    // The image's bytes went whole: the length sent, and the body as the fake logs it (decoded
    // as lossy UTF-8, so compared with the same decoding; its image count is of that text).
    const uploadHeader = (name) => uploads[0].headers.find(([key]) => key === name)?.[1];
    assert.equal(uploadHeader('content-length'), String(PNG.length));
    assert.equal(uploads[0].body, PNG.toString('utf8'), 'the upload carried the PNG');
    assert.equal(official.images[imageUrn], Buffer.byteLength(PNG.toString('utf8')));
    const post = JSON.parse(posts[0].body);
    assert.equal(post.author, organization);
    assert.equal(post.commentary, text);
    assert.equal(post.visibility, 'PUBLIC');
    assert.equal(post.content.media.id, imageUrn, 'the post references the uploaded image');
    assert.equal(post.content.media.altText, 'Two pixels, red and blue');
    assert.equal(official.posts.length, 1);
    const postUrn = official.posts[0].id;

    // The web UI lists the post as published, with its image and post URNs.
    const rows = await web.$$eval('#posts tbody tr', (trs) => trs.map((tr) => ({
      state: tr.dataset.state,
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
      postUrn: tr.querySelector('.post-urn')?.textContent,
    })));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].state, 'published');
    assert.equal(rows[0].cells[1], organization);
    assert.equal(rows[0].cells[2], text);
    assert.equal(rows[0].cells[3], imageUrn);
    assert.equal(rows[0].postUrn, postUrn);
    await screenshot(web, 'web-official-post-published');
  });
});
