// Scenario 1: pairing in both directions, and wrong or expired codes refused clearly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  configureBackend, launchBrowser, loginWeb, openPopup, pairFromPopup, screenshot, startBackend,
  startFake, storage, waitForPopupState,
} from './harness.mjs';

describe('pairing', () => {
  let fake; let backend; let browser; let web;

  before(async () => {
    fake = await startFake({ conversations: 2, messages: '1..2' });
    backend = await startBackend();
    browser = await launchBrowser({ fakePort: fake.port });
    await configureBackend(browser, backend.base);
    web = await loginWeb(browser, backend);
  });

  after(async () => {
    await browser?.stop();
    await backend?.stop();
    await fake?.stop();
  });

  test('an unpaired popup shows a PING- code with a live countdown', async () => {
    const popup = await openPopup(browser);
    await waitForPopupState(popup, 'unpaired');
    const code = await (await popup.waitForSelector('#pairing-code:text-matches("^PING-[A-Z0-9]{6}$")')).textContent();
    assert.match(code, /^PING-[A-HJ-NP-Z2-9]{6}$/);
    assert.match(await popup.textContent('#pairing-countdown'), /Expires in \d+:\d\d/);
    assert.equal(await popup.textContent('#status-title'), 'Waiting for pairing');
    await screenshot(popup, 'popup-unpaired');
    await popup.close();
  });

  test('a wrong code is refused in the web UI with a clear message', async () => {
    await web.goto(`${backend.base}/settings/integrations/linkedin`);
    await web.click('#connect-button');
    await web.fill('#connect-dialog #pairing-code', 'PING-ZZZZZZ');
    await Promise.all([web.waitForNavigation(), web.click('#pair-button')]);
    const error = await web.textContent('#pair-error');
    assert.match(error, /code/i);
    await screenshot(web, 'web-pairing-refused');
  });

  test('the popup code entered in the Connect modal pairs the browser', async () => {
    const popup = await openPopup(browser);
    await pairFromPopup(browser, backend, popup, web);
    assert.equal(await popup.textContent('#status-title'), 'Connected');
    assert.ok(await popup.isVisible('#sync-now'));
    const token = await storage(popup, 'local', 'token');
    assert.ok(token?.token, 'the token is stored in chrome.storage.local');
    assert.equal(await storage(popup, 'local', 'pairingAttempt'), undefined);
    await screenshot(popup, 'popup-connected-new');
    await popup.close();
  });

  test('a code shown by the web UI pairs the popup (reverse direction)', async () => {
    const popup = await openPopup(browser);
    await popup.click('#unpair');
    assert.equal(await popup.textContent('#unpair'), 'Click again to disconnect');
    await popup.click('#unpair');
    await waitForPopupState(popup, 'unpaired');
    await web.goto(`${backend.base}/settings/integrations/linkedin`);
    await Promise.all([web.waitForNavigation(), web.click('#show-code-button')]);
    const code = (await web.textContent('#extension-code')).trim();
    await popup.fill('#code-input', code.toLowerCase());
    await popup.click('#claim-code');
    await waitForPopupState(popup, 'connected');
    await popup.close();
  });

  test('an unknown code typed in the popup is refused with the backend\'s words', async () => {
    const popup = await openPopup(browser);
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'unpair' }));
    await waitForPopupState(popup, 'unpaired');
    await popup.fill('#code-input', 'PING-ZZZZZZ');
    await popup.click('#claim-code');
    const message = await (await popup.waitForSelector('#message:not([hidden])')).textContent();
    assert.match(message, /refused/i);
    await screenshot(popup, 'popup-code-refused');
    await popup.close();
  });

  test('a code older than 10 minutes is refused in the web UI as expired', async () => {
    const popup = await openPopup(browser);
    await waitForPopupState(popup, 'unpaired');
    const code = await (await popup.waitForSelector('#pairing-code:text-matches("^PING-")')).textContent();
    // The same database, served by a backend whose clock runs 11 minutes ahead.
    await backend.stop({ keepData: true });
    const { password } = backend;
    backend = await startBackend({ dir: backend.dir, env: { PING_CLOCK_OFFSET_SECS: String(11 * 60) } });
    backend.password = password;
    await web.close();
    web = await loginWeb(browser, backend);
    await web.goto(`${backend.base}/settings/integrations/linkedin`);
    await web.click('#connect-button');
    await web.fill('#connect-dialog #pairing-code', code);
    await Promise.all([web.waitForNavigation(), web.click('#pair-button')]);
    assert.match(await web.textContent('#pair-error'), /expired/i);
    await screenshot(web, 'web-pairing-expired');
    await popup.close();
  });
});
