//! Forecast runs as durable jobs on the `forecasts` queue: queued in the transaction
//! that records the run, taken by whichever worker is free (`serve` or `capliquify
//! worker`), and taken up again by another worker if the one running it stops
//! (underway notices the missing heartbeat).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use underway::Job;
use uuid::Uuid;

use crate::server::jobs;

const QUEUE: &str = "forecasts";

/// A run to make: which tenant, for whom (checked again when it runs) and how far.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunOrder {
    pub tenant: Uuid,
    pub user: Uuid,
    pub run: Uuid,
    pub horizon: i32,
}

/// The job, with its queue registered.
pub async fn job(pool: PgPool) -> Result<Job<RunOrder, PgPool>, underway::job::Error> {
    jobs::single_step(QUEUE, pool, |pool, order: RunOrder| async move {
        super::store::execute(&pool, &order).await
    })
    .await
}

/// Makes queued runs until the worker is shut down.
pub fn start_worker(pool: &PgPool) -> jobs::Worker {
    let pool = pool.clone();
    // One at a time per process: each holds two connections while it runs (the
    // task's and its own) and keeps a core busy; more nodes run more.
    jobs::start(QUEUE, move || job(pool.clone()), Duration::from_secs(5), 1)
}
