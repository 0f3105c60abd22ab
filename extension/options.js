// @ts-check
// The options page: backend address, throttle, pause, pace, the spam folder and attachments
// (ping_protocol::worker::ExtensionSettings).
// The worker owns the settings: it answers them (the defaults before any save) and keeps what
// is saved normalised (ExtensionSettings::normalise), so this page holds no defaults or
// bounds of its own. It converts hours to minutes and asks Chrome for access to the backend.
/** @import { AttachmentDownloads, ExtensionSettings, PacePreset, WorkerReply, WorkerRequest } from './types/worker.js' */

/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ (document.getElementById('settings-form'));
const status = /** @type {HTMLElement} */ (document.getElementById('settings-status'));
const attachments = /** @type {HTMLSelectElement} */ (document.getElementById('attachments'));
/** @type {(message: WorkerRequest) => Promise<WorkerReply | undefined>} */
const send = (message) => chrome.runtime.sendMessage(message);
// Granted at install (manifest host_permissions); any other backend is asked for when saved.
const PREGRANTED = ['127.0.0.1', 'localhost'];

/** @param {ExtensionSettings} settings */
function show(settings) {
  input('backend-url').value = settings.backendUrl;
  input('throttle-hours').value = String(settings.throttleMinutes / 60);
  input('paused').checked = settings.paused;
  input('sync-spam').checked = settings.syncSpam ?? false;
  attachments.value = settings.attachments ?? 'all';
  input('attachment-max-mb').value = String(settings.attachmentMaxMb ?? 25);
  for (const radio of form.querySelectorAll('input[name="pace"]')) {
    const choice = /** @type {HTMLInputElement} */ (radio);
    choice.checked = choice.value === settings.pace;
  }
}

/** @returns {PacePreset} the pace chosen (the form offers only the user-facing presets) */
function chosenPace() {
  const checked = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="pace"]:checked'));
  return /** @type {PacePreset} */ (checked?.value ?? 'standard');
}

/** @param {WorkerReply | undefined} reply */
const failure = (reply) => (reply?.type === 'error' ? reply.message : 'no answer');

async function load() {
  try {
    const reply = await send({ type: 'getSettings' });
    if (reply?.type === 'settings') show(reply.settings);
    else status.textContent = `The settings could not be read: ${failure(reply)}`;
  } finally {
    // The controls start disabled so nothing typed before the answer is overwritten by it.
    const controls = /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>} */ (
      form.querySelectorAll('input, select, button'));
    for (const control of controls) control.disabled = false;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  let url;
  try {
    url = new URL(input('backend-url').value.trim());
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
    backendUrl: url.href,
    throttleMinutes: Math.round(Number(input('throttle-hours').value) * 60),
    paused: input('paused').checked,
    pace: chosenPace(),
    syncSpam: input('sync-spam').checked,
    attachments: /** @type {AttachmentDownloads} */ (attachments.value),
    attachmentMaxMb: Math.round(Number(input('attachment-max-mb').value)),
  };
  const reply = await send({ type: 'saveSettings', settings });
  if (reply?.type === 'settings') {
    show(reply.settings); // as the worker keeps them
    status.textContent = 'Saved.';
  } else {
    status.textContent = `Not saved: ${failure(reply)}`;
  }
});

load();
