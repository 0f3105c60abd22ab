// Generated from ping_protocol::worker by crates/protocol/tests/worker_types.rs; do not edit.
// Regenerate: UPDATE_TYPES=1 cargo test -p ping-protocol --features schema --test worker_types

/** Which attachments the browser downloads, as chosen in the options. */
export type AttachmentDownloads =
  /** Files, images, audio and video. */
  | "all"
  /** Pictures only: the cheapest to fetch and the most looked at. */
  | "imagesOnly"
  /** None; the CRM keeps their names and links only. */
  | "off";

/** LinkedIn calls made against the budgets of the pace in force. */
export interface BudgetView {
  /** The pace in force: the chosen one, or Careful while LinkedIn's pushback lasts. */
  pace: PacePreset;
  /** Messaging calls in the last hour. */
  thisHour: number;
  /** The hourly budget of that pace. */
  hourly: number;
  /** Messaging calls in the last 24 hours. */
  today: number;
  /** The daily budget of that pace. */
  daily: number;
}

/** A message from the worker to the content script of an open LinkedIn tab. */
export type ContentRequest =
  /** Fetch this Voyager request from the page (same origin, the tab's own cookies). */
  | {
  type: "fetch";
  /** The URL and headers; the page's `fetch` adds the cookies. */
  request: HttpRequest;
};

/** The extension's options page settings. */
export interface ExtensionSettings {
  /** The Ping backend, e.g. `http://127.0.0.1:8787`. */
  backendUrl: string;
  /** Minimum time between automatic syncs, in minutes (default 120). */
  throttleMinutes: number;
  /** No automatic syncs while paused (Sync Now still works). */
  paused: boolean;
  /** The largest attachment downloaded, in megabytes (MiB). */
  attachmentMaxMb?: number;
  /** Which message attachments are downloaded into the CRM. */
  attachments?: AttachmentDownloads;
  /** How fast the extension may call LinkedIn. */
  pace?: PacePreset;
  /** Whether the spam folder is synced too (the other folders always are). */
  syncSpam?: boolean;
}

/** How much of the mailbox's history is synced. */
export interface HistoryView {
  /** Conversations whose whole history is in Ping. */
  complete: number;
  /** Conversations known so far. */
  known: number;
}

/**
 * A request to LinkedIn, ready for any transport (the worker's `fetch`, a tab, a native client).
 *
 * It never holds `li_at`: the browser attaches LinkedIn's cookies itself. It does hold the
 * `csrf-token` header, so it must not be logged or sent anywhere but LinkedIn.
 */
export interface HttpRequest {
  /** Absolute URL on `https://www.linkedin.com`. */
  url: string;
  /** Header names in lowercase. */
  headers: Array<[string, string]>;
}

/** LinkedIn's answer as any transport saw it. */
export interface HttpResponse {
  /** HTTP status; 0 when the transport failed before any answer (network error). */
  status: number;
  /** Header names in lowercase. */
  headers: Array<[string, string]>;
  /** The body as text: JSON for Voyager answers, HTML or plain text for login pages and errors. */
  body: string;
  /** Where a followed redirect ended, when the transport followed one. */
  redirectedTo?: string | null;
}

/** How fast the extension may call LinkedIn. There is deliberately no unlimited setting. */
export type PacePreset =
  /** For new accounts or accounts with few connections: half the pace of Standard. */
  | "careful"
  /** Well under every public report of trouble; the default. */
  | "standard"
  /** Ping CRM's one-second floor; more risk, for established accounts. */
  | "faster"
  /**
   * Standard's shape with timing compressed a thousandfold, for the browser suite only;
   * the options page never offers it.
   */
  | "compressed";

/**
 * What a LinkedIn page says about LinkedIn's web client, as the content script read it, for
 * the headers of later calls (voyager-api.md §1.4). Unchecked: [`VoyagerContext::from_page`]
 * decides what is fit to send.
 */
