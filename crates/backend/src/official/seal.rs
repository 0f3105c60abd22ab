//! App secrets and OAuth tokens sealed at rest with ChaCha20-Poly1305 under `PING_SECRETS_KEY`.
//!
//! A sealed value is base64 of a random 12-byte nonce followed by the ciphertext. The purpose
//! (`"client_secret"`, `"access_token"`…) and the owning user are the associated data, so a
//! value copied into another row or column does not open.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use crate::ids::UserId;
use crate::settings::Secret;

const NONCE_LEN: usize = 12;

/// Why the sealing key is not usable. The messages say how to fix it; the key never shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretsKeyError {
    #[error(
        "PING_SECRETS_KEY is not set: the backend needs it to store LinkedIn app secrets and \
         tokens; set it to 64 hex characters (`openssl rand -hex 32`) and restart"
    )]
    Missing,
    #[error(
        "PING_SECRETS_KEY is not 64 hex characters (32 bytes): generate one with \
         `openssl rand -hex 32` and restart"
    )]
    Malformed,
}

/// A sealed value that does not open (damaged, moved, or sealed under another key).
#[derive(Debug, thiserror::Error)]
#[error(
    "a stored LinkedIn secret does not open: was PING_SECRETS_KEY changed? connect the app again"
)]
pub struct UnsealError;

/// What a sealed value is for, bound into its associated data.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    ClientSecret,
    AccessToken,
    RefreshToken,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Self::ClientSecret => "client_secret",
            Self::AccessToken => "access_token",
            Self::RefreshToken => "refresh_token",
        }
    }
}

/// Seals and opens secrets with the key from the environment.
#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer([redacted])")
    }
}

impl FromStr for Secret<String> {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s.to_owned()))
    }
}

fn associated_data(purpose: Purpose, user: UserId) -> String {
    format!("ping official api\0{}\0{}", purpose.label(), user.0)
}

impl Sealer {
    /// The sealer of the configured key (`PING_SECRETS_KEY`, 64 hex characters).
    pub fn from_key(key: Option<&Secret<String>>) -> Result<Self, SecretsKeyError> {
        let key = key.ok_or(SecretsKeyError::Missing)?;
        let bytes: [u8; 32] = hex::decode(key.expose().trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(SecretsKeyError::Malformed)?;
        Ok(Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&bytes)),
        })
    }

    pub fn seal(&self, purpose: Purpose, user: UserId, plaintext: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = associated_data(purpose, user);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: aad.as_bytes(),
        };
        // Encryption in memory only fails for messages over 256 GiB.
        let ciphertext = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        STANDARD.encode(sealed)
    }

    pub fn open(
        &self,
        purpose: Purpose,
        user: UserId,
        sealed: &str,
    ) -> Result<Secret<String>, UnsealError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| UnsealError)?;
        if bytes.len() <= NONCE_LEN {
            return Err(UnsealError);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let aad = associated_data(purpose, user);
        let payload = Payload {
            msg: ciphertext,
            aad: aad.as_bytes(),
        };
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| UnsealError)?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| UnsealError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> Sealer {
        Sealer::from_key(Some(&Secret::new("11".repeat(32)))).unwrap()
    }

    #[test]
    fn a_sealed_secret_opens_for_its_purpose_and_user_only() {
        let sealed = sealer().seal(Purpose::ClientSecret, UserId(1), "S3cr");
        assert!(!sealed.contains("S3cr"));
        let opened = sealer().open(Purpose::ClientSecret, UserId(1), &sealed);
        assert_eq!(opened.unwrap().expose(), "S3cr");
        assert!(
            sealer()
                .open(Purpose::AccessToken, UserId(1), &sealed)
                .is_err()
        );
        assert!(
            sealer()
                .open(Purpose::ClientSecret, UserId(2), &sealed)
                .is_err()
        );
        let other = Sealer::from_key(Some(&Secret::new("22".repeat(32)))).unwrap();
        assert!(
            other
                .open(Purpose::ClientSecret, UserId(1), &sealed)
                .is_err()
        );
    }

    #[test]
    fn a_missing_or_short_key_says_how_to_make_one() {
        assert_eq!(
            Sealer::from_key(None).unwrap_err(),
            SecretsKeyError::Missing
        );
        let short = Sealer::from_key(Some(&Secret::new("abcd".into())));
        assert_eq!(short.unwrap_err(), SecretsKeyError::Malformed);
        assert!(
            SecretsKeyError::Missing
                .to_string()
                .contains("openssl rand -hex 32")
        );
    }
}
