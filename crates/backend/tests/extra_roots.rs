//! Avatar downloads over HTTPS from a server whose certificate a CA of the test's own signed,
//! as a company's TLS-inspecting proxy does: refused with the built-in web roots only, stored
//! once the CA is an extra root (`PING_EXTRA_CA_CERTS`). A root file that cannot be used stops
//! the start, naming the file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use ping_backend::avatars::{
    AvatarPolicy, AvatarWorker, ExtraRootsError, FetchError, JobResult, download, http_client,
    load_extra_roots,
};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use crate::fixtures::*;
use crate::helpers::TestApp;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really a picture";

/// A certificate authority (its PEM), and a server configuration with a certificate for
/// 127.0.0.1 that the authority signed.
fn authority_and_server_certificate() -> (String, rustls::ServerConfig) {
    let mut authority = CertificateParams::new(Vec::<String>::new()).unwrap();
    authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    authority
        .distinguished_name
        .push(DnType::CommonName, "Ping test CA");
    let authority_key = KeyPair::generate().unwrap();
    let authority = authority.self_signed(&authority_key).unwrap();
    let mut server = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "media server");
    let server_key = KeyPair::generate().unwrap();
    let server = server
        .signed_by(&server_key, &authority, &authority_key)
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![server.der().clone()], key)
    .unwrap();
    (authority.pem(), config)
}

/// Serves `/avatar.png` over HTTPS on 127.0.0.1 (port 0, bound before the task starts); returns
/// its URL and the PEM of the CA that signed its certificate.
async fn https_media_server() -> (String, String) {
    let (authority_pem, config) = authority_and_server_certificate();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let app = Router::new().route(
        "/avatar.png",
        get(|| async { ([(header::CONTENT_TYPE, "image/png")], PNG) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                // A client that does not trust the certificate ends the handshake: nothing to serve.
                if let Ok(stream) = acceptor.accept(stream).await {
                    let service = TowerToHyperService::new(app);
                    let _ = auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                }
            });
        }
    });
    (format!("https://{address}/avatar.png"), authority_pem)
}

/// HTTPS only, from 127.0.0.1.
fn https_policy() -> AvatarPolicy {
    AvatarPolicy {
        hosts: vec!["127.0.0.1".into()],
        allow_http: false,
        max_bytes: 1024,
    }
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[tokio::test]
async fn a_server_signed_by_an_extra_root_is_downloaded_from_and_refused_without_it() {
    let (url, authority_pem) = https_media_server().await;
    let dir = tempfile::tempdir().unwrap();
    let roots = load_extra_roots(&[write(dir.path(), "ca.pem", &authority_pem)]).unwrap();
    let policy = https_policy();

    let web_roots_only = http_client(&policy, &[]).unwrap();
    let refused = download(&web_roots_only, &policy, &url).await;
    assert!(
        matches!(&refused, Err(FetchError::Transient(_))),
        "an unknown issuer is a failed connection: {refused:?}"
    );
    let trusting = http_client(&policy, &roots).unwrap();
    let image = download(&trusting, &policy, &url).await.unwrap();
    assert_eq!(
        (image.content_type.as_str(), image.bytes.as_slice()),
        ("image/png", PNG)
    );
}

#[tokio::test]
async fn the_worker_stores_a_pushed_avatar_from_an_https_server_its_extra_root_vouches_for() {
    let (url, authority_pem) = https_media_server().await;
    let dir = tempfile::tempdir().unwrap();
    let roots = load_extra_roots(&[write(dir.path(), "ca.pem", &authority_pem)]).unwrap();
    let app = TestApp::with_policy(https_policy()).await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let mut batch = small_batch();
    batch.conversations[0].participants[1].picture = Some(picture(&url, "asset-1"));
    let (status, _) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    assert_eq!(status, StatusCode::OK);

    let worker = |roots: &[reqwest::Certificate]| {
        AvatarWorker::new(
            app.state.store.clone(),
            app.state.clock.clone(),
            https_policy(),
            roots,
        )
        .unwrap()
    };
    assert_eq!(worker(&[]).run_once().await.unwrap(), JobResult::Retry);
    assert_eq!(worker(&roots).run_once().await.unwrap(), JobResult::Stored);
    let user = app.user_id("ada@example.com").await;
    let contact = app.contact(user, &member(1)).await;
    assert_eq!(
        contact.avatar_hash.as_deref(),
        Some(ping_backend::secrets::sha256_hex(PNG).as_str())
    );
}

#[test]
fn a_root_file_that_cannot_be_used_is_named_with_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let not_pem = write(dir.path(), "notes.txt", "just some text\n");
    let garbled = write(
        dir.path(),
        "garbled.pem",
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
    );
    let error = |path: &Path| load_extra_roots(&[path.to_owned()]).unwrap_err();
    let cases = [
        (&missing, "cannot read the root certificate file"),
        (&not_pem, "holds no PEM certificate"),
        (&garbled, "holds a certificate that cannot be read"),
    ];
    for (path, expected) in cases {
        let message = error(path).to_string();
        assert!(message.contains(expected), "{message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
    assert!(matches!(
        error(&missing),
        ExtraRootsError::Unreadable { .. }
    ));
    assert!(load_extra_roots(&[]).unwrap().is_empty());
}

#[test]
fn serve_stops_at_start_when_an_extra_root_file_is_not_pem() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = write(dir.path(), "proxy-ca.der", "\u{30}\u{82} binary");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ping-backend"))
        .arg("serve")
        .env("PING_BIND", "127.0.0.1:0")
        .env(
            "PING_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("ping.db").display()),
        )
        .env("PING_EXTRA_CA_CERTS", &not_pem)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("proxy-ca.der holds no PEM certificate"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("ping.db").exists(),
        "it stops before opening the store"
    );
}
