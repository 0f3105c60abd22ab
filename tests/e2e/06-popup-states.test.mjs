// Scenario 8 (the states not met elsewhere): the popup while syncing, and with the backend
// gone. Screenshots of every popup state land in test-output/ across the suite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  configureBackend, lastRunId, screenshot, startPaired, stopAll, waitForPopupState, waitForRun,
} from './harness.mjs';

describe('popup states', () => {
  let fake; let backend; let proxy; let browser; let popup;

  before(async () => {
    ({ fake, backend, proxy, browser, popup } =
      await startPaired({ fake: { conversations: 60, messages: '5..20', seed: 8 }, proxy: true }));
  });

  after(() => stopAll(browser, proxy, backend, fake));

  test('Syncing shows the progress the worker writes as it goes', async () => {
    const before = await lastRunId(popup);
    await popup.click('#sync-now');
    await waitForPopupState(popup, 'syncing');
    await popup.waitForSelector('#progress:text-matches("[1-9][0-9]* messages? so far")');
    assert.equal(await popup.textContent('#status-title'), 'Syncing…');
    // Once conversations are known, the bar shows the share whose history is complete.
    const bar = await popup.waitForSelector('#bar[aria-valuenow]');
    const percent = Number(await bar.getAttribute('aria-valuenow'));
    assert.ok(percent >= 0 && percent <= 100, `${percent}%`);
    await screenshot(popup, 'popup-syncing');
    const run = await waitForRun(popup, before, 120_000);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    await waitForPopupState(popup, 'connected');
  });

  test('an unreachable backend is reported with what to check', async () => {
    // The way to the backend breaks (the proxy answers 502: port 9, discard, has no listener);
    // the address the extension is paired with stays the same.
    proxy.retarget('http://127.0.0.1:9');
    await popup.click('#sync-now');
    await waitForPopupState(popup, 'backendUnreachable');
    assert.equal(await popup.textContent('#status-title'), 'Ping is unreachable');
    assert.equal(await popup.textContent('#sync-now'), 'Try again');
    await screenshot(popup, 'popup-backend-unreachable');
    proxy.retarget(backend.base);
    await popup.click('#sync-now');
    await waitForPopupState(popup, 'connected');
  });

  test('another backend address forgets the pairing and asks to pair again', async () => {
    // The proxy and the backend are one CRM, but a different address could be any other.
    await configureBackend(browser, backend.base);
    await popup.reload();
    await waitForPopupState(popup, 'unpaired');
    await popup.waitForSelector('#pairing-code:text-matches("PING-")');
  });
});
