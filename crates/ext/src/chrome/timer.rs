//! `setTimeout` as a future (the worker's global scope has it; there is no `window`).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, millis: i32) -> JsValue;
}

/// Resolves after `millis` milliseconds (clamped to what `setTimeout` takes).
pub async fn sleep(millis: u64) {
    let millis = i32::try_from(millis).unwrap_or(i32::MAX);
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, millis);
    });
    let _: Result<JsValue, JsValue> = JsFuture::from(promise).await;
}
