//! Issue #18 defect 4: slow or silent clients cannot exhaust the server.
//! A connection that does not finish its headers in time is closed, past
//! the connection limit new connections are closed at once, and a freed
//! place is usable again; `/healthz` answers throughout.

use crate::common;

use common::TestApp;
use hoistway_app::listen::Limits;
use hoistway_app::state::Settings;
use hoistway_store::testing::TestDb;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn serve(limits: Limits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let settings = Settings {
        limits,
        ..Settings::default()
    };
    let app = TestApp::with_settings(TestDb::sqlite().await, settings).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(hoistway_server::run(listener, app.state, async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Reads until the server closes; `None` if it is still open after `wait`.
async fn closed_within(s: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

async fn healthz(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let got = closed_within(&mut s, Duration::from_secs(5))
        .await
        .expect("healthz answers and closes");
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_closed() {
    let (addr, _stop) = serve(Limits {
        header_read_timeout: Duration::from_millis(400),
        ..Limits::default()
    })
    .await;
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(
        closed_within(&mut silent, Duration::from_secs(3))
            .await
            .is_some(),
        "a connection that sends nothing is closed"
    );
    let answer = closed_within(&mut slow, Duration::from_secs(3))
        .await
        .expect("a connection that stops mid-headers is closed");
    assert!(
        !String::from_utf8_lossy(&answer).contains("200 OK"),
        "no request was served"
    );
    assert!(healthz(addr).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn past_the_limit_new_connections_are_closed_and_a_freed_place_is_reused() {
    let (addr, _stop) = serve(Limits {
        max_connections: 3,
        header_read_timeout: Duration::from_secs(30),
        ..Limits::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        // Half a request: the place stays taken.
        s.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
        held.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut extra = TcpStream::connect(addr).await.unwrap();
    let _ = extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let got = closed_within(&mut extra, Duration::from_secs(3))
        .await
        .expect("the fourth connection is closed at once");
    assert!(
        got.is_empty(),
        "and not served: {:?}",
        String::from_utf8_lossy(&got)
    );

    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(healthz(addr).await.starts_with("HTTP/1.1 200"));
}
