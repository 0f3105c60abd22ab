// Scenario 6: Chrome stops the service worker in the middle of a sync; the next trigger
// resumes from the last acknowledged checkpoint, and nothing is lost or stored twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  lastRunId, startPaired, stopAll, storage, waitFor,
} from './harness.mjs';

describe('service worker stopped mid-sync', () => {
  let fake; let backend; let browser; let popup; let web;

  before(async () => {
    ({ fake, backend, browser, popup, web } =
      await startPaired({ fake: { conversations: 120, messages: '5..20', seed: 21 } }));
  });

  after(() => stopAll(browser, backend, fake));

  test('a stopped worker resumes from its checkpoint and completes', async () => {
    const before = await lastRunId(popup);
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'syncNow' }));
    // Wait for the first acknowledged batch: the checkpoint holds an unfinished pass.
    await waitFor(async () => (await storage(popup, 'local', 'syncState'))?.pass,
      { what: 'a checkpoint of an unfinished pass' });
    const cdp = await browser.ctx.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    assert.equal(await lastRunId(popup), before, 'the first run did not finish');

    // The dead worker's lease expires; until then a trigger is declined. Keep asking as a
    // user pressing Sync Now would, until a run report arrives.
    const run = await waitFor(async () => {
      await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'syncNow' })).catch(() => null);
      const latest = await storage(popup, 'local', 'lastRun');
      return latest && latest.runId !== before ? latest : null;
    }, { timeout: 120_000, interval: 2_000, what: 'the resumed sync to finish' });
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));

    const snapshot = await fake.snapshot();
    const total = snapshot.conversations.reduce((sum, c) => sum + c.messages.length, 0);
    assert.ok(run.messagesProcessed < total, `resumed (${run.messagesProcessed} of ${total} messages fetched again)`);
    const stored = (await (await web.request.get(`${backend.base}/export/conversations.json`)).json()).conversations;
    assert.equal(stored.length, snapshot.conversations.length);
    const storedMessages = stored.flatMap((c) => c.messages.map((m) => m.urn));
    assert.equal(new Set(storedMessages).size, storedMessages.length, 'no message stored twice');
    assert.equal(storedMessages.length, total, 'no message lost');
  });
});
