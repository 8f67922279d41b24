//! Imports as durable jobs on the `imports` queue: queued in the transaction that
//! marks the import as importing, written by whichever worker is free, and taken up
//! again by another worker if the one writing it stops (its transaction rolled back,
//! so nothing was written).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use underway::Job;
use uuid::Uuid;

use crate::server::jobs;

const QUEUE: &str = "imports";

/// An import to write: which tenant, for whom (checked again when it is written) and
/// which import.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportOrder {
    pub tenant: Uuid,
    pub user: Uuid,
    pub import: Uuid,
}

/// The job, with its queue registered.
pub async fn job(pool: PgPool) -> Result<Job<ImportOrder, PgPool>, underway::job::Error> {
    jobs::single_step(QUEUE, pool, |pool, order: ImportOrder| async move {
        super::store::execute(&pool, &order).await
    })
    .await
}

/// Writes queued imports until the worker is shut down.
pub fn start_worker(pool: &PgPool) -> jobs::Worker {
    let pool = pool.clone();
    // One at a time per process: each holds up to three connections while it runs
    // (the task's, its transaction's and one for progress); more nodes run more.
    jobs::start(QUEUE, move || job(pool.clone()), Duration::from_secs(5), 1)
}
