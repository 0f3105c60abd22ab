// @ts-check
// The profile-page parser (scraper) is a wasm module of its own (crates/ext-profile), so the
// module the worker compiles on every start stays small. Module workers have no dynamic
// import(), so this glue is imported statically (by pkg/ping_ext.js) and only the .wasm is
// fetched and instantiated, on the first profile page.
// @ts-ignore -- pkg/ is wasm-bindgen's output (./build.sh build), absent when lint runs first.
import init, { parse_profile_page } from './pkg/ping_ext_profile.js';

/** @type {Promise<unknown> | undefined} */
let ready;

/**
 * The member a profile page shows, as the JSON of a `Profile`; throws why it is not one.
 * @param {string} html
 * @param {string} url
 * @returns {Promise<string>}
 */
export async function parseProfilePage(html, url) {
  ready ??= init({ module_or_path: chrome.runtime.getURL('pkg/ping_ext_profile_bg.wasm') });
  try {
    await ready;
  } catch (error) {
    ready = undefined; // the next page tries again
    throw error;
  }
  return parse_profile_page(html, url);
}
