//! Workers for the durable `underway` queues (email, forecast runs): each waits for
//! the database, takes tasks until it is stopped and lets the task in hand finish.

use std::{future::Future, sync::Arc, time::Duration};

use serde::{Serialize, de::DeserializeOwned};
use sqlx::{PgConnection, PgPool};
use underway::{Job, To};

use crate::AppError;

/// A running queue worker.
pub struct Worker {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), String>>,
}

impl Worker {
    /// Stops taking new tasks and waits for the one in hand.
    pub async fn shutdown(self) -> Result<(), String> {
        let _ = self.stop.send(true);
        self.task.await.map_err(|e| e.to_string())?
    }
}

/// The job of a queue whose every task is one call of `work`, which records its own
/// failure, so nothing is retried. Building it registers the queue.
pub async fn single_step<I, F, Fut>(
    queue: &'static str,
    pool: PgPool,
    work: F,
) -> Result<Job<I, PgPool>, underway::job::Error>
where
    I: Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(PgPool, I) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Job::builder()
        .state(pool.clone())
        .step(move |cx, input: I| async move {
            work(cx.state, input).await;
            To::done()
        })
        .name(queue)
        .pool(pool)
        .build()
        .await
}

/// Queues `input` in the transaction `conn` belongs to, so the task exists if and only
/// if the change that asks for it commits. Get `job` before the transaction begins:
/// registering its queue takes a connection of its own, and a request must never wait
/// for a second connection while it holds one.
pub async fn enqueue<I, S>(
    job: &Job<I, S>,
    conn: &mut PgConnection,
    input: &I,
) -> Result<(), AppError>
where
    I: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Clone + Send + Sync + 'static,
{
    // The queue is the platform's: a tenant's role has no rights on it.
    let tenant_role = crate::tenancy::role::step_out(conn).await?;
    job.enqueue_using(&mut *conn, input)
        .await
        .map_err(AppError::internal)?;
    crate::tenancy::role::resume(conn, tenant_role).await?;
    Ok(())
}

/// Runs the tasks of the job `job` gives once the database answers, at most
/// `concurrency` at a time (each holds a pooled connection for as long as it runs).
/// New tasks arrive at once (LISTEN/NOTIFY); due retries and tasks a stopped worker
/// left are found by polling every `period`.
pub fn start<I, S, F, Fut>(
    queue: &'static str,
    job: F,
    period: Duration,
    concurrency: usize,
) -> Worker
where
    I: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Clone + Send + Sync + 'static,
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<Job<I, S>, underway::job::Error>> + Send,
{
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        let job = loop {
            match job().await {
                Ok(job) => break job,
                Err(err) => {
                    tracing::warn!(queue, error = %err, "queue worker waiting for the database");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                        _ = stopped.changed() => return Ok(()),
                    }
                }
            }
        };
        let mut worker = job.worker();
        worker.set_concurrency_limit(concurrency);
        let worker = Arc::new(worker);
        let runner = tokio::spawn({
            let worker = worker.clone();
            let period = jiff::Span::new().milliseconds(period.as_millis() as i64);
            async move { worker.run_every(period).await }
        });
        let _ = stopped.changed().await;
        worker.shutdown();
        match runner.await {
            Ok(result) => result.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        }
    });
    Worker { stop, task }
}

/// Finished tasks of every queue are kept for underway's TTL (14 days); this deletes
/// them after that, hourly, until the task is aborted.
pub async fn delete_expired(pool: PgPool) {
    if let Err(err) = underway::queue::run_deletion(&pool).await {
        tracing::warn!(error = %err, "expired queue tasks are no longer deleted");
    }
}
