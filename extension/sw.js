// The service worker's bootstrap. Chrome only delivers events to listeners registered
// synchronously at the top level, so they are all here; each one awaits the wasm module and
// hands the message to Rust (crates/ext). Module workers allow no top-level await and no
// dynamic import(), hence the static import and the `ready` promise.
import init, { handle_message } from './pkg/ping_ext.js';

const ready = init({ module_or_path: chrome.runtime.getURL('pkg/ping_ext_bg.wasm') });

// Messages are ping_protocol::worker::WorkerRequest ({type: ...}); replies are WorkerReply.
async function dispatch(message) {
  await ready;
  return JSON.parse(await handle_message(JSON.stringify(message)));
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only this extension's own pages and content scripts talk to the worker.
  if (sender.id !== chrome.runtime.id) return false;
  dispatch(message).then(sendResponse, (error) =>
    sendResponse({ type: 'error', message: String(error?.message ?? error) }));
  return true; // the reply is asynchronous
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  // A fresh install opens the popup's pairing flow on the next click; nothing to schedule
  // (syncs are event-driven). Warm the module so the first message is answered quickly.
  if (reason === 'install') ready.catch((error) => console.warn('wasm init failed', error));
});
