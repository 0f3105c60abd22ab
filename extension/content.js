// @ts-check
// Content script on www.linkedin.com. It tells the worker about page visits (the worker
// decides whether that starts a sync) with where the page shows LinkedIn's query ids, hands
// profile pages to the worker for capture, reports the Voyager query ids the page itself used,
// and fetches same-origin for the worker when the worker's own fetch is refused (the tab
// transport). It only reports: the worker checks what it is told.
/** @import { ContentRequest, HttpRequest, HttpResponse, PageMeta, PageQueryIds, WorkerRequest } from './types/worker.js' */
(() => {
  /** @param {WorkerRequest} message */
  const send = (message) => chrome.runtime.sendMessage(message).catch(() => {
    // The worker may be restarting or the extension reloaded; the next page load retries.
  });
  // The worker updates its stored query ids read-modify-write, so this page's messages that
  // teach ids go one at a time, each after the previous reply.
  let chain = Promise.resolve();
  /** @param {WorkerRequest} message */
  const sendInTurn = (message) => {
    chain = chain.then(() => send(message));
  };
  // Request URLs with a query id, reported once each (in a page visit or a later report).
  const reported = new Set();

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

  // Where the page shows the query ids of LinkedIn's web client (reference/voyager-api.md §4.2):
  // the requests it made so far, ids written in its inline scripts, and the bundles it loaded
  // from LinkedIn's static host, which the worker fetches (this page's fetch would need CORS).
  const QUERY_ID = /messenger[A-Za-z]+\.[0-9a-f]{32}/g;
  const STATIC_HOST = 'https://static.licdn.com/';
  /** @returns {PageQueryIds} */
  const pageQueryIds = () => {
    const resources = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource'));
    const requested = resources.map((entry) => entry.name).filter((url) => url.includes('queryId='));
    requested.forEach((url) => reported.add(url));
    const inline = new Set();
    for (const script of document.querySelectorAll('script:not([src])')) {
      for (const [id] of (script.textContent ?? '').matchAll(QUERY_ID)) inline.add(id);
    }
    const bundles = new Set([
      ...[...document.querySelectorAll('script[src]')].map((script) => /** @type {HTMLScriptElement} */ (script).src),
      ...resources.filter((entry) => entry.initiatorType === 'script').map((entry) => entry.name),
    ].filter((url) => url.startsWith(STATIC_HOST)));
    return { requested, inline: [...inline], bundles: [...bundles] };
  };

  const PROFILE_PATH = /^\/in\/[^/]+\/?$/;
  const visited = () => {
    // The worker learns the page's ids before the visit's sync starts.
    sendInTurn({ type: 'pageVisit', url: location.href, page: pageMeta(), queryIds: pageQueryIds() });
    if (PROFILE_PATH.test(location.pathname)) {
      send({ type: 'profilePage', url: location.href, html: document.documentElement.outerHTML });
    }
  };

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
  // The first visit too is reported once the page is quiet, so that the report holds the
  // requests the page made on load (their resource timing entries exist once they completed).
  settled().then(visited);
  let lastUrl = location.href;
  const onNavigated = async () => {
    if (location.href === lastUrl) return;
    lastUrl = location.href;
    await settled();
    if (location.href === lastUrl) visited();
  };
  if (globalThis.navigation) navigation.addEventListener('navigatesuccess', onNavigated);
  else window.addEventListener('popstate', onNavigated);

  // --- Query ids the page used later -----------------------------------------------------------
  // Entries arriving together go in one report.
  /** @type {string[]} */
  let pending = [];
  /** @type {number | null} */
  let flushTimer = null;
  const flush = () => {
    flushTimer = null;
    const urls = pending;
    pending = [];
    sendInTurn({ type: 'queryIdsObserved', urls });
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
