//! Root certificates the avatar downloads trust besides the built-in web roots
//! (`PING_EXTRA_CA_CERTS`): a company's TLS-inspecting proxy, or a local HTTPS server in tests.

use std::path::{Path, PathBuf};

use reqwest::Certificate;

/// Why the extra root certificates cannot be used: the backend does not start without them.
#[derive(Debug, thiserror::Error)]
pub enum ExtraRootsError {
    #[error("cannot read the root certificate file {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} holds no PEM certificate: expected `-----BEGIN CERTIFICATE-----` blocks",
        path.display()
    )]
    NotPem { path: PathBuf },
    #[error("{} holds a certificate that cannot be read: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
}

/// Every certificate of the PEM files at `paths` (a file may hold several).
pub fn load_extra_roots(paths: &[PathBuf]) -> Result<Vec<Certificate>, ExtraRootsError> {
    let mut roots = Vec::new();
    for path in paths {
        roots.extend(load_file(path)?);
    }
    Ok(roots)
}

fn load_file(path: &Path) -> Result<Vec<Certificate>, ExtraRootsError> {
    let invalid = |error: reqwest::Error| ExtraRootsError::Invalid {
        path: path.to_owned(),
        reason: with_causes(&error),
    };
    let pem = std::fs::read(path).map_err(|source| ExtraRootsError::Unreadable {
        path: path.to_owned(),
        source,
    })?;
    let certificates = Certificate::from_pem_bundle(&pem).map_err(invalid)?;
    if certificates.is_empty() {
        return Err(ExtraRootsError::NotPem {
            path: path.to_owned(),
        });
    }
    // reqwest reads what a certificate holds only when a client is built: a client with this
    // file's certificates alone names the file of a bad one.
    trusting(&certificates).build().map_err(invalid)?;
    Ok(certificates)
}

/// A client builder that trusts `extra_roots` besides the built-in web roots.
pub(super) fn trusting(extra_roots: &[Certificate]) -> reqwest::ClientBuilder {
    extra_roots
        .iter()
        .fold(reqwest::Client::builder(), |builder, root| {
            builder.add_root_certificate(root.clone())
        })
}

/// An error with its causes, `outer: inner: innermost`.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    text
}
