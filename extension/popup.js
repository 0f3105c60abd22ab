// @ts-check
// The popup: asks the worker for its state (ping_protocol::worker::PopupState) and shows it.
// It re-asks whenever chrome.storage changes (sync progress, pairing, run reports) and every
// 2 s while a pairing code waits (the worker polls the backend on each ask).
/** @import { PopupState, WorkerReply, WorkerRequest } from './types/worker.js' */
/** @typedef {PopupState['state']} StateName */
/**
 * The PopupState variant named `S`.
 * @template {StateName} S
 * @typedef {Extract<PopupState, { state: S }>} StateOf
 */

// popup.html has every id this script asks for.
/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const syncNowButton = /** @type {HTMLButtonElement} */ ($('sync-now'));
const claimButton = /** @type {HTMLButtonElement} */ ($('claim-code'));
const codeInput = /** @type {HTMLInputElement} */ ($('code-input'));
/** @type {(message: WorkerRequest) => Promise<WorkerReply | undefined>} */
const send = (message) => chrome.runtime.sendMessage(message);

/** @type {PopupState | null} the last state shown */
let current = null;
/** @type {number | undefined} */
let countdownTimer;
/** @type {number | undefined} */
let pollTimer;
let requestingCode = false;

/** @type {Record<StateName, string>} */
const BADGES = {
  unpaired: 'Not connected', connected: 'Connected', syncing: 'Syncing',
  linkedInSessionExpired: 'Logged out', pairingExpired: 'Pairing expired',
  backendUnreachable: 'Offline', throttledByLinkedIn: 'Paused', securityCheck: 'Security check',
};

/** @param {number} n */
const count = (n) => n.toLocaleString('en');

/** @param {number} n @param {string} word */
function plural(n, word) { return `${n} ${word}${n === 1 ? '' : 's'}`; }

/** @param {string} iso */
function relative(iso) {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  /** @type {[number, Intl.RelativeTimeFormatUnit]} */
  const [value, unit] = abs < 60 ? [abs, 'second'] : abs < 3600 ? [Math.round(abs / 60), 'minute']
    : abs < 86400 ? [Math.round(abs / 3600), 'hour'] : [Math.round(abs / 86400), 'day'];
  if (abs < 30) return seconds > 0 ? 'in a moment' : 'just now';
  return new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(seconds < 0 ? -value : value, unit);
}

/** @param {string} iso */
function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** @param {string} id @param {boolean} visible */
function show(id, visible) { $(id).hidden = !visible; }

/** @param {string | null} text */
function showMessage(text) {
  $('message').textContent = text ?? '';
  show('message', Boolean(text));
}

/** @param {string} expiresAt */
function startCountdown(expiresAt) {
  clearInterval(countdownTimer);
  const tick = () => {
    const left = Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));
    const mm = String(Math.floor(left / 60)).padStart(1, '0');
    const ss = String(left % 60).padStart(2, '0');
    $('pairing-countdown').textContent = left > 0 ? `Expires in ${mm}:${ss}` : 'This code has expired.';
    if (left === 0) {
      clearInterval(countdownTimer);
      requestCode(); // a fresh code as soon as the old one expires
    }
  };
  tick();
  countdownTimer = setInterval(tick, 1000);
}

async function requestCode() {
  if (requestingCode) return;
  requestingCode = true;
  $('pairing-code').textContent = '······';
  try {
    apply(await send({ type: 'requestPairingCode' }));
  } finally {
    requestingCode = false;
  }
}

/** @param {StateOf<'unpaired' | 'pairingExpired'>} state */
function renderPairing(state) {
  show('pairing', true);
  if (state.code) {
    $('pairing-code').textContent = state.code;
    show('new-code', false);
    if (state.expiresAt) startCountdown(state.expiresAt);
  } else {
    clearInterval(countdownTimer);
    $('pairing-countdown').textContent = '';
    show('new-code', true);
    if (!requestingCode && !$('message').textContent) requestCode();
  }
}

