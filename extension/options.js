// The options page: backend address, throttle and pause (ping_protocol::worker::ExtensionSettings).
const $ = (id) => document.getElementById(id);
const DEFAULTS = { backendUrl: 'http://127.0.0.1:8787', throttleMinutes: 120, paused: false };
// Granted at install (manifest host_permissions); any other backend is asked for when saved.
const PREGRANTED = ['127.0.0.1', 'localhost'];

async function load() {
  const { settings } = await chrome.storage.local.get('settings');
  const current = { ...DEFAULTS, ...settings };
  $('backend-url').value = current.backendUrl;
  $('throttle-hours').value = current.throttleMinutes / 60;
  $('paused').checked = current.paused;
}

$('settings-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = $('settings-status');
  let url;
  try {
    url = new URL($('backend-url').value.trim());
  } catch {
    status.textContent = 'That is not a valid address.';
    return;
  }
  // Ask first, while the click still counts as a user gesture.
  if (!(url.protocol === 'http:' && PREGRANTED.includes(url.hostname))) {
    const granted = await chrome.permissions.request({ origins: [`${url.origin}/*`] });
    if (!granted) {
      status.textContent = `Chrome did not grant access to ${url.origin}; settings not saved.`;
      return;
    }
  }
  const settings = {
    backendUrl: url.origin + url.pathname.replace(/\/+$/, ''),
    throttleMinutes: Math.max(15, Math.round(Number($('throttle-hours').value) * 60)),
    paused: $('paused').checked,
  };
  const reply = await chrome.runtime.sendMessage({ type: 'saveSettings', settings });
  status.textContent = reply?.type === 'ack' ? 'Saved.' : `Not saved: ${reply?.message ?? 'no answer'}`;
});

load();