export interface PageMeta {
  /** `<meta name="clientPageInstanceId">`, the id of this page load. */
  clientPageInstanceId?: string | null;
  /** `<meta name="i18nLocale">`, e.g. `en_US`. */
  i18nLocale?: string | null;
  /** `<meta name="serviceVersion">`, the web client's version, e.g. `1.13.40953`. */
  serviceVersion?: string | null;
  /** The browser's IANA time zone, e.g. `Europe/Berlin`. */
  timeZone?: string | null;
}

/**
 * What a LinkedIn page showed of the query ids its web client uses, as the content script read
 * it. Unchecked: the registry takes only what it can verify the form and origin of.
 */
export interface PageQueryIds {
  /** URLs of the requests the page made so far that carry a `queryId` (resource timing). */
  requested: string[];
  /** The query ids written in the page's inline scripts, e.g. `messengerMessages.5846…`. */
  inline: string[];
  /**
   * The addresses of the scripts the page loaded; those on `https://static.licdn.com/` are
   * fetched and scanned once each.
   */
  bundles: string[];
}

/** What the popup shows; one variant per state a user can meet. */
export type PopupState =
  /** Not paired: show the code, its countdown, and the field for a code from the web UI. */
  | {
  state: "unpaired";
  /** The pairing code to enter in the web UI, once the backend issued one. */
  code?: string | null;
  /** When that code stops working. */
  expiresAt?: string | null;
}
  /** Paired and idle. */
  | {
  state: "connected";
  /** LinkedIn calls made against the pace's budgets. */
  budget: BudgetView;
  /** The LinkedIn account's owner, once a sync has learnt who it is. */
  accountName?: string | null;
  /** While older history is still coming. */
  history?: HistoryView | null;
  /** How the latest sync went. */
  lastRun?: RunReport | null;
  /** The earliest time a LinkedIn page visit syncs again; absent: the next one does. */
  nextAutomaticSyncAt?: string | null;
}
  /** A sync is running. */
  | {
  state: "syncing";
  /** Conversations whose messages are all fetched so far. */
  conversations: number;
  /** Messages fetched so far. */
  messages: number;
  /** Attachments stored in the CRM so far. */
  attachments: number;
  /** When the run began. */
  startedAt: string;
  /** LinkedIn calls made against the pace's budgets. */
  budget: BudgetView;
  /** While older history is still coming. */
  history?: HistoryView | null;
}
  /**
   * LinkedIn asked for a security check: every sync, Sync Now included, waits until
   * `until`; the user completes the check on linkedin.com.
   */
  | {
  state: "securityCheck";
  /** When the cool-down after the check ends. */
  until: string;
}
  /** No usable LinkedIn cookies: visit linkedin.com and log in. */
  | {
  state: "linkedInSessionExpired";
  /** LinkedIn ended the session soon after it limited this browser's requests. */
  afterPushback: boolean;
}
  /** The backend refused the token (expired or revoked): pair again. */
  | {
  state: "pairingExpired";
  /** A new pairing code to enter in the web UI, once the backend issued one. */
  code?: string | null;
  /** When that code stops working. */
  expiresAt?: string | null;
}
  /** The backend did not answer. */
  | {
  state: "backendUnreachable";
  /** The network error or the HTTP status. */
  detail: string;
}
  /** LinkedIn is limiting requests; the sync resumes after `retry_at`. */
  | {
  state: "throttledByLinkedIn";
  /** When LinkedIn's backoff ends. */
  retryAt: string;
};

/**
 * A member profile, canonically `urn:li:fsd_profile:<id>`.
 *
 * Also accepts the legacy `urn:li:fs_miniProfile:<id>` and the messaging participant form
 * `urn:li:msg_messagingParticipant:urn:li:fsd_profile:<id>`, which name the same member.
 */
export type ProfileUrn = string;

/** How a sync run ended. */
export type RunOutcome =
  /** Every change down to the watermark was pushed and acknowledged. */
  | "completed"
  /** Stopped early (throttled, backend unreachable); resumes from its checkpoint. */
  | "interrupted"
  /** Stopped on an error that needs the user (logged out, pairing expired, API changed). */
  | "failed";

