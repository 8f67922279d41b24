//! Forecast runs as durable jobs on the `forecasts` queue: queued in the transaction
//! that records the run, taken by whichever worker is free (`serve` or `capliquify
//! worker`), and taken up again by another worker if the one running it stops
//! (underway notices the missing heartbeat).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use underway::{Job, To};
use uuid::Uuid;

use crate::{AppError, server::jobs};

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
    Job::builder()
        .state(pool.clone())
        .step(|cx, order: RunOrder| async move {
            // A run records its own failure, so there is nothing to retry.
            super::store::execute(&cx.state, &order).await;
            To::done()
        })
        .name(QUEUE)
        .pool(pool)
        .build()
        .await
}

/// Queues `order` in the transaction `conn` belongs to: the run is made if and only
/// if its row commits. `job` is got before the transaction begins, so a request
/// never waits for a second connection while it holds one.
pub async fn enqueue(
    job: &Job<RunOrder, PgPool>,
    conn: &mut PgConnection,
    order: &RunOrder,
) -> Result<(), AppError> {
    job.enqueue_using(conn, order)
        .await
        .map(|_| ())
        .map_err(AppError::internal)
}

/// Makes queued runs until the worker is shut down.
pub fn start_worker(pool: &PgPool) -> jobs::Worker {
    let pool = pool.clone();
    jobs::start(QUEUE, move || job(pool.clone()), Duration::from_secs(5))
}