/** @param {StateOf<'connected'>} state */
function renderConnected(state) {
  show('connected', true);
  show('sync-now', true);
  show('unpair', true);
  $('account-name').textContent = state.accountName ?? 'not synced yet';
  const run = state.lastRun;
  $('last-sync').textContent = run
    ? `${relative(run.finishedAt)} · ${plural(run.conversationsProcessed, 'conversation')}, ${plural(run.messagesProcessed, 'message')}`
      + (run.attachmentsStored ? `, ${plural(run.attachmentsStored, 'attachment')}` : '')
    : 'not yet';
  $('next-sync').textContent = state.nextAutomaticSyncAt && Date.parse(state.nextAutomaticSyncAt) > Date.now()
    ? `${relative(state.nextAutomaticSyncAt)} (${clock(state.nextAutomaticSyncAt)})`
    : 'on your next LinkedIn visit';
  // The run's last line says what happened and what to do, in words for a person; the lines
  // before it (query ids, HTTP statuses) are details, behind a toggle.
  const errors = run?.errors ?? [];
  $('last-error').textContent = errors.at(-1) ?? '';
  $('last-error-list').replaceChildren(...errors.slice(0, -1).map((line) => {
    const item = document.createElement('li');
    item.textContent = line;
    return item;
  }));
  show('last-error-details', errors.length > 1);
  show('last-errors', errors.length > 0);
  renderSafety(state, state.nextAutomaticSyncAt);
}

/**
 * History progress and the calls spent against LinkedIn's budgets.
 * @param {StateOf<'connected' | 'syncing'>} state
 * @param {string | null | undefined} continuesAt when the sync goes on, if it waits
 */
function renderSafety(state, continuesAt) {
  show('safety', true);
  const history = state.history;
  show('history', Boolean(history));
  if (history) {
    const wait = continuesAt && Date.parse(continuesAt) > Date.now()
      ? ` · continues at ${clock(continuesAt)} to stay within LinkedIn's limits` : '';
    $('history').textContent = `History: ${count(history.complete)} of ${count(history.known)} conversations complete${wait}`;
  }
  const budget = state.budget;
  $('budget').textContent = `LinkedIn calls (${budget.pace} pace): ${count(budget.thisHour)} of ${count(budget.hourly)} this hour, ${count(budget.today)} of ${count(budget.daily)} today`;
}

/**
 * The syncing bar: the share of known conversations whose whole history is synced, or a
 * moving bar while none is known yet (the first list pages of a first sync).
 * @param {StateOf<'syncing'>['history']} history
 */
function renderBar(history) {
  const fill = $('bar-fill');
  const known = history && history.known > 0;
  fill.classList.toggle('determinate', Boolean(known));
  if (known) {
    const percent = Math.round((100 * history.complete) / history.known);
    fill.style.width = `${percent}%`;
    $('bar').setAttribute('aria-valuenow', String(percent));
  } else {
    fill.style.width = '';
    $('bar').removeAttribute('aria-valuenow');
  }
}

/** @type {{ [S in StateName]: (state: StateOf<S>) => void }} */
const RENDER = {
  unpaired(state) {
    $('status-title').textContent = state.code ? 'Waiting for pairing' : 'Connect to Ping';
    $('status-detail').textContent = 'In Ping, open Settings → Integrations → LinkedIn → Connect and enter this code.';
    renderPairing(state);
  },
  pairingExpired(state) {
    $('status-title').textContent = 'Pairing expired';
    $('status-detail').textContent = 'This browser is no longer connected to Ping. Enter the new code in Ping to reconnect.';
    renderPairing(state);
  },
  connected(state) {
    $('status-title').textContent = 'Connected';
    $('status-detail').textContent = 'Your LinkedIn conversations sync to Ping when you visit LinkedIn.';
    renderConnected(state);
  },
  syncing(state) {
    $('status-title').textContent = 'Syncing…';
    $('status-detail').textContent = `Started ${relative(state.startedAt)}.`;
    show('syncing', true);
    renderBar(state.history);
    const counts = [plural(state.conversations, 'conversation'), plural(state.messages, 'message')];
    if (state.attachments > 0) counts.push(plural(state.attachments, 'attachment'));
    $('progress').textContent = `${counts.slice(0, -1).join(', ')} and ${counts[counts.length - 1]} so far`;
    renderSafety(state, null);
  },
  securityCheck(state) {
    $('status-title').textContent = 'LinkedIn wants a security check';
    $('status-detail').textContent = 'Open LinkedIn and complete the check it shows. To protect your account, every sync waits until the cool-down is over.';
    show('open-linkedin', true);
    show('sync-now', true);
    syncNowButton.disabled = true;
    $('sync-now-reason').textContent = `Sync Now is off until ${clock(state.until)} (${relative(state.until)}): calling LinkedIn again right after a security check risks a restriction.`;
    show('sync-now-reason', true);
    show('unpair', true);
  },
  linkedInSessionExpired(state) {
    $('status-title').textContent = 'LinkedIn session expired';
    $('status-detail').textContent = state.afterPushback
      ? 'LinkedIn ended your session soon after it limited requests from this browser. Log in on linkedin.com; syncing continues on your next visit, at the Careful pace for a while.'
      : 'Visit linkedin.com and log in. Syncing continues on your next visit.';
    show('open-linkedin', true);
    show('unpair', true);
  },
  backendUnreachable(state) {
    $('status-title').textContent = 'Ping is unreachable';
    $('status-detail').textContent = `The Ping backend did not answer (${state.detail}). Check that it is running, or change its address in Settings.`;
    show('sync-now', true);
    syncNowButton.textContent = 'Try again';
    show('unpair', true);
  },
  throttledByLinkedIn(state) {
    $('status-title').textContent = 'LinkedIn asked to slow down';
    $('status-detail').textContent = `Syncing resumes automatically after ${clock(state.retryAt)} (${relative(state.retryAt)}).`;
    show('unpair', true);
  },
};

