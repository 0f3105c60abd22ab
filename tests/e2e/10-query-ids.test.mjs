// Issue 9 item 2: LinkedIn rotated both messaging query ids, and the /messaging/ page's own
// requests name only the conversations id; the messages ids show only in the web client's
// bundle on static.licdn.com. The sync that the visit starts must heal from what the page
// shows (its requests and its bundles), and the next sync must not spend a request on an id
// LinkedIn refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exported, lastRunId, startPaired, stopAll, syncNow, waitForRun } from './harness.mjs';

const MESSAGING = '/voyager/api/voyagerMessagingGraphQL/graphql';

/**
 * The query ids of the logged messaging requests LinkedIn refused: not the live id of the
 * variant their variables ask for. The fake lists its live ids one per variant: recent and
 * category conversations, then newest, anchored and cursor messages.
 */
function refusedIds(log, liveQueryIds) {
  return log.filter((request) => request.path === MESSAGING).flatMap((request) => {
    const params = new URLSearchParams(request.query);
    const id = params.get('queryId');
    const variables = params.get('variables') ?? '';
    const variant = /(^|[(,])(query|category):/.test(variables) ? 1
      : id.startsWith('messengerConversations.') ? 0
        : /(^|[(,])deliveredAt:/.test(variables) ? 3
          : /(^|[(,])prevCursor:/.test(variables) ? 4 : 2;
    return liveQueryIds[variant] === id ? [] : [id];
  });
}

describe('rotated query ids', () => {
  let fake; let backend; let browser; let popup; let web;

  before(async () => {
    ({ fake, backend, browser, popup, web } =
      await startPaired({ fake: { conversations: 12, messages: '1..30', seed: 5 } }));
  });

  after(() => stopAll(browser, backend, fake));

  test('a visit to /messaging/ heals both rotated ids from its bundle, and the next sync refuses nothing', async () => {
    const { liveQueryIds } = await fake.rotate({ messagingPage: 'conversationsOnly' });
    await fake.clearRequests();
    const previous = await lastRunId(popup);
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/messaging/');
    const run = await waitForRun(popup, previous);
    assert.equal(run.trigger, 'pageVisit');
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));

    // The page itself named no messages id: the worker read it in the bundle.
    const log = await fake.requests();
    const pageRequests = log.filter((request) => request.path === MESSAGING
      && request.headers.some(([name, value]) => name === 'sec-fetch-site' && value === 'same-origin'));
    assert.ok(pageRequests.length > 0 && pageRequests.every((request) => request.query.includes('messengerConversations.')));
    const bundles = log.filter((request) => request.headers.some(([name, value]) => name === 'host' && value.startsWith('static.licdn.com')));
    // The page loads them as scripts; the worker fetches them to read.
    assert.ok(bundles.some((request) => request.headers.some(([name, value]) => name === 'sec-fetch-dest' && value === 'empty')),
      'the worker fetched the bundles');

    // Every message arrived.
    const snapshot = await fake.snapshot();
    const stored = new Map((await exported(web, backend)).map((c) => [c.urn, c]));
    assert.equal(stored.size, snapshot.conversations.length);
    for (const conversation of snapshot.conversations) {
      const messages = stored.get(conversation.urn)?.messages.map((m) => m.urn) ?? [];
      assert.deepEqual(messages.sort(), [...conversation.messages].sort(), conversation.urn);
    }
    const workerRequests = log.filter((request) => request.path.startsWith('/voyager/') && !pageRequests.includes(request));
    const refused = refusedIds(workerRequests, liveQueryIds);
    console.log(`the visit's sync: ${workerRequests.length} LinkedIn requests, ${refused.length} on refused ids`);
    await tab.close();

    await fake.activity({ conversations: 2, messagesEach: 2 });
    await fake.clearRequests();
    const next = await syncNow(popup);
    assert.equal(next.outcome, 'completed', JSON.stringify(next.errors));
    const nextLog = (await fake.requests()).filter((request) => request.path.startsWith('/voyager/'));
    console.log(`the next sync: ${nextLog.length} LinkedIn requests`);
    assert.deepEqual(refusedIds(nextLog, liveQueryIds), []);
    assert.ok(nextLog.some((request) => request.path === MESSAGING));
  });
});
