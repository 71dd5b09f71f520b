//! The client's address, for the per-IP budgets and the sign-in throttle: the socket's
//! peer, unless the peer is one of `TRUSTED_PROXIES` (`config::proxies`, off by
//! default: behind no proxy, a forwarded header is the client's own claim).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{Extensions, HeaderMap, request::Parts};

use crate::state::AppState;

/// The client's address for a request (`None` when the server runs without connect
/// info, as some tests do).
pub fn of(state: &AppState, extensions: &Extensions, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())?;
    Some(state.config.trusted_proxies.client(peer, headers))
}

/// Extractor for the client's address.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(of(state, &parts.extensions, &parts.headers)))
    }
}
