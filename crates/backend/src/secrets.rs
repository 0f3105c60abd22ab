//! Random secrets, their hashes, pairing codes and password hashing.
//!
//! Tokens, session ids and poll secrets are 32 random bytes, so a plain SHA-256 is enough to
//! store them; passwords are hashed with Argon2id.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng as _;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// The characters of a pairing code: no 0/O, 1/I/L look-alikes.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Every pairing code starts with this.
pub const CODE_PREFIX: &str = "PING-";

/// 32 random bytes, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let bytes: [u8; 32] = OsRng.r#gen();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Lowercase hex SHA-256, how tokens and session ids are stored.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(data.as_ref()))
}

/// `PING-` and 6 characters of [`CODE_ALPHABET`].
pub fn pairing_code() -> String {
    let mut rng = OsRng;
    let tail: String = (0..6)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect();
    format!("{CODE_PREFIX}{tail}")
}

/// Upper-cases, trims and adds the `PING-` prefix if the user typed only the 6 characters.
pub fn normalize_code(raw: &str) -> String {
    let upper: String = raw.trim().to_ascii_uppercase().replace(' ', "");
    if upper.starts_with(CODE_PREFIX) {
        upper
    } else {
        format!("{CODE_PREFIX}{upper}")
    }
}

/// A readable random password for generated accounts (16 characters of the code alphabet).
pub fn generated_password() -> String {
    let mut rng = OsRng;
    (0..16)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Why a password could not be hashed (never the password itself).
#[derive(Debug, thiserror::Error)]
#[error("could not hash the password: {0}")]
pub struct HashError(String);

/// Argon2id PHC string.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// Whether `password` matches a stored PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Compares two secrets without an early exit on the first difference.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairing_codes_use_only_the_unambiguous_alphabet() {
        for _ in 0..200 {
            let code = pairing_code();
            let tail = code.strip_prefix(CODE_PREFIX).unwrap();
            assert_eq!(tail.len(), 6);
            assert!(tail.bytes().all(|c| CODE_ALPHABET.contains(&c)), "{code}");
        }
    }

    #[test]
    fn typed_codes_are_normalized() {
        assert_eq!(normalize_code(" ping-x7k3m2 "), "PING-X7K3M2");
        assert_eq!(normalize_code("x7k3m2"), "PING-X7K3M2");
    }

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
