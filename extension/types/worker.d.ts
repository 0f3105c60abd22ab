// Generated from ping_protocol::worker by crates/protocol/tests/worker_types.rs; do not edit.
// Regenerate: UPDATE_TYPES=1 cargo test -p ping-protocol --features schema --test worker_types

/** LinkedIn calls made against the budgets of the pace in force. */
export interface BudgetView { pace: PacePreset; thisHour: number; hourly: number; today: number; daily: number }

/** A message from the worker to the content script of an open LinkedIn tab. */
export type ContentRequest =
  /** Fetch this Voyager request from the page (same origin, the tab's own cookies). */
  | { type: "fetch"; request: HttpRequest };

/** The extension's options page settings. */
export interface ExtensionSettings {
  /** The Ping backend, e.g. `http://127.0.0.1:8787`. */
  backendUrl: string;
  /** Minimum time between automatic syncs, in minutes (default 120). */
  throttleMinutes: number;
  /** No automatic syncs while paused (Sync Now still works). */
  paused: boolean;
  /** How fast the extension may call LinkedIn. */
  pace?: PacePreset;
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

/** What the popup shows; one variant per state a user can meet. */
export type PopupState =
  /** Not paired: show the code, its countdown, and the field for a code from the web UI. */
  | { state: "unpaired"; code?: string | null; expiresAt?: string | null }
  /** Paired and idle. */
  | {
  state: "connected";
  budget: BudgetView;
  accountName?: string | null;
  /** While older history is still coming. */
  history?: HistoryView | null;
  lastRun?: RunReport | null;
  nextAutomaticSyncAt?: string | null;
}
  /** A sync is running. */
  | { state: "syncing"; conversations: number; messages: number; startedAt: string; budget: BudgetView; history?: HistoryView | null }
  /**
   * LinkedIn asked for a security check: every sync, Sync Now included, waits until
   * `until`; the user completes the check on linkedin.com.
   */
  | { state: "securityCheck"; until: string }
  /** No usable LinkedIn cookies: visit linkedin.com and log in. */
  | {
  state: "linkedInSessionExpired";
  /** LinkedIn ended the session soon after it limited this browser's requests. */
  afterPushback: boolean;
}
  /** The backend refused the token (expired or revoked): pair again. */
  | { state: "pairingExpired"; code?: string | null; expiresAt?: string | null }
  /** The backend did not answer. */
  | { state: "backendUnreachable"; detail: string }
  /** LinkedIn is limiting requests; the sync resumes after `retry_at`. */
  | { state: "throttledByLinkedIn"; retryAt: string };

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
  runId: string;
  trigger: SyncTrigger;
  startedAt: string;
  finishedAt: string;
  outcome: RunOutcome;
  conversationsProcessed: number;
  messagesProcessed: number;
  profilesBackfilled: number;
  requestsMade: number;
  /** What went wrong, in words for a person; never any cookie or token. */
  errors: string[];
  account?: ProfileUrn | null;
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
  | { type: "state"; state: PopupState }
  /** The settings in force, after `getSettings` and `saveSettings`. */
  | { type: "settings"; settings: ExtensionSettings }
  | { type: "ack" }
  | { type: "error"; message: string };

/** A message to the service worker. */
export type WorkerRequest =
  /**
   * The content script saw a LinkedIn page load (sync if the throttle allows); `page` is
   * what the page said about LinkedIn's web client, for the headers of Voyager calls.
   */
  | { type: "pageVisit"; url: string; page: PageMeta }
  /** The content script saw a profile page; `html` is the parts the profile parser needs. */
  | { type: "profilePage"; url: string; html: string }
  /** Voyager URLs the page itself requested (from resource timing), to learn rotated query ids. */
  | { type: "queryIdsObserved"; urls: string[] }
  /** The popup's Sync Now: no throttle. */
  | { type: "syncNow" }
  /** The popup asks what to show. */
  | { type: "getState" }
  /** The popup asks for a pairing code to display. */
  | { type: "requestPairingCode" }
  /** The popup's field for a code shown by the web UI. */
  | { type: "enterPairingCode"; code: string }
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
  | { type: "saveSettings"; settings: ExtensionSettings };
