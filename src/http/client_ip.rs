//! Puts the client's address on every request (`app::server::client_ip`), so
//! throttles and audit records name the client rather than a load balancer.

use std::net::SocketAddr;

use app::server::client_ip::{ClientIp, resolve};
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};

use super::AppState;

pub async fn tag(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let ip = resolve(req.headers(), peer.ip(), state.trusted_proxy_hops);
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}
