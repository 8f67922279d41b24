//! CapLiquify's Leptos application: every page, component and server function.
//!
//! Built twice by cargo-leptos: with `ssr` into the server binary (rendering, server
//! functions and the server-only domain under [`server`]) and with `hydrate` into the
//! WebAssembly bundle that makes the server-rendered pages interactive.

pub mod accounts;
pub mod admin;
pub mod billing;
#[cfg(feature = "ssr")]
pub mod email;
pub mod error;
pub mod forecasting;
pub mod format;
pub mod integrations;
pub mod metrics;
pub mod months;
pub mod pages;
pub mod root;
pub mod scenarios;
#[cfg(feature = "ssr")]
pub mod server;
pub mod tenancy;
pub mod workspace;

pub use error::AppError;

/// Entry point of the browser bundle: attaches to the server-rendered document.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(root::App);
}
