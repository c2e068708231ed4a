//! Serving connections: how long a client may take and how many may be
//! open at once, the same on the plain and the TLS listener.
//!
//! A client that opens a connection and then sends its request headers
//! slowly, or never, used to hold a descriptor forever: about 20,000 such
//! connections exhausted the process and `/healthz` stopped answering
//! (issue #18). Now headers must arrive within
//! [`Limits::header_read_timeout`] (idle keep-alive connections included),
//! a body may pause at most [`Limits::body_read_timeout`] between chunks
//! (see [`crate::app`]), and past [`Limits::max_connections`] a new
//! connection is closed at once instead of queuing.

use axum_server::accept::Accept;
use futures_util::future::BoxFuture;
use hyper_util::rt::TokioTimer;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Connection limits of a listener.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to send a request's headers, from the first byte or from the
    /// end of the previous response.
    pub header_read_timeout: Duration,
    /// Longest pause while sending a request body.
    pub body_read_timeout: Duration,
    /// Open connections per listener.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            // Well below the usual descriptor limit (65,536 on servers,
            // 1,024 on a default shell) left over for the database pool,
            // the broker and files.
            max_connections: 4_096,
        }
    }
}

/// Applies the header timeout to a listener's HTTP settings.
pub fn configure(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    limits: &Limits,
) {
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
}

/// An acceptor that counts open connections against a limit, sets
/// `TCP_NODELAY`, and hands the stream on to `inner` (plain or TLS).
#[derive(Clone)]
pub struct Limited<A> {
    inner: A,
    permits: Arc<Semaphore>,
    first_byte: Duration,
}

impl<A> Limited<A> {
    pub fn new(inner: A, limits: &Limits) -> Self {
        Self {
            inner,
            permits: Arc::new(Semaphore::new(limits.max_connections)),
            first_byte: limits.header_read_timeout,
        }
    }
}

impl<A, S> Accept<TcpStream, S> for Limited<A>
where
    A: Accept<Counted<TcpStream>, S> + Clone + Send + 'static,
    A::Future: Send,
    S: Send + 'static,
{
    type Stream = A::Stream;
    type Service = A::Service;
    type Future = BoxFuture<'static, io::Result<(Self::Stream, Self::Service)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let permit = self.permits.clone().try_acquire_owned();
        let inner = self.inner.clone();
        let first_byte = self.first_byte;
        Box::pin(async move {
            let Ok(permit) = permit else {
                tracing::warn!("connection limit reached: closing a new connection");
                return Err(io::Error::other("connection limit reached"));
            };
            // Without TCP_NODELAY a small WebSocket or SSE frame written
            // after another waits for the peer's delayed ACK (40 ms on
            // Linux): the KONE lift-call bench showed exactly that at p90.
            if let Err(e) = stream.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
            // hyper's header timeout starts once it knows the protocol,
            // and it reads the first bytes to find out: a client that
            // sends nothing must be timed out here.
            let mut first = [0u8; 1];
            match tokio::time::timeout(first_byte, stream.peek(&mut first)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(io::Error::new(io::ErrorKind::TimedOut, "no request")),
            }
            let counted = Counted {
                io: stream,
                _permit: permit,
            };
            inner.accept(counted, service).await
        })
    }
}

/// A stream that gives its place back when the connection ends.
pub struct Counted<T> {
    io: T,
    _permit: OwnedSemaphorePermit,
}

impl<T: AsyncRead + Unpin> AsyncRead for Counted<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Counted<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
