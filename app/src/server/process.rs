//! This server process: when it started and how many responses it gave, for the
//! operators' health page.

use std::{
    sync::{
        LazyLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);
static RESPONSES: AtomicU64 = AtomicU64::new(0);
static SERVER_ERRORS: AtomicU64 = AtomicU64::new(0);

/// Marks the start (called when serving begins).
pub fn started() {
    LazyLock::force(&STARTED);
}

pub fn uptime() -> Duration {
    STARTED.elapsed()
}

/// Counts a response by its status.
pub fn count_response(status: u16) {
    RESPONSES.fetch_add(1, Ordering::Relaxed);
    if status >= 500 {
        SERVER_ERRORS.fetch_add(1, Ordering::Relaxed);
    }
}

/// Responses given and how many of them were server errors (5xx).
pub fn responses() -> (u64, u64) {
    (
        RESPONSES.load(Ordering::Relaxed),
        SERVER_ERRORS.load(Ordering::Relaxed),
    )
}
