//! The `capliquify` binary's wiring: configuration, the embedded database, the HTTP
//! stack and the command line. Business rules live in the `app` crate.

pub mod cli;
pub mod config;
pub mod embedded_db;
pub mod encryption;
pub mod http;
pub mod serve;
pub mod telemetry;
pub mod tenants;
pub mod worker;
