//! Server-only code: never compiled into the browser bundle.

pub mod audit;
pub mod audit_chain;
pub mod client_ip;
pub mod csv_export;
pub mod db;
pub mod jobs;
pub mod limits;
pub mod process;
pub mod rate_counters;
pub mod rate_limit;
pub mod request;
pub mod request_id;
pub mod return_path;
pub mod security;
pub mod sessions;
