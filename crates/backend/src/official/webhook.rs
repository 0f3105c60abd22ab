//! Webhook validation and `X-LI-Signature` (§3, §7): HMAC-SHA256 keyed with the app's client
//! secret.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::secrets::constant_time_eq;
use crate::settings::Secret;

const PREFIX: &str = "hmacsha256=";

fn hmac_hex(secret: &Secret<String>, parts: &[&[u8]]) -> String {
    // HMAC takes keys of any length, so this never fails.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// `challengeResponse`: hex HMAC-SHA256 of the challenge code.
pub fn challenge_response(secret: &Secret<String>, challenge_code: &str) -> String {
    hmac_hex(secret, &[challenge_code.as_bytes()])
}

/// Whether `header` signs `body` in one of the readings sources give (§7), and nothing else:
/// - `hex(HMAC(secret, "hmacsha256=" + body))` (Microsoft Learn's wording),
/// - `"hmacsha256=" + hex(HMAC(secret, body))`,
/// - `hex(HMAC(secret, body))`.
///
/// Lowercase hex, as LinkedIn sends; every reading is compared in constant time.
pub fn signature_matches(secret: &Secret<String>, body: &[u8], header: &str) -> bool {
    let over_body = hmac_hex(secret, &[body]);
    let readings = [
        hmac_hex(secret, &[PREFIX.as_bytes(), body]),
        format!("{PREFIX}{over_body}"),
        over_body,
    ];
    // No early exit: every reading is compared whatever the first gave.
    readings.iter().fold(false, |matched, reading| {
        constant_time_eq(reading, header) | matched
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret<String> {
        Secret::new("S3cr".into())
    }

    #[test]
    fn each_documented_reading_is_accepted() {
        let body = br#"{"type":"LEAD_ACTION"}"#;
        let prefixed_body = hmac_hex(&secret(), &[b"hmacsha256=", body]);
        let plain = hmac_hex(&secret(), &[body]);
        assert!(signature_matches(&secret(), body, &prefixed_body));
        assert!(signature_matches(
            &secret(),
            body,
            &format!("hmacsha256={plain}")
        ));
        assert!(signature_matches(&secret(), body, &plain));
    }

    #[test]
    fn anything_else_is_refused() {
        let body = br#"{"type":"LEAD_ACTION"}"#;
        let plain = hmac_hex(&secret(), &[body]);
        let other = hmac_hex(&Secret::new("other".into()), &[body]);
        for header in [
            String::new(),
            other,
            plain.to_uppercase(),
            format!("sha256={plain}"),
            format!(
                "hmacsha256={}",
                hmac_hex(&secret(), &[b"hmacsha256=", body])
            ),
            format!(" {plain}"),
        ] {
            assert!(!signature_matches(&secret(), body, &header), "{header}");
        }
    }

    #[test]
    fn the_challenge_is_answered_with_the_hmac_of_its_code() {
        // Computed independently (Python's hmac module).
        assert_eq!(
            challenge_response(&secret(), "890e4665"),
            "bf8c3fdc449978075447b15d355758359e465ad568425e59a7dd3af9a57fc8a3"
        );
    }
}
