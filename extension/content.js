// @ts-check
// Content script on www.linkedin.com. It tells the worker about page visits (the worker
// decides whether that starts a sync), hands profile pages to the worker for capture, reports
// the Voyager query ids the page itself used, and fetches same-origin for the worker when the
// worker's own fetch is refused (the tab transport).
/** @import { ContentRequest, HttpRequest, HttpResponse, PageMeta, WorkerRequest } from './types/worker.js' */
(() => {
  /** @param {WorkerRequest} message */
  const send = (message) => chrome.runtime.sendMessage(message).catch(() => {
    // The worker may be restarting or the extension reloaded; the next page load retries.
  });

  // --- Page visit and profile capture -------------------------------------------------------
  // What the page says about LinkedIn's web client, which the worker puts into the headers of
  // its Voyager calls as the web client does (reference/voyager-api.md §1.4). A meta the page
  // lacks is sent as null: the worker then leaves its header out rather than guess.
  /** @param {string} name */
  const meta = (name) =>
    document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') || null;
  /** @returns {PageMeta} */
  const pageMeta = () => ({
    i18nLocale: meta('i18nLocale'),
    serviceVersion: meta('serviceVersion'),
    clientPageInstanceId: meta('clientPageInstanceId'),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || null,
  });

  const PROFILE_PATH = /^\/in\/[^/]+\/?$/;
  const visited = () => {
    send({ type: 'pageVisit', url: location.href, page: pageMeta() });
    if (PROFILE_PATH.test(location.pathname)) {
      send({ type: 'profilePage', url: location.href, html: document.documentElement.outerHTML });
    }
  };
  visited();

  // LinkedIn is a single-page app: later "visits" change the URL without a page load. Report
  // each once the new page has rendered (no DOM change for a moment, at most a few seconds).
  /** @returns {Promise<void>} */
  const settled = () => new Promise((resolve) => {
    /** @type {number | undefined} */
    let quiet;
    const done = () => { observer.disconnect(); clearTimeout(quiet); clearTimeout(cap); resolve(); };
    const observer = new MutationObserver(() => { clearTimeout(quiet); quiet = setTimeout(done, 750); });
    const cap = setTimeout(done, 5000);
    observer.observe(document.body ?? document.documentElement, { childList: true, subtree: true });
    quiet = setTimeout(done, 750);
  });
  let lastUrl = location.href;
  const onNavigated = async () => {
    if (location.href === lastUrl) return;
    lastUrl = location.href;
    await settled();
    if (location.href === lastUrl) visited();
  };
  if (globalThis.navigation) navigation.addEventListener('navigatesuccess', onNavigated);
  else window.addEventListener('popstate', onNavigated);

  // --- Query ids the page used ----------------------------------------------------------------
  // The worker updates its stored registry read-modify-write, so reports go one at a time
  // (each waits for the previous reply), and entries arriving together go in one report.
  const reported = new Set();
  /** @type {string[]} */
  let pending = [];
  /** @type {number | null} */
  let flushTimer = null;
  let chain = Promise.resolve();
  const flush = () => {
    flushTimer = null;
    const urls = pending;
    pending = [];
    chain = chain.then(() => send({ type: 'queryIdsObserved', urls }));
  };
  /** @param {PerformanceEntryList} entries */
  const reportQueryIds = (entries) => {
    const urls = entries
      .map((entry) => entry.name)
      .filter((url) => url.includes('queryId=') && !reported.has(url));
    if (urls.length === 0) return;
    urls.forEach((url) => reported.add(url));
    pending.push(...urls);
    flushTimer ??= setTimeout(flush, 200);
  };
  reportQueryIds(performance.getEntriesByType('resource'));
  new PerformanceObserver((list) => reportQueryIds(list.getEntries()))
    .observe({ type: 'resource', buffered: false });

  // --- Tab transport: ContentRequest::Fetch -> HttpResponse -----------------------------------
  /**
   * @param {HttpRequest} request
   * @returns {Promise<HttpResponse>}
   */
  async function fetchForWorker(request) {
    try {
      const response = await fetch(request.url, {
        headers: Object.fromEntries(request.headers),
        credentials: 'include',
      });
      return {
        status: response.status,
        headers: [...response.headers.entries()],
        body: await response.text(),
        redirectedTo: response.redirected ? response.url : null,
      };
    } catch (error) {
      return { status: 0, headers: [], body: `network error: ${error}`, redirectedTo: null };
    }
  }

  /**
   * @param {ContentRequest | undefined} message
   * @param {chrome.runtime.MessageSender} sender
   * @param {(response: HttpResponse) => void} sendResponse
   */
  const onWorkerMessage = (message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || message?.type !== 'fetch') return false;
    const url = new URL(message.request.url, location.href);
    if (url.origin !== location.origin) {
      sendResponse({ status: 0, headers: [], body: 'refused: not same-origin', redirectedTo: null });
      return false;
    }
    fetchForWorker(message.request).then(sendResponse);
    return true;
  };
  chrome.runtime.onMessage.addListener(onWorkerMessage);
})();
