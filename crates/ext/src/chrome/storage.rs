//! `chrome.storage.local` (survives restarts) and `chrome.storage.session` (in memory, cleared
//! when the browser closes; shared by every instance of the worker), one typed key at a time
//! or several in one call.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use super::{ChromeError, from_js, settle, to_js};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    fn local_get(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    fn local_set(items: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    fn local_remove(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = get, catch)]
    fn session_get(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = set, catch)]
    fn session_set(items: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = remove, catch)]
    fn session_remove(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

/// Which storage area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Local,
    Session,
}

/// Reads one key; `None` when it was never written (or was removed).
pub async fn get<T: DeserializeOwned>(area: Area, key: &str) -> Result<Option<T>, ChromeError> {
    let api = get_api(area);
    let keys = JsValue::from_str(key);
    let items = get_items(area, &keys).await?;
    let value = js_sys::Reflect::get(&items, &keys).map_err(|e| ChromeError::rejected(api, &e))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    from_js(api, value).map(Some)
}

/// Reads several keys of the local and of the session area, as the fields of `L` and `S` (named
/// like the keys; a key never written is a field's default). Both calls are in flight at once:
/// a cold worker (the popup's first question) waits for one round trip, not two.
pub async fn get_many_of_both<L: DeserializeOwned, S: DeserializeOwned>(
    local_keys: &[&str],
    session_keys: &[&str],
) -> Result<(L, S), ChromeError> {
    let (local_api, session_api) = (get_api(Area::Local), get_api(Area::Session));
    let local_call = local_get(&to_js(local_api, local_keys)?);
    let session_call = session_get(&to_js(session_api, session_keys)?);
    let local = settle(local_api, local_call).await?;
    let session = settle(session_api, session_call).await?;
    Ok((from_js(local_api, local)?, from_js(session_api, session)?))
}

fn get_api(area: Area) -> &'static str {
    match area {
        Area::Local => "chrome.storage.local.get",
        Area::Session => "chrome.storage.session.get",
    }
}

/// The items object `get(keys)` answers.
async fn get_items(area: Area, keys: &JsValue) -> Result<JsValue, ChromeError> {
    let called = match area {
        Area::Local => local_get(keys),
        Area::Session => session_get(keys),
    };
    settle(get_api(area), called).await
}

/// Writes one key.
pub async fn set<T: Serialize + ?Sized>(
    area: Area,
    key: &str,
    value: &T,
) -> Result<(), ChromeError> {
    let api = match area {
        Area::Local => "chrome.storage.local.set",
        Area::Session => "chrome.storage.session.set",
    };
    let items = js_sys::Object::new();
    js_sys::Reflect::set(&items, &JsValue::from_str(key), &to_js(api, value)?)
        .map_err(|e| ChromeError::rejected(api, &e))?;
    let called = match area {
        Area::Local => local_set(&items),
        Area::Session => session_set(&items),
    };
    settle(api, called).await.map(drop)
}

/// Removes keys.
pub async fn remove(area: Area, keys: &[&str]) -> Result<(), ChromeError> {
    let api = match area {
        Area::Local => "chrome.storage.local.remove",
        Area::Session => "chrome.storage.session.remove",
    };
    let keys = to_js(api, keys)?;
    let called = match area {
        Area::Local => local_remove(&keys),
        Area::Session => session_remove(&keys),
    };
    settle(api, called).await.map(drop)
}
