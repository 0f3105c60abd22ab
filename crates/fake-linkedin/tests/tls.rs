//! HTTPS with the generated certificate.

use crate::common::start_with;

#[tokio::test]
async fn https_works_with_the_generated_certificate_for_ip_and_linkedin_names() {
    let server = start_with(3, 0..=1, |c| c.tls = true).await;
    assert!(server.base_url().starts_with("https://127.0.0.1:"));
    let pem = server.cert_pem().unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .resolve("www.linkedin.com", server.addr())
        .build()
        .unwrap();
    let health = client
        .get(format!("{}/__fake/health", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let page = client
        .get(format!(
            "https://www.linkedin.com:{}/feed/",
            server.addr().port()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Domain=.linkedin.com")
    );

    let untrusting = reqwest::Client::new();
    assert!(
        untrusting
            .get(format!("{}/feed/", server.base_url()))
            .send()
            .await
            .is_err()
    );
}
