//! The HTTP stack: routes, middleware and the server loop.

mod canonical_path;
mod client_ip;
mod connections;
mod console;
mod csrf;
mod exports;
mod health;
mod imports;
mod mailbox;
mod no_store;
mod org_pages;
mod public_limit;
mod request_body;
mod request_log;
mod security_headers;
mod seo;
mod stripe_webhook;

use std::{
    future::Future,
    net::SocketAddr,
    sync::{Arc, OnceLock},
    time::{Duration, Instant},
};

use app::{billing::Billing, email::Outbox, tenancy::TenancyConfig};
use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRef},
    http::StatusCode,
    middleware,
    routing::{get, post},
};
use leptos::prelude::LeptosOptions;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;

use crate::config::Settings;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos: LeptosOptions,
    pub started_at: Instant,
    pub public_origin: Arc<str>,
    pub tenancy: TenancyConfig,
    pub outbox: Outbox,
    pub billing: Billing,
    pub cipher: app::integrations::crypto::Cipher,
    pub api_rate_per_minute: std::num::NonZeroU32,
    pub trusted_proxy_hops: usize,
    pub import_limits: app::workspace::import::limits::ImportLimits,
    pub public_rate_per_minute: std::num::NonZeroU32,
    pub body_limit_bytes: usize,
    pub body_timeout: Duration,
    pub request_timeout: Duration,
    pub limits: app::server::limits::Limits,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

impl FromRef<AppState> for TenancyConfig {
    fn from_ref(state: &AppState) -> Self {
        state.tenancy.clone()
    }
}

/// The page routes, found once per process: while leptos lists them it stops every
/// resource in the process from loading, which would stall pages that another router
/// in the same process (as in the tests) is rendering at that moment.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES
        .get_or_init(|| generate_route_list(app::root::App))
        .clone()
}

/// The assembled router, before the listener.
pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    let pool = state.pool.clone();
    let outbox = state.outbox.clone();
    let billing = state.billing.clone();
    let cipher = state.cipher.clone();
    let limits = state.limits.clone();
    let origin = app::pages::site::SiteOrigin(state.public_origin.to_string());
    let context = move || {
        leptos::prelude::provide_context(pool.clone());
        leptos::prelude::provide_context(outbox.clone());
        leptos::prelude::provide_context(billing.clone());
        leptos::prelude::provide_context(cipher.clone());
        leptos::prelude::provide_context(limits.clone());
        leptos::prelude::provide_context(origin.clone());
    };
    let shell = {
        let options = state.leptos.clone();
        move || app::root::shell(options.clone())
    };

    let mut router = Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/webhooks/stripe", post(stripe_webhook::receive))
        .route("/app/{slug}/export/{file}", get(exports::csv))
        .route(
            "/app/{slug}/import",
            post(imports::upload).layer(DefaultBodyLimit::max(imports::body_limit(
                &state.import_limits,
            ))),
        )
        .route("/templates/{file}", get(imports::template))
        .route("/admin/audit.csv", get(console::audit_csv))
        .nest_service(
            "/api/v1",
            app::integrations::rest::router(
                state.pool.clone(),
                state.api_rate_per_minute,
                &state.public_origin,
            ),
        )
        .route("/robots.txt", get(seo::robots))
        .route("/sitemap.xml", get(seo::sitemap));
    // The dev mailbox exists only while email goes to files, never beside SMTP.
    if state.outbox.mailbox_dir().is_some() {
        router = router
            .route("/dev/mailbox", get(mailbox::list))
            .route("/dev/mailbox/{file}", get(mailbox::show));
    }
    let routed = router
        .leptos_routes_with_context(&state, routes, context.clone(), shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::root::shell))
        .layer(DefaultBodyLimit::max(state.body_limit_bytes))
        .with_state(state.clone());
    // The gates may re-route a request, so they run before routing: the routes sit
    // behind them as one service. Outermost last.
    Router::new()
        .fallback_service(routed)
        .layer(middleware::from_fn_with_state(state.clone(), console::hide))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            org_pages::hide_unknown,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            public_limit::limit,
        ))
        .layer(middleware::from_fn(no_store::add))
        .layer(app::server::sessions::layer(
            state.pool.clone(),
            state.public_origin.starts_with("https://"),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_body::read,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf::verify_origin,
        ))
        // Before any gate: gates and router must see the same path.
        .layer(middleware::from_fn(canonical_path::redirect))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers::add,
        ))
        .layer(middleware::from_fn(request_log::log_and_tag))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_ip::tag,
        ))
        .with_state(state)
}

/// A bound server, ready to run. Tests build it on port 0.
pub struct Application {
    listener: TcpListener,
    router: Router,
    outbox: Outbox,
    billing: Billing,
    shutdown_grace: Duration,
    header_timeout: Duration,
}

impl Application {
    pub async fn build(settings: &Settings, pool: PgPool) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.listen_addr).await?;
        let leptos = LeptosOptions::builder()
            .output_name("capliquify")
            .site_root(settings.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(listener.local_addr()?)
            .build();
        let outbox = crate::worker::outbox(settings, &pool)?;
        let state = AppState {
            outbox,
            billing: crate::worker::billing(settings)?,
            cipher: crate::encryption::cipher(settings)?,
            api_rate_per_minute: settings.api_rate_per_minute,
            trusted_proxy_hops: settings.trusted_proxy_hops,
            import_limits: settings.import_limits,
            public_rate_per_minute: settings.public_rate_per_minute,
            body_limit_bytes: settings.body_limit_bytes,
            body_timeout: settings.body_timeout,
            request_timeout: settings.request_timeout,
            limits: settings.limits.clone(),
            pool,
            leptos,
            started_at: Instant::now(),
            public_origin: settings.public_origin().into(),
            tenancy: TenancyConfig {
                base_domain: settings.base_domain.clone(),
            },
        };
        Ok(Self {
            listener,
            outbox: state.outbox.clone(),
            billing: state.billing.clone(),
            router: router(state),
            shutdown_grace: settings.shutdown_grace,
            header_timeout: settings.header_timeout,
        })
    }

    /// The email outbox; its worker is started by the caller (`serve`, tests).
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Billing as configured, for the worker's scheduled jobs.
    pub fn billing(&self) -> &Billing {
        &self.billing
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` resolves, then stops accepting and gives in-flight
    /// requests up to SHUTDOWN_GRACE_SECS to finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (tx, rx) = tokio::sync::watch::channel(false);
        let grace = self.shutdown_grace;
        let mut server = tokio::spawn(connections::serve(
            self.listener,
            self.router,
            self.header_timeout,
            rx,
        ));
        tokio::select! {
            result = &mut server => return result.map_err(std::io::Error::other),
            () = shutdown => {}
        }
        let _ = tx.send(true);
        match tokio::time::timeout(grace, &mut server).await {
            Ok(result) => result.map_err(std::io::Error::other),
            Err(_) => {
                tracing::warn!(
                    grace_s = grace.as_secs(),
                    "requests still running after the grace period: closing them"
                );
                server.abort();
                Ok(())
            }
        }
    }
}
