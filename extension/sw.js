// @ts-check
// The service worker's bootstrap. Chrome only delivers events to listeners registered
// synchronously at the top level, so they are all here; each one awaits the wasm module and
// hands the message to Rust (crates/ext). Module workers allow no top-level await and no
// dynamic import(), hence the static import and the `ready` promise.
/** @import { WorkerReply, WorkerRequest } from './types/worker.js' */
// @ts-ignore -- pkg/ is wasm-bindgen's output (./build.sh build), absent when lint runs first.
import init, { handle_message } from './pkg/ping_ext.js';

/** @type {Promise<unknown>} */
const ready = init({ module_or_path: chrome.runtime.getURL('pkg/ping_ext_bg.wasm') });

/**
 * Hands a message to Rust, which answers every one (an unknown one with an error reply); a
 * module that fails to load or traps is answered with an error reply here.
 * @param {WorkerRequest} message
 * @param {boolean} fromWebPage sent by a content script, which may only report its page
 * @returns {Promise<WorkerReply>}
 */
async function dispatch(message, fromWebPage) {
  try {
    await ready;
    return JSON.parse(await handle_message(JSON.stringify(message), fromWebPage));
  } catch (error) {
    return { type: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only this extension's own pages and content scripts talk to the worker.
  if (sender.id !== chrome.runtime.id) return false;
  // The extension's own pages (popup, options, also when opened as a tab) have its origin;
  // a content script's sender is the web page it runs in.
  const fromWebPage = !sender.url?.startsWith(chrome.runtime.getURL(''));
  dispatch(message, fromWebPage).then(sendResponse);
  return true; // the reply is asynchronous
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  // A fresh install opens the popup's pairing flow on the next click; nothing to schedule
  // (syncs are event-driven). Warm the module so the first message is answered quickly.
  if (reason === 'install') ready.catch((error) => console.warn('wasm init failed', error));
});
