//! SHA-256 through the worker's Web Crypto (`crypto.subtle`; no hashing crate in the module).

use wasm_bindgen::prelude::*;

use super::ChromeError;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = digest)]
    fn digest(algorithm: &str, data: &[u8]) -> Result<js_sys::Promise, JsValue>;
}

/// The SHA-256 digest of `data`.
pub async fn sha256(data: &[u8]) -> Result<Vec<u8>, ChromeError> {
    let digest = super::settle("crypto.subtle.digest", digest("SHA-256", data)).await?;
    Ok(js_sys::Uint8Array::new(&digest).to_vec())
}
