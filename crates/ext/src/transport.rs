//! How a Voyager request reaches LinkedIn: the worker's own `fetch`, or the content script of
//! an open www.linkedin.com tab (same origin, the page's cookies). Either way the answer comes
//! back as an [`HttpResponse`] for `ping_core::voyager::interpret`; a request that got no
//! answer at all is status 0 with the reason in the body.

use gloo_net::http::Request;
use ping_core::sync::Transport;
use ping_core::voyager::{HttpRequest, HttpResponse};
use ping_protocol::worker::ContentRequest;
use web_sys::RequestCredentials;

use crate::chrome::tabs;

/// Tabs whose content script can fetch for the worker.
const LINKEDIN_TABS: &str = "https://www.linkedin.com/*";

/// Sends `request` the way the planner chose.
pub async fn send(request: &HttpRequest, via: Transport) -> HttpResponse {
    match via {
        Transport::Direct => fetch_direct(request).await,
        Transport::Tab => fetch_through_tab(request).await,
    }
}

/// A request that got no answer: status 0, the reason in the body.
pub fn no_answer(reason: String) -> HttpResponse {
    HttpResponse {
        status: 0,
        body: reason,
        ..HttpResponse::default()
    }
}

async fn fetch_direct(request: &HttpRequest) -> HttpResponse {
    let mut builder = Request::get(&request.url).credentials(RequestCredentials::Include);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    match builder.send().await {
        Ok(response) => read_answer(response).await,
        Err(error) => no_answer(format!("network error: {error}")),
    }
}

/// LinkedIn's answer as the planner reads it: status, headers, where a redirect ended, body.
pub async fn read_answer(response: gloo_net::http::Response) -> HttpResponse {
    let headers = response
        .headers()
        .entries()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .collect();
    let redirected_to = response.redirected().then(|| response.url());
    let status = response.status();
    match response.text().await {
        Ok(body) => HttpResponse {
            status,
            headers,
            body,
            redirected_to,
        },
        Err(error) => no_answer(format!("the answer could not be read: {error}")),
    }
}

async fn fetch_through_tab(request: &HttpRequest) -> HttpResponse {
    let tabs = match tabs::loaded_tabs(LINKEDIN_TABS).await {
        Ok(tabs) => tabs,
        Err(error) => return no_answer(error.to_string()),
    };
    let Some(tab) = tabs.first() else {
        return no_answer("no open www.linkedin.com tab to fetch through".to_owned());
    };
    let message = ContentRequest::Fetch {
        request: request.clone(),
    };
    tabs::send_message::<_, HttpResponse>(*tab, &message)
        .await
        .unwrap_or_else(|error| no_answer(error.to_string()))
}
