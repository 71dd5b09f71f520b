//! TLS set-up the process's HTTP clients share (webhook deliveries, the PostgreSQL
//! download).

/// Makes ring the process's TLS crypto provider (aws-lc-rs is not compiled in). Every
/// `reqwest::Client` needs it installed first; calling it again does nothing.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
