//! `hoistway dev-cert` and `hoistway serve --tls-cert/--tls-key`: the real
//! binary serves HTTPS and WSS with the generated certificate beside plain
//! HTTP, and a client that trusts the generated CA (and only such a client)
//! gets through; the WebSocket idle timeout flag closes with 1000.

mod support;

use futures_util::{SinkExt, StreamExt};
use hoistway_domain::Scope;
use hoistway_store::customers::CustomerInput;
use hoistway_store::{api_clients, customers, Db};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{actor, free_port, hoistway, run, wait_port, Proc};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn serve_over_tls_with_a_dev_certificate_https_and_wss() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    let out = run(
        hoistway().args(["dev-cert", "--out-dir", certs.to_str().unwrap()]),
        "",
    );
    assert!(out.contains("ca.pem"), "{out}");
    let ca = std::fs::read(certs.join("ca.pem")).unwrap();
    assert!(String::from_utf8_lossy(&ca).contains("BEGIN CERTIFICATE"));

    // An application to get tokens with, written straight to the database.
    let url = format!("sqlite://{}", dir.path().join("tls.db").display());
    let db = Db::open(&url).await.unwrap();
    let customer = customers::create(
        &db,
        &Scope::All,
        actor(),
        CustomerInput {
            name: "TLS customer".into(),
            contact_email: None,
            contact_phone: None,
        },
    )
    .await
    .unwrap();
    let (app, secret) = api_clients::create(&db, &Scope::All, actor(), customer.id, "tls test")
        .await
        .unwrap();
    db.pool.close().await;

    let (http, https) = (free_port(), free_port());
    let _server = Proc(
        hoistway()
            .args(["--database-url", &url, "serve"])
            .args(["--bind", &format!("127.0.0.1:{http}")])
            .args(["--tls-cert", certs.join("cert.pem").to_str().unwrap()])
            .args(["--tls-key", certs.join("key.pem").to_str().unwrap()])
            .args(["--tls-bind", &format!("127.0.0.1:{https}")])
            .args(["--ws-idle-timeout", "1"])
            .spawn()
            .unwrap(),
    );
    wait_port(http);
    wait_port(https);

    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    for host in ["localhost", "127.0.0.1"] {
        let r = trusting
            .get(format!("https://{host}:{https}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{host}");
    }
    // A client that does not trust the dev CA is refused.
    let err = reqwest::get(format!("https://localhost:{https}/healthz"))
        .await
        .unwrap_err();
    assert!(err.is_connect() || err.is_request(), "{err:?}");
    // Plain HTTP stays on its own port.
    let r = reqwest::get(format!("http://127.0.0.1:{http}/healthz"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // A token over HTTPS, then the WebSocket API over WSS.
    let token: serde_json::Value = trusting
        .post(format!("https://localhost:{https}/api/v2/oauth2/token"))
        .basic_auth(&app.client_id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(&ca).unwrap())
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tls = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut req = format!("wss://localhost:{https}/stream-v2?accessToken={token}")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("sec-websocket-protocol", "koneapi".parse().unwrap());
    let (mut ws, res) = tokio_tungstenite::connect_async_tls_with_config(
        req,
        None,
        false,
        Some(tokio_tungstenite::Connector::Rustls(Arc::new(tls))),
    )
    .await
    .unwrap();
    assert_eq!(
        res.headers().get("sec-websocket-protocol").unwrap(),
        "koneapi"
    );
    ws.send(Message::text(
        r#"{"type":"create-session","requestId":"over-tls"}"#,
    ))
    .await
    .unwrap();
    let ok: serde_json::Value = match ws.next().await.unwrap().unwrap() {
        Message::Text(t) => serde_json::from_str(&t).unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(ok["type"], "ok");
    assert!(ok["data"]["sessionId"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    // --ws-idle-timeout 1: closed with 1000 after a second of silence.
    let started = Instant::now();
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("closed within 5 s")
        {
            Some(Ok(Message::Close(c))) => break c,
            Some(Ok(_)) => continue,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1000));
    assert!(started.elapsed() >= Duration::from_millis(800));
}