/** @param {PopupState} state */
function render(state) {
  const changed = current?.state !== state.state;
  current = state;
  document.body.dataset.state = state.state;
  $('state-badge').textContent = BADGES[state.state] ?? '';
  for (const id of ['pairing', 'connected', 'syncing', 'safety', 'sync-now', 'sync-now-reason', 'open-linkedin', 'unpair', 'new-code']) show(id, false);
  syncNowButton.textContent = 'Sync Now';
  syncNowButton.disabled = false;
  if (changed) showMessage(null);
  // Each renderer takes its own variant; TypeScript cannot pair `state.state` with `state`.
  /** @type {(state: PopupState) => void} */ (RENDER[state.state])?.(state);
  schedulePoll(state);
}

/** @param {WorkerReply | undefined} reply */
function apply(reply) {
  if (!reply) return;
  if (reply.type === 'state') render(reply.state);
  else if (reply.type === 'error') showMessage(reply.message);
}

/** @param {PopupState} state */
function schedulePoll(state) {
  clearTimeout(pollTimer);
  if ((state.state === 'unpaired' || state.state === 'pairingExpired') && state.code) {
    pollTimer = setTimeout(refresh, 2000);
  }
}

async function refresh() {
  try {
    apply(await send({ type: 'getState' }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    showMessage(`The extension is restarting (${reason}); try again in a moment.`);
  }
}

// --- Actions ---------------------------------------------------------------------------------
syncNowButton.addEventListener('click', async () => {
  syncNowButton.disabled = true;
  showMessage(null);
  apply(await send({ type: 'syncNow' }));
  // Progress arrives through storage.onChanged.
});

$('new-code').addEventListener('click', () => { showMessage(null); requestCode(); });

$('claim-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const code = codeInput.value.trim().toUpperCase();
  if (!code) return;
  claimButton.disabled = true;
  showMessage(null);
  try {
    const reply = await send({ type: 'enterPairingCode', code });
    apply(reply);
    if (reply?.type === 'state') codeInput.value = '';
  } finally {
    claimButton.disabled = false;
  }
});

$('open-linkedin').addEventListener('click', () => chrome.tabs.create({ url: 'https://www.linkedin.com/' }));

$('open-options').addEventListener('click', (event) => {
  event.preventDefault();
  chrome.runtime.openOptionsPage();
});

// Disconnecting takes a second click (popups cannot rely on confirm()).
$('unpair').addEventListener('click', async (event) => {
  event.preventDefault();
  const link = $('unpair');
  if (link.dataset.armed !== 'yes') {
    link.dataset.armed = 'yes';
    link.textContent = 'Click again to disconnect';
    return;
  }
  delete link.dataset.armed;
  link.textContent = 'Disconnect';
  apply(await send({ type: 'unpair' }));
});

// Any stored change (progress, token, run report, state) may change what to show.
/** @type {number | undefined} */
let pending;
chrome.storage.onChanged.addListener(() => {
  clearTimeout(pending);
  pending = setTimeout(refresh, 50);
});

refresh();
