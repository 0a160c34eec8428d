//! The REST API over TLS as "discord.com", for clients that must use the real host name
//! (serenity's ratelimiter ignores the proxy setting).
//!
//! A self-signed certificate for `discord.com` is made at start (rcgen); clients trust it and
//! resolve `discord.com` to the listener's address (`FakeDiscord::reqwest_client`). TLS uses
//! rustls with the `ring` provider passed explicitly, so no process-level `CryptoProvider`
//! is needed (or touched).

use std::net::SocketAddr;
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The host name the certificate is for.
pub(super) const HOST: &str = "discord.com";

/// What a client needs to reach the TLS listener.
#[derive(Clone, Debug)]
pub(super) struct TlsInfo {
    pub addr: SocketAddr,
    pub cert_pem: String,
    pub cert_der: Vec<u8>,
}

/// Makes the certificate and the acceptor.
pub(super) fn acceptor() -> (TlsAcceptor, String, Vec<u8>) {
    let certified = rcgen::generate_simple_self_signed(vec![HOST.to_string()])
        .expect("fake discord: generate certificate");
    let cert_der: CertificateDer<'static> = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("fake discord: TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert_der.clone()], key)
        .expect("fake discord: TLS certificate");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    (
        TlsAcceptor::from(Arc::new(config)),
        certified.cert.pem(),
        cert_der.to_vec(),
    )
}

/// Accepts TLS connections and serves `app` over HTTP/1.1 on each. Connections live in a
/// `JoinSet` owned by this task, so aborting the task ends them too.
pub(super) async fn serve(listener: TcpListener, acceptor: TlsAcceptor, app: axum::Router) {
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        conns.spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}
