//! Metrics (the Prometheus text format) and health, served on `[metrics] listen`.
//!
//! - `/metrics`: questions by surface and outcome, answer latency, replies sent and
//!   failed, REST retries and 429s, gateway reconnects and shards connected, reloads done
//!   and refused, the data generation, questions dropped from the backlog, feedback votes.
//! - `/healthz`: 200 while the process runs.
//! - `/readyz`: 200 when the data is loaded and at least one shard is connected, else 503.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// Every metric the bot keeps.
pub struct Metrics {
    registry: Registry,
    /// Questions, by surface and outcome.
    pub questions: IntCounterVec,
    /// Time to answer a question (engine only).
    pub answer_seconds: Histogram,
    /// Replies sent.
    pub replies_sent: IntCounter,
    /// Replies that could not be sent.
    pub replies_failed: IntCounter,
    /// REST calls retried.
    pub rest_retries: IntCounter,
    /// REST calls answered 429 (rate limited).
    pub rest_rate_limited: IntCounter,
    /// Times a shard lost its connection and reconnected.
    pub gateway_reconnects: IntCounter,
    /// Shards connected now.
    pub shards_connected: IntGauge,
    /// Reloads, by result (`done`, `refused`).
    pub reloads: IntCounterVec,
    /// How many times data was loaded (1 at start, +1 per reload done).
    pub data_generation: IntGauge,
    /// Questions dropped because the backlog was full.
    pub backlog_dropped: IntCounter,
    /// Feedback votes on answers, by vote.
    pub votes: IntCounterVec,
    connected: Mutex<HashSet<u32>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// A metric's name and help, as registered.
fn opts(name: &str, help: &str) -> Opts {
    Opts::new(name, help).namespace("jedi_bot")
}

impl Metrics {
    /// Every metric at zero, registered.
    pub fn new() -> Arc<Metrics> {
        let registry = Registry::new();
        let counter = |name: &str, help: &str| {
            let c = IntCounter::with_opts(opts(name, help)).expect("a valid metric");
            registry
                .register(Box::new(c.clone()))
                .expect("registered once");
            c
        };
        let counter_vec = |name: &str, help: &str, labels: &[&str]| {
            let c = IntCounterVec::new(opts(name, help), labels).expect("a valid metric");
            registry
                .register(Box::new(c.clone()))
                .expect("registered once");
            c
        };
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::with_opts(opts(name, help)).expect("a valid metric");
            registry
                .register(Box::new(g.clone()))
                .expect("registered once");
            g
        };
        let answer_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "answer_seconds",
                "Time the engine took to answer a question",
            )
            .namespace("jedi_bot")
            .buckets(vec![1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]),
        )
        .expect("a valid metric");
        registry
            .register(Box::new(answer_seconds.clone()))
            .expect("registered once");
        Arc::new(Metrics {
            questions: counter_vec(
                "questions_total",
                "Questions asked, by surface and outcome",
                &["surface", "outcome"],
            ),
            answer_seconds,
            replies_sent: counter("replies_sent_total", "Replies sent"),
            replies_failed: counter("replies_failed_total", "Replies that could not be sent"),
            rest_retries: counter("rest_retries_total", "REST calls retried"),
            rest_rate_limited: counter("rest_rate_limited_total", "REST calls answered 429"),
            gateway_reconnects: counter("gateway_reconnects_total", "Gateway reconnections"),
            shards_connected: gauge("shards_connected", "Shards connected to the gateway"),
            reloads: counter_vec("reloads_total", "Data reloads, by result", &["result"]),
            data_generation: gauge("data_generation", "Times the data was loaded"),
            backlog_dropped: counter(
                "backlog_dropped_total",
                "Questions dropped because too many were waiting for a reply",
            ),
            votes: counter_vec("feedback_votes_total", "Feedback votes, by vote", &["vote"]),
            connected: Mutex::new(HashSet::new()),
            registry,
        })
    }

    /// Notes which shards are connected now; a shard that was connected and is not any
    /// more counts as a reconnect.
    pub fn shards_now(&self, connected: HashSet<u32>) {
        let mut shards = self
            .connected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let lost = shards.difference(&connected).count();
        self.gateway_reconnects.inc_by(lost as u64);
        self.shards_connected.set(connected.len() as i64);
        *shards = connected;
    }

    /// Notes a reload, done or refused.
    pub fn reloaded(&self, done: bool) {
        let result = if done { "done" } else { "refused" };
        self.reloads.with_label_values(&[result]).inc();
        if done {
            self.data_generation.inc();
        }
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Whether the bot is ready: at least one shard connected (the data is loaded before
    /// any shard starts).
    pub fn ready(&self) -> bool {
        self.shards_connected.get() > 0
    }
}

/// Serves `/metrics`, `/healthz` and `/readyz` on `listen` until the process ends.
/// Returns the address bound (a port of 0 picks one).
pub async fn serve(listen: SocketAddr, metrics: Arc<Metrics>) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let metrics = metrics.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let metrics = metrics.clone();
                    async move { Ok::<_, std::convert::Infallible>(respond(&request, &metrics)) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                if let Err(error) = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await
                {
                    tracing::debug!(%error, "a metrics connection failed");
                }
            });
        }
    });
    Ok(bound)
}

fn respond(request: &Request<hyper::body::Incoming>, metrics: &Metrics) -> Response<Full<Bytes>> {
    let (status, body) = match request.uri().path() {
        "/metrics" => (StatusCode::OK, metrics.render()),
        "/healthz" => (StatusCode::OK, "ok\n".to_string()),
        "/readyz" if metrics.ready() => (StatusCode::OK, "ready\n".to_string()),
        "/readyz" => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: no shard connected\n".to_string(),
        ),
        _ => (StatusCode::NOT_FOUND, "not found\n".to_string()),
    };
    Response::builder()
        .status(status)
        .header("content-type", "text/plain; version=0.0.4")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_going_up_and_down_count_connections_and_reconnects() {
        let metrics = Metrics::new();
        assert!(!metrics.ready());
        metrics.shards_now([0, 1].into());
        metrics.shards_now([0, 1].into());
        assert_eq!(metrics.shards_connected.get(), 2);
        metrics.shards_now([1].into());
        assert_eq!(metrics.shards_connected.get(), 1);
        assert_eq!(metrics.gateway_reconnects.get(), 1);
        assert!(metrics.ready());
        let text = metrics.render();
        assert!(text.contains("jedi_bot_shards_connected 1"), "{text}");
    }
}
