// Account safety: the extension reads LinkedIn like a careful person. At the default pace a
// 300-conversation account brings every conversation with its latest message first, without
// tripping a limiter set at LinkedIn-like limits; the deep history comes over several runs
// within the budget; a security checkpoint stops everything and pauses syncing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  exported, lastRunId, screenshot, startPaired, stopAll, storage, syncNow, waitFor, waitForPopupState,
  waitForRun,
} from './harness.mjs';

const MESSAGING = '/voyager/api/voyagerMessagingGraphQL/graphql';

/** Voyager calls in the order the fake saw them. */
async function voyagerCalls(fake) {
  return (await fake.requests()).filter((r) => r.path.startsWith('/voyager/'));
}

const isList = (r) => r.path === MESSAGING && r.query.includes('queryId=messengerConversations.');
const isMessages = (r) => r.path === MESSAGING && r.query.includes('queryId=messengerMessages.');

describe('a first sync at the default pace', () => {
  let fake; let backend; let browser; let popup; let web;

  before(async () => {
    ({ fake, backend, browser, popup, web } = await startPaired({
      // LinkedIn's list entries carry each conversation's last message.
      fake: { conversations: 300, messages: '1..30', seed: 11, extra: ['--embed-last-percent', '100'] },
      pace: 'standard',
    }));
    await fake.limiter(); // LinkedIn-like limits: 100 calls a minute, 900 an hour
  });

  after(() => stopAll(browser, backend, fake));

  test('brings every conversation with its latest message before any history, within LinkedIn-like limits', async () => {
    await fake.clearRequests();
    await popup.click('#sync-now');
    const snapshot = await fake.snapshot();
    const latest = new Map(snapshot.conversations.map((c) => [c.urn, c.messages.at(-1)]));
    await waitFor(async () => {
      const stored = await exported(web, backend);
      return stored.length === latest.size
        && stored.every((c) => c.messages.some((m) => m.urn === latest.get(c.urn)));
    }, { timeout: 240_000, interval: 2_000, what: 'every conversation with its latest message' });

    // The list is done once message pages begin.
    const calls = await waitFor(async () => {
      const logged = await voyagerCalls(fake);
      return logged.some(isMessages) ? logged : null;
    }, { timeout: 240_000, interval: 1_000, what: 'the first message page' });
    const lastList = calls.findLastIndex(isList);
    const firstMessages = calls.findIndex(isMessages);
    // `/me`, the deletion check, the inbox's 15 list pages of 20 and one page each of Other and
    // Archived (this fake lists every folder whatever is asked, so each repeats page one):
    // then, and only then, message pages.
    assert.equal(calls.filter(isList).length, 1 + 15 + 2, 'the deletion check and the list pages');
    assert.ok(firstMessages > lastList, 'no message page before the list is done');

    const limiter = await fake.limiterState();
    assert.equal(limiter.strikes, 0);
    assert.equal(limiter.checkpointServed, false);
    assert.ok(limiter.mostCallsInAMinute <= limiter.limits.perMinute, JSON.stringify(limiter));
    assert.equal(calls.filter((r) => r.limiter).length, 0, 'the limiter refused nothing');

    await popup.reload();
    await waitFor(async () => (await popup.textContent('#budget'))?.includes('this hour'),
      { what: 'the budget line' });
    assert.match(await popup.textContent('#budget'), /LinkedIn calls \(standard pace\): \d+ of 120 this hour/);
    await screenshot(popup, 'popup-first-sync-at-standard-pace');
  });
});

describe('the deep history within the budget', () => {
  let fake; let backend; let browser; let popup; let web;

  before(async () => {
    // The compressed test pace: Standard's budgets in windows a thousand times shorter.
    ({ fake, backend, browser, popup, web } =
      await startPaired({ fake: { conversations: 200, messages: '10..90', seed: 12 } }));
  });

  after(() => stopAll(browser, backend, fake));

  test('arrives over several runs, every message once', async () => {
    const runs = [];
    let sawHistoryLine = false;
    await waitFor(async () => {
      const before = await lastRunId(popup);
      await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'syncNow' })).catch(() => null);
      const run = await waitForRun(popup, before, 180_000);
      runs.push(run);
      const history = await popup.textContent('#history').catch(() => '');
      sawHistoryLine ||= /History: [\d,]+ of [\d,]+ conversations complete/.test(history ?? '');
      const state = await storage(popup, 'local', 'syncState');
      const done = run.outcome === 'completed' && !state.pass && Object.keys(state.history ?? {}).length === 0;
      return done ? run : null;
    }, { timeout: 600_000, interval: 1_000, what: 'the whole history' });

    assert.ok(runs.length >= 2, `one run took everything: ${JSON.stringify(runs.map((r) => r.outcome))}`);
    assert.ok(runs.some((r) => r.errors.some((e) => e.includes("stay within LinkedIn's limits"))),
      JSON.stringify(runs.map((r) => r.errors)));
    assert.ok(sawHistoryLine, 'the popup showed the history progress');

    const snapshot = await fake.snapshot();
    const stored = new Map((await exported(web, backend)).map((c) => [c.urn, c]));
    for (const conversation of snapshot.conversations) {
      const urns = stored.get(conversation.urn).messages.map((m) => m.urn);
      assert.equal(new Set(urns).size, urns.length, `no duplicate in ${conversation.urn}`);
      assert.deepEqual([...urns].sort(), [...conversation.messages].sort(), `messages of ${conversation.urn}`);
    }
  });

  test('a security checkpoint stops at once and pauses every sync', async () => {
    await fake.activity({ conversations: 2, messagesEach: 1 });
    await fake.fault({ kind: 'tooManyRequests', challenge: true, persistent: true });
    await fake.clearRequests();
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'interrupted');
    const calls = await voyagerCalls(fake);
    // The first call that met the checkpoint (`/me` for a new session, or the one after it) was
    // the last.
    assert.ok(calls.length <= 2, `never retried into the checkpoint: ${calls.length} calls`);

    await waitForPopupState(popup, 'securityCheck');
    assert.equal(await popup.textContent('#status-title'), 'LinkedIn wants a security check');
    assert.ok(await popup.isVisible('#open-linkedin'));
    assert.ok(await popup.isDisabled('#sync-now'), 'Sync Now is disabled');
    assert.match(await popup.textContent('#sync-now-reason'), /Sync Now is off until/);
    await screenshot(popup, 'popup-security-check');

    // Neither a LinkedIn page visit nor a Sync Now message calls LinkedIn during the cool-down.
    await fake.clearFaults();
    await fake.clearRequests();
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/feed/');
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'syncNow' }));
    await new Promise((resolve) => { setTimeout(resolve, 5_000); });
    assert.equal((await voyagerCalls(fake)).filter((r) => r.path === MESSAGING).length, 0);
    await tab.close();
  });
});
