// Scenarios 2, 3 and 5: the first sync on a LinkedIn page visit, the throttle, Sync Now,
// incremental syncs, and privacy (nothing the backend received carries a LinkedIn cookie).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  JSESSIONID, ageLastSync, exported, LI_AT, lastRunId, screenshot, startPaired, stopAll, syncNow, waitFor, waitForRun,
} from './harness.mjs';

const MESSAGING = '/voyager/api/voyagerMessagingGraphQL/graphql';

/** The folder LinkedIn's categories put a conversation in (ping_core::model::ConversationFolder). */
function folderOf(categories) {
  if (categories.includes('SPAM')) return 'spam';
  if (categories.includes('ARCHIVE')) return 'archived';
  if (categories.includes('SECONDARY_INBOX')) return 'other';
  return 'inbox';
}

/** Asserts the backend holds exactly the fake's mailbox: every conversation and message once,
 * each in its folder. */
async function assertMirrors(web, backend, fake) {
  const snapshot = await fake.snapshot();
  const stored = await exported(web, backend);
  const storedUrns = stored.map((c) => c.urn).sort();
  assert.deepEqual(storedUrns, snapshot.conversations.map((c) => c.urn).sort(), 'conversations');
  const byUrn = new Map(stored.map((c) => [c.urn, c]));
  for (const conversation of snapshot.conversations) {
    const mine = byUrn.get(conversation.urn);
    const messageUrns = mine.messages.map((m) => m.urn);
    assert.equal(new Set(messageUrns).size, messageUrns.length, `no duplicate message in ${conversation.urn}`);
    assert.deepEqual([...messageUrns].sort(), [...conversation.messages].sort(), `messages of ${conversation.urn}`);
    assert.equal(mine.group_chat, conversation.groupChat, `group flag of ${conversation.urn}`);
    assert.equal(mine.folder, folderOf(conversation.categories), `folder of ${conversation.urn}`);
  }
  return { snapshot, stored };
}

function messagingCalls(log) {
  return log.filter((request) => request.path === MESSAGING);
}

/** A logged request's header (the fake logs them as [lowercase name, value] pairs). */
function header(request, name) {
  return request.headers.find(([key]) => key === name)?.[1];
}

