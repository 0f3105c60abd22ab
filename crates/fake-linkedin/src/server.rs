//! The HTTP(S) side: one dispatcher for every host and path, and the accept loop.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::request::Req;
use crate::state::Shared;
use crate::{attachments, bundles, control, media, official, pages, voyager};

/// Largest request body read.
const BODY_LIMIT: usize = 8 << 20;

/// The router: everything goes through [`dispatch`].
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(dispatch).with_state(shared)
}

async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    // HTTP/2 carries the host as `:authority`; log and route it as a `host` header all the same.
    if !parts.headers.contains_key(header::HOST)
        && let Some(authority) = parts.uri.authority()
        && let Ok(value) = HeaderValue::from_str(authority.as_str())
    {
        parts.headers.insert(header::HOST, value);
    }
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or(parts.uri.host())
        .unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    let req = Req {
        method: parts.method,
        host: host.to_ascii_lowercase(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    if let Some(route) = req.path.strip_prefix("/__fake/official/") {
        return official::control::handle(&shared, &req, route).await;
    }
    if req.path.starts_with("/__fake/") {
        return control::handle(&shared, &req);
    }
    let seq = shared.log.lock().push(req.to_log());
    let media_path = if req.host == "media.licdn.com" {
        Some(req.path.as_str())
    } else {
        req.path
            .strip_prefix("/media")
            .filter(|p| p.starts_with("/dms/"))
    };
    if let Some(path) = media_path {
        let account = shared.account.read();
        return media::serve(&account, &shared.media_key, path, &req.query, &req.headers);
    }
    if let Some(response) = official::handle(&shared, &req) {
        return response;
    }
    if req.host == bundles::HOST {
        return bundles::handle(&shared, &req);
    }
    if req.path.starts_with("/dms/prv/") {
        return attachments::serve(&shared, &req, seq);
    }
    if req.path.starts_with("/voyager/api/") {
        return voyager::handle(&shared, &req, seq).await;
    }
    pages::handle(&shared, &req)
}

/// Accepts connections until the task is aborted; dropping the task drops every connection.
pub async fn serve(listener: TcpListener, router: Router, tls: Option<TlsAcceptor>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of descriptors or similar: let in-flight connections finish first.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                let service = TowerToHyperService::new(router.clone());
                let tls = tls.clone();
                connections.spawn(async move {
                    let builder = auto::Builder::new(TokioExecutor::new());
                    match tls {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
