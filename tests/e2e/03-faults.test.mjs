// Scenario 7: LinkedIn faults and an expired pairing, as the user sees them in the popup.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  lastRunId, screenshot, startBackend, startPaired, stopAll, storage, syncNow, waitFor,
  waitForPopupState, waitForRun,
} from './harness.mjs';

describe('LinkedIn faults and pairing expiry', () => {
  let fake; let backend; let proxy; let browser; let popup; let web;

  before(async () => {
    ({ fake, backend, proxy, browser, popup, web } =
      await startPaired({ fake: { conversations: 8, messages: '1..5', seed: 3 }, proxy: true }));
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
  });

  after(() => stopAll(browser, proxy, backend, fake));

  test('a 429 shows LinkedIn throttling, and the next sync completes', async () => {
    await fake.activity({ conversations: 2, messagesEach: 1 });
    await fake.fault({ kind: 'tooManyRequests', persistent: true, retryAfter: 3600 });
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'interrupted');
    await waitForPopupState(popup, 'throttledByLinkedIn');
    assert.match(await popup.textContent('#status-detail'), /resumes automatically after/);
    await screenshot(popup, 'popup-throttled');
    await fake.clearFaults();
    // The popup offers no Sync Now while LinkedIn asked to slow down; the user's manual sync
    // from another state is what retries, so trigger it as the popup would.
    const before = await lastRunId(popup);
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'syncNow' }));
    const next = await waitForRun(popup, before);
    assert.equal(next.outcome, 'completed', JSON.stringify(next.errors));
    await waitForPopupState(popup, 'connected');
  });

  test('a revoked LinkedIn session asks the user to log in', async () => {
    await fake.session(true);
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'failed');
    await waitForPopupState(popup, 'linkedInSessionExpired');
    assert.equal(await popup.textContent('#status-title'), 'LinkedIn session expired');
    assert.ok(await popup.isVisible('#open-linkedin'));
    await screenshot(popup, 'popup-linkedin-logged-out');
    // The user logs in again and visits LinkedIn: that visit syncs, whatever the throttle
    // (the last completed sync was minutes ago), and the popup is connected again.
    await fake.session(false);
    const before = await lastRunId(popup);
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/feed/');
    assert.equal((await waitForRun(popup, before)).outcome, 'completed');
    await waitForPopupState(popup, 'connected');
    await tab.close();
  });

  test('a CSRF refusal falls back to fetching through an open LinkedIn tab', async () => {
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/feed/');
    await fake.activity({ conversations: 1, messagesEach: 1 });
    await fake.clearRequests();
    // The worker's request and its retry with fresh cookies are refused; the tab's is not.
    await fake.fault({ kind: 'csrfFailure', times: 2 });
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    const voyager = (await fake.requests()).filter((r) => r.path.startsWith('/voyager/'));
    const fromTab = voyager.filter((r) => r.headers.some(([name, value]) => name === 'sec-fetch-site' && value === 'same-origin'));
    assert.ok(fromTab.length > 0, 'requests went through the tab');
    assert.ok(fromTab.every((r) => r.headers.some(([name, value]) => name === 'csrf-token' && value.startsWith('ajax:'))));
    await tab.close();
  });

  test('rotated query ids are healed from the ids the LinkedIn page used', async () => {
    const { liveQueryIds } = await fake.rotate();
    await fake.activity({ conversations: 1, messagesEach: 2 });
    const tab = await browser.ctx.newPage();
    await tab.goto('https://www.linkedin.com/messaging/');
    await waitFor(async () => {
      const observed = (await storage(popup, 'local', 'queryIds'))?.observed ?? [];
      return liveQueryIds.every((id) => observed.includes(id));
    }, { what: 'the content script to report the live query ids' });
    await tab.close();
    const run = await syncNow(popup);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    const snapshot = await fake.snapshot();
    const stored = (await (await web.request.get(`${backend.base}/export/conversations.json`)).json()).conversations;
    assert.equal(stored.length, snapshot.conversations.length);
  });

  test('an expired pairing token asks to pair again', async () => {
    // The same database, served by a backend whose clock runs 31 days ahead.
    await backend.stop({ keepData: true });
    const password = backend.password;
    backend = await startBackend({ dir: backend.dir, env: { PING_CLOCK_OFFSET_SECS: String(31 * 86400) } });
    backend.password = password;
    proxy.retarget(backend.base);
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'syncNow' }));
    await waitForPopupState(popup, 'pairingExpired');
    assert.equal(await popup.textContent('#status-title'), 'Pairing expired');
    await popup.waitForSelector('#pairing-code:text-matches("^PING-")');
    await screenshot(popup, 'popup-pairing-expired');
  });
});
