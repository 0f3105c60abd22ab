// Scenario 8 (the states not met elsewhere): the popup while syncing, and with the backend
// gone. Screenshots of every popup state land in test-output/ across the suite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  configureBackend, lastRunId, screenshot, startPaired, stopAll, waitForPopupState, waitForRun,
} from './harness.mjs';

describe('popup states', () => {
  let fake; let backend; let browser; let popup;

  before(async () => {
    ({ fake, backend, browser, popup } =
      await startPaired({ fake: { conversations: 60, messages: '5..20', seed: 8 } }));
  });

  after(() => stopAll(browser, backend, fake));

  test('Syncing shows the progress the worker writes as it goes', async () => {
    const before = await lastRunId(popup);
    await popup.click('#sync-now');
    await waitForPopupState(popup, 'syncing');
    await popup.waitForSelector('#progress:text-matches("[1-9][0-9]* messages? so far")');
    assert.equal(await popup.textContent('#status-title'), 'Syncing…');
    await screenshot(popup, 'popup-syncing');
    const run = await waitForRun(popup, before, 120_000);
    assert.equal(run.outcome, 'completed', JSON.stringify(run.errors));
    await waitForPopupState(popup, 'connected');
  });

  test('an unreachable backend is reported with what to check', async () => {
    // Port 9 (discard) has no listener: the check-in at Sync Now fails to connect.
    await configureBackend(browser, 'http://127.0.0.1:9');
    await popup.click('#sync-now');
    await waitForPopupState(popup, 'backendUnreachable');
    assert.equal(await popup.textContent('#status-title'), 'Ping is unreachable');
    assert.equal(await popup.textContent('#sync-now'), 'Try again');
    await screenshot(popup, 'popup-backend-unreachable');
    await configureBackend(browser, backend.base);
    await popup.click('#sync-now');
    await waitForPopupState(popup, 'connected');
  });
});