describe('sync', () => {
  let fake; let backend; let proxy; let browser; let popup; let web;

  before(async () => {
    ({ fake, backend, proxy, browser, popup, web } =
      // Strict categories: each folder's list holds only that folder's conversations, so message
      // requests and archived threads arrive only if every folder is listed.
      await startPaired({
        fake: { conversations: 30, messages: '0..12', seed: 11, extra: ['--filter-categories'] },
        proxy: true,
      }));
  });

  after(() => stopAll(browser, proxy, backend, fake));

  test('a LinkedIn page visit syncs every conversation and message exactly once', async () => {
    const before = await lastRunId(popup);
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/feed/');
    const run = await waitForRun(popup, before);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    assert.equal(run.trigger, 'pageVisit');
    // Every messaging call carries the page headers LinkedIn's web client sends, taken from
    // the visited page's metas and the browser's time zone.
    const page = await tab.evaluate(() => ({
      ...Object.fromEntries(['i18nLocale', 'serviceVersion', 'clientPageInstanceId']
        .map((name) => [name, document.querySelector(`meta[name="${name}"]`).content])),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }));
    const requests = await fake.requests();
    assert.equal(requests.filter((r) => r.path === '/voyager/api/me').length, 1,
      'a new session: LinkedIn is asked once who is logged in');
    const calls = messagingCalls(requests);
    assert.ok(calls.length > 0, 'the sync made messaging calls');
    for (const call of calls) {
      assert.equal(header(call, 'x-li-lang'), page.i18nLocale);
      const track = JSON.parse(header(call, 'x-li-track') ?? 'null');
      assert.equal(track?.clientVersion, page.serviceVersion);
      assert.equal(track?.timezone, page.timeZone);
      assert.equal(header(call, 'x-li-page-instance'),
        `urn:li:page:messaging_index;${page.clientPageInstanceId}`);
    }
    const { snapshot, stored } = await assertMirrors(web, backend, fake);
    // Group chats keep every participant; directions come from the mailbox owner.
    for (const conversation of snapshot.conversations.filter((c) => c.groupChat)) {
      const mine = stored.find((c) => c.urn === conversation.urn);
      const others = conversation.participants.length - 1 + conversation.organizations.length;
      assert.ok(mine.participants.length >= others, `participants of ${conversation.urn}`);
    }
    const directions = new Set(stored.flatMap((c) => c.messages.map((m) => m.direction)));
    assert.ok(directions.size >= 2, `both directions present: ${[...directions]}`);
    // The web UI's folder tabs: archived (sponsored) threads on their own.
    const archived = snapshot.conversations.filter((c) => folderOf(c.categories) === 'archived');
    assert.ok(archived.length > 0, 'the fake has archived threads');
    await web.goto(`${backend.base}/conversations?folder=archived`);
    const rows = await web.$$eval('#conversations a[data-folder]', (links) => links.map((a) => a.dataset.folder));
    assert.deepEqual(rows, archived.map(() => 'archived'));
    await screenshot(web, 'web-conversations-archived');
    await waitFor(() => popup.isVisible('#sync-now'), { what: 'the popup to show Connected' });
    assert.match(await popup.textContent('#last-sync'), /conversation/);
    await screenshot(popup, 'popup-connected');
    await tab.close();
  });

  test('a second page visit within the throttle makes no messaging call', async () => {
    await fake.clearRequests();
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/feed/');
    // The visit reaches the worker, which checks in with the backend and then declines to sync.
    const hellos = () => proxy.records.filter((r) => r.url.endsWith('/extension/hello')).length;
    const seen = hellos();
    await tab.reload();
    await waitFor(() => hellos() > seen, { what: 'the worker to handle the visit' });
    assert.equal(messagingCalls(await fake.requests()).length, 0);
    assert.match(await popup.textContent('#next-sync'), /in \d+ hours?|in \d+ minutes?/);
    await tab.close();
  });

  test('Sync Now syncs inside the throttle and picks up new messages', async () => {
    const added = await fake.activity({ conversations: 3, messagesEach: 2 });
    assert.equal(added.conversations.length, 3);
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    assert.equal(run.trigger, 'manual');
    await assertMirrors(web, backend, fake);
  });

  test('an incremental sync with nothing new asks for deletions and one list page per folder only', async () => {
    await fake.clearRequests();
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'completed');
    const requests = await fake.requests();
    // The browser's LinkedIn session is the one `/me` answered for in the first sync.
    assert.equal(requests.filter((r) => r.path === '/voyager/api/me').length, 0, 'no /me');
    const calls = messagingCalls(requests);
    const conversations = calls.filter((r) => r.query.includes('messengerConversations'));
    const messages = calls.filter((r) => r.query.includes('messengerMessages'));
    assert.equal(conversations.length, 1 + 3, 'the deletion check and one page of each folder');
    assert.equal(conversations.filter((r) => r.query.includes('syncToken')).length, 1,
      'one deletion check, with the token of the last complete pass');
    assert.equal(messages.length, 0, 'no messages request');
  });

  test('a conversation deleted on LinkedIn leaves the CRM at the next sync', async () => {
    const { conversations: gone } = await fake.deleteConversations(1);
    assert.equal(gone.length, 1);
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    const { stored } = await assertMirrors(web, backend, fake);
    assert.ok(!stored.some((c) => c.urn === gone[0]), 'the deleted conversation is not exported');
  });

  test('a conversation archived on LinkedIn without new activity moves to the archive at the next sync', async () => {
    const { conversations: archived } = await fake.archiveConversations(1);
    assert.equal(archived.length, 1);
    await fake.clearRequests();
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    // The deletion check's answer named it: no request beyond a sync with nothing new.
    const messages = messagingCalls(await fake.requests())
      .filter((r) => r.query.includes('messengerMessages'));
    assert.equal(messages.length, 0, 'no messages request');
    const { stored } = await assertMirrors(web, backend, fake);
    assert.equal(stored.find((c) => c.urn === archived[0])?.folder, 'archived');
  });

  test('a sync asked for in the web UI runs at the next page visit, inside the throttle', async () => {
    await web.goto(`${backend.base}/settings/integrations/linkedin`);
    await Promise.all([web.waitForNavigation(),
      web.click('form[action="/settings/integrations/linkedin/sync"] button')]);
    const before = await lastRunId(popup);
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/feed/');
    const run = await waitForRun(popup, before);
    assert.equal(run.trigger, 'requested');
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    await tab.close();
  });

  test('past the throttle, a page visit asks LinkedIn what changed and pages only that', async () => {
    // Sync Now's listing above found the new activity LinkedIn's sync-token answer had named,
    // so a page visit takes that answer for the listing: no list page, one message page each.
    const added = await fake.activity({ conversations: 2, messagesEach: 2 });
    await ageLastSync(popup, 3 * 60);
    await fake.clearRequests();
    const before = await lastRunId(popup);
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/feed/');
    const run = await waitForRun(popup, before);
    assert.equal(run.trigger, 'pageVisit');
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    const calls = messagingCalls(await fake.requests());
    const conversations = calls.filter((r) => r.query.includes('messengerConversations'));
    assert.equal(conversations.length, 1, 'the sync-token request alone');
    assert.ok(conversations[0].query.includes('syncToken'));
    const paged = calls.filter((r) => r.query.includes('messengerMessages'))
      .map((r) => added.conversations.find((urn) => decodeURIComponent(r.query).includes(urn)));
    assert.deepEqual(paged.sort(), [...added.conversations].sort(), 'one message page per changed conversation');
    await assertMirrors(web, backend, fake);
    await tab.close();
  });

  test('nothing the backend received contains the LinkedIn cookies', async () => {
    assert.ok(proxy.records.length > 5, 'the proxy saw the extension\'s traffic');
    const csrf = JSESSIONID.replaceAll('"', '');
    for (const record of proxy.records) {
      const everything = JSON.stringify(record);
      assert.ok(!everything.includes(LI_AT), `li_at in ${record.method} ${record.url}`);
      assert.ok(!everything.includes(csrf), `JSESSIONID in ${record.method} ${record.url}`);
      assert.equal(record.headers.cookie, undefined, `a cookie header on ${record.url}`);
    }
  });
});
