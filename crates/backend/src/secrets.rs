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

/// The pad a token seals its successor with: SHA-256 of the token under a label of its own.
fn successor_pad(token: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"ping: the successor of a refreshed token\0");
    hasher.update(token.as_bytes());
    hasher.finalize().into()
}

/// `successor` (a token of [`random_token`]) sealed with `token`, as hex: the successor's 32
/// bytes XOR a pad derived from `token`. `token` holds 256 random bits and seals one successor
/// only, so the pad is used once, and only a holder of `token` (which the store never keeps)
/// can open the seal. `None` for a successor that is not a token.
pub fn seal_successor(token: &str, successor: &str) -> Option<String> {
    let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(successor).ok()?.try_into().ok()?;
    let pad = successor_pad(token);
    Some(hex::encode(std::array::from_fn::<u8, 32, _>(|i| {
        bytes[i] ^ pad[i]
    })))
}

/// The successor [`seal_successor`] sealed with `token`.
pub fn open_successor(token: &str, sealed: &str) -> Option<String> {
    let bytes: [u8; 32] = hex::decode(sealed).ok()?.try_into().ok()?;
    let pad = successor_pad(token);
    Some(URL_SAFE_NO_PAD.encode(std::array::from_fn::<u8, 32, _>(|i| bytes[i] ^ pad[i])))
}

/// An Argon2id hash with the default parameters of a password nobody has: a login for an
/// unknown email is checked against it, so it costs the same work as one for a known email.
const NOBODYS_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$\
                            U29tZVNhbHRGb3JOb2JvZHk$\
                            S+vUvxvPp7Vv8hEd1N5sZ0C4K7nJgAMrC4d7yGm6V5o";

/// Whether a login's password matches the user's hash. Without a user (an unknown email) it is
/// checked against a hash nobody matches, with the same Argon2 work, so the time of the answer
/// does not tell which emails have an account.
pub fn verify_login(stored: Option<&str>, password: &str) -> bool {
    let matched = verify_password(password, stored.unwrap_or(NOBODYS_HASH));
    matched && stored.is_some()
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
    fn a_successor_opens_only_with_the_token_that_sealed_it() {
        let (token, successor) = (random_token(), random_token());
        let sealed = seal_successor(&token, &successor).unwrap();
        assert_eq!(
            open_successor(&token, &sealed).as_deref(),
            Some(&*successor)
        );
        assert_ne!(
            open_successor(&random_token(), &sealed).as_deref(),
            Some(&*successor)
        );
        assert!(!sealed.contains(&successor));
        assert_eq!(seal_successor(&token, "not a token"), None);
    }

    #[test]
    fn nobodys_hash_costs_what_a_real_one_costs() {
        let real = hash_password("correct horse").unwrap();
        let params = |phc: &str| {
            let hash = PasswordHash::new(phc).unwrap();
            (
                hash.algorithm.to_string(),
                hash.version,
                hash.params.to_string(),
            )
        };
        assert_eq!(params(NOBODYS_HASH), params(&real), "the same Argon2 work");
        // Timed, the cheapest of five runs each, interleaved (other work on the machine slows
        // either): an unknown email used to cost no Argon2 at all (2 ms against 28 ms), so a
        // quarter of a known one's time is a wide margin.
        let time = |stored: Option<&str>| {
            let start = std::time::Instant::now();
            assert!(!verify_login(stored, "a guess"));
            start.elapsed()
        };
        let runs: Vec<_> = (0..5).map(|_| (time(Some(&real)), time(None))).collect();
        let known = runs.iter().map(|run| run.0).min().unwrap();
        let unknown = runs.iter().map(|run| run.1).min().unwrap();
        assert!(
            unknown * 4 >= known,
            "unknown {unknown:?} against known {known:?}"
        );
        assert!(verify_login(Some(&real), "correct horse"));
        assert!(!verify_login(None, "correct horse"));
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