/** The report of one sync run, sent to the backend and shown in the popup. */
export interface RunReport {
  /** The run's id, also sent with each of its push batches. */
  runId: string;
  /** What started the run. */
  trigger: SyncTrigger;
  /** When the run began. */
  startedAt: string;
  /** When the run ended. */
  finishedAt: string;
  /** Completed, interrupted (resumes later) or failed (needs the user). */
  outcome: RunOutcome;
  /** Conversations whose messages were all pushed and acknowledged in this run. */
  conversationsProcessed: number;
  /** Messages pushed and acknowledged in this run. */
  messagesProcessed: number;
  /** Profiles fetched from LinkedIn and pushed because the backend asked for them. */
  profilesBackfilled: number;
  /** Calls made to LinkedIn, counted against the pace's budgets. */
  requestsMade: number;
  /** What went wrong, in words for a person; never any cookie or token. */
  errors: string[];
  /** The mailbox synced, once a `/me` answer is known. */
  account?: ProfileUrn | null;
  /** Attachments downloaded in the browser and stored by the backend in this run. */
  attachmentsStored?: number;
}

/** What started a sync. */
export type SyncTrigger =
  /** A LinkedIn page visit, subject to the throttle. */
  | "pageVisit"
  /** The popup's Sync Now. */
  | "manual"
  /** A sync the web UI asked for. */
  | "requested";

/** The worker's reply to any [`WorkerRequest`]. */
export type WorkerReply =
  /** What the popup shows, after `getState`, the pairing requests and `unpair`. */
  | {
  type: "state";
  /** The state to render. */
  state: PopupState;
}
  /** The settings in force, after `getSettings` and `saveSettings`. */
  | {
  type: "settings";
  /** The settings stored, normalised. */
  settings: ExtensionSettings;
}
  /** Done, nothing to show: after `syncNow` and the content script's reports. */
  | { type: "ack" }
  /** The request failed. */
  | {
  type: "error";
  /** What went wrong, for a person. */
  message: string;
};

/** A message to the service worker. */
export type WorkerRequest =
  /**
   * The content script saw a LinkedIn page load (sync if the throttle allows); `page` is
   * what the page said about LinkedIn's web client, for the headers of Voyager calls, and
   * where the page shows LinkedIn's query ids. The worker learns those (fetching the bundles
   * it has not scanned) before the visit's sync starts.
   */
  | {
  type: "pageVisit";
  /** The address of the LinkedIn page. */
  url: string;
  /** The page's locale, client version and page instance id, and the browser's time zone. */
  page: PageMeta;
  /** The page's requests with a query id so far, its inline scripts' ids, its bundles. */
  queryIds: PageQueryIds;
}
  /** The content script saw a profile page; `html` is the parts the profile parser needs. */
  | {
  type: "profilePage";
  /** The profile's address, `https://www.linkedin.com/in/<slug>/`. */
  url: string;
  /** The page's markup as rendered when the content script read it. */
  html: string;
}
  /** Voyager URLs the page itself requested (from resource timing), to learn rotated query ids. */
  | {
  type: "queryIdsObserved";
  /** Request URLs; messaging query ids are learnt from their `queryId` parameter. */
  urls: string[];
}
  /** The popup's Sync Now: no throttle. */
  | { type: "syncNow" }
  /** The popup asks what to show. */
  | { type: "getState" }
  /** The popup asks for a pairing code to display. */
  | { type: "requestPairingCode" }
  /** The popup's field for a code shown by the web UI. */
  | {
  type: "enterPairingCode";
  /** The code as the user typed it, e.g. `PING-X7K3M2`. */
  code: string;
}
  /** Forget the token and the sync state. */
  | { type: "unpair" }
  /**
   * The options page asks for the settings in force (the defaults before any save);
   * answered with [`WorkerReply::Settings`].
   */
  | { type: "getSettings" }
  /**
   * The options page saves; the worker stores them [normalised](ExtensionSettings::normalise)
   * and answers with [`WorkerReply::Settings`], what it stored.
   */
  | {
  type: "saveSettings";
  /** The settings as the form holds them. */
  settings: ExtensionSettings;
};
