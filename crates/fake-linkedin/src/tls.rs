//! A self-signed certificate for `www.linkedin.com`, `media.licdn.com`, `static.licdn.com`,
//! `localhost` and `127.0.0.1`, generated at start, and the rustls acceptor using it.

use std::io;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// The names the certificate covers.
pub const NAMES: [&str; 5] = [
    "www.linkedin.com",
    "media.licdn.com",
    "static.licdn.com",
    "localhost",
    "127.0.0.1",
];

/// A generated certificate and its acceptor.
pub struct Tls {
    /// Accepts TLS connections with the certificate.
    pub acceptor: TlsAcceptor,
    /// The certificate in PEM, for clients to trust.
    pub cert_pem: String,
}

fn io_error(error: impl std::fmt::Display) -> io::Error {
    io::Error::other(error.to_string())
}

/// Generates a certificate and a TLS 1.2/1.3 acceptor (ring provider; HTTP/1.1 and h2).
pub fn generate() -> io::Result<Tls> {
    let names: Vec<String> = NAMES.iter().map(|n| (*n).to_owned()).collect();
    let certified = rcgen::generate_simple_self_signed(names).map_err(io_error)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io_error)?
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .map_err(io_error)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        cert_pem: certified.cert.pem(),
    })
}
