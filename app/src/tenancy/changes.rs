//! A per-process counter of committed writes to each tenant's data, so caches of
//! figures computed from it (the dashboard) know when they are stale. Other processes
//! do not see these counts; caches bound their age for that (see the dashboard cache).

use std::{
    collections::HashMap,
    sync::{LazyLock, Mutex},
};

use uuid::Uuid;

static GENERATIONS: LazyLock<Mutex<HashMap<Uuid, u64>>> = LazyLock::new(Default::default);

/// Records that `tenant`'s data changed.
pub fn changed(tenant: Uuid) {
    if let Ok(mut map) = GENERATIONS.lock() {
        *map.entry(tenant).or_default() += 1;
    }
}

/// How many writes to `tenant`'s data this process has committed.
pub fn generation(tenant: Uuid) -> u64 {
    GENERATIONS
        .lock()
        .map(|map| map.get(&tenant).copied().unwrap_or(0))
        .unwrap_or(0)
}
