// Scenario 4: profile capture on a page visit, backfill of the people synced, and avatars the
// backend cannot download itself, fetched in the browser and uploaded.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  screenshot, startPaired, stopAll, syncNow, waitFor,
} from './harness.mjs';

/** The role line ("title · company") of each contact on the web UI's contacts page, by name. */
async function contactRoles(web, backend) {
  await web.goto(`${backend.base}/contacts`);
  return web.$$eval('#contacts li', (rows) => rows.map((row) => ({
    name: row.querySelector('.name')?.textContent.trim(),
    role: row.querySelector('.role')?.textContent.trim(),
    avatar: Boolean(row.querySelector('img.avatar')),
  })));
}

describe('profiles and avatars', () => {
  let fake; let backend; let proxy; let browser; let popup; let web; let snapshot; let firstRun;

  before(async () => {
    ({ fake, backend, proxy, browser, popup, web } =
      await startPaired({ fake: { conversations: 5, messages: '1..3', seed: 5 }, proxy: true }));
    firstRun = await syncNow(popup);
    assert.equal(firstRun.outcome, 'completed', JSON.stringify(firstRun.errors));
    snapshot = await fake.snapshot();
  });

  after(() => stopAll(browser, proxy, backend, fake));

  const fullName = (member) => `${member.firstName} ${member.lastName}`;
  const correspondents = () => {
    const urns = new Set(snapshot.conversations.flatMap((c) => c.participants));
    return snapshot.members.filter((m) => !m.isOwner && urns.has(m.urn));
  };

  test('the sync backfills title and company of the people it met', async () => {
    assert.ok(firstRun.profilesBackfilled > 0, 'profiles were backfilled');
    const roles = await contactRoles(web, backend);
    const filled = correspondents().filter((member) =>
      roles.some((row) => row.name === fullName(member) && row.role === `${member.title} · ${member.company}`));
    assert.ok(filled.length >= Math.min(firstRun.profilesBackfilled, correspondents().length),
      `${filled.length} contacts show their title and company`);
  });

  test('a visited profile page is captured and pushed', async () => {
    const member = correspondents()[0];
    const tab = await browser.ctx.newPage();
    await tab.goto(`https://www.linkedin.com/in/${member.publicIdentifier}/`);
    const push = await waitFor(() => proxy.records.find((r) => r.url.endsWith('/api/v1/profiles')
      && r.status === 200 && JSON.parse(r.body).source === 'pageVisit'),
    { what: 'the profile capture to reach the backend' });
    const [profile] = JSON.parse(push.body).profiles;
    assert.equal(profile.publicIdentifier, member.publicIdentifier);
    assert.equal(profile.title, member.title);
    assert.equal(profile.company, member.company);
    await tab.close();
  });

  test('a profile reached inside the single-page app is captured too', async () => {
    const member = correspondents().at(-1);
    const captured = () => proxy.records.some((r) => {
      if (!r.url.endsWith('/api/v1/profiles') || r.status !== 200) return false;
      const push = JSON.parse(r.body);
      return push.source === 'pageVisit' && push.profiles.some((p) => p.publicIdentifier === member.publicIdentifier);
    });
    assert.ok(!captured(), 'not captured before');
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/feed/');
    // What LinkedIn's client does: change the URL without a load, then render the profile.
    await tab.evaluate(async (slug) => {
      const html = await (await fetch(`/in/${slug}/`)).text();
      history.pushState({}, '', `/in/${slug}/`);
      document.documentElement.innerHTML = new DOMParser().parseFromString(html, 'text/html').documentElement.innerHTML;
    }, member.publicIdentifier);
    await waitFor(captured, { what: 'the in-app profile visit to be captured' });
    await tab.close();
  });

  test('avatars LinkedIn serves only to browsers are uploaded from the browser', async () => {
    const pictured = correspondents().filter((m) => m.hasPicture);
    assert.ok(pictured.length > 0, 'the fake gives some correspondents a picture');
    const tab = await browser.ctx.newPage();
    // The backend cannot reach LinkedIn's CDN here, gives up after a few tries and asks the
    // extension in its next answer; each profile visit is such an answer.
    await waitFor(async () => {
      await tab.goto(`https://www.linkedin.com/in/${pictured[0].publicIdentifier}/`);
      return proxy.records.some((r) => r.url.endsWith('/api/v1/avatars') && r.status === 204);
    }, { timeout: 120_000, interval: 3_000, what: 'an avatar upload from the browser' });
    const upload = JSON.parse(proxy.records.find((r) => r.url.endsWith('/api/v1/avatars')).body);
    assert.match(upload.sourceUrl, /^https:\/\/media\.licdn\.com\//);
    assert.ok(upload.dataBase64.length > 100);
    const roles = await waitFor(async () => {
      const rows = await contactRoles(web, backend);
      return rows.some((row) => row.avatar) ? rows : null;
    }, { what: 'an avatar on the contacts page' });
    assert.ok(roles.some((row) => row.avatar));
    await screenshot(web, 'web-contacts');
    await tab.close();
  });
});

describe('backfill across syncs', () => {
  let fake; let backend; let proxy; let browser; let popup; let web;

  before(async () => {
    ({ fake, backend, proxy, browser, popup, web } =
      await startPaired({ fake: { conversations: 26, messages: '1..2', seed: 9 }, proxy: true }));
  });

  after(() => stopAll(browser, proxy, backend, fake));

  test('every contact gets title and company over later syncs, quiet ones too, each looked up once', async () => {
    const snapshot = await fake.snapshot();
    const urns = new Set(snapshot.conversations.flatMap((c) => c.participants));
    const wanted = snapshot.members.filter((m) => !m.isOwner && urns.has(m.urn) && m.title && m.company);
    assert.ok(wanted.length > 20, `${wanted.length} contacts, more than two runs' share`);
    const unfilled = async () => {
      const roles = await contactRoles(web, backend);
      return wanted.filter((member) => !roles.some((row) =>
        row.name === `${member.firstName} ${member.lastName}` && row.role === `${member.title} · ${member.company}`));
    };
    // The first sync, then quiet ones (nothing new on LinkedIn): each looks up its share.
    const runs = [];
    while (runs.length < 8 && (runs.length === 0 || (await unfilled()).length > 0)) {
      const run = await syncNow(popup);
      assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
      runs.push(run);
    }
    assert.deepEqual((await unfilled()).map((m) => m.publicIdentifier), [], 'every contact filled');
    assert.ok(runs.slice(1).some((run) => run.messagesProcessed === 0 && run.profilesBackfilled > 0),
      'a quiet sync backfilled');
    const lookups = (await fake.requests())
      .filter((r) => r.path === '/voyager/api/identity/dash/profiles')
      .map((r) => new URLSearchParams(r.query).get('memberIdentity'));
    assert.equal(new Set(lookups).size, lookups.length, 'no profile looked up twice');
  });
});
