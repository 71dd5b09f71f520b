//! Runs jobs and sweeps: a loop per process (`koteshen serve` or `koteshen worker`), and
//! `run_due` for tests that move the clock and want the background work done now.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::queue::{self, Job, JobContext, JobError};

pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
/// Runs one job of a kind, given its payload.
pub type Handler = Arc<dyn Fn(JobContext, Value) -> HandlerFuture + Send + Sync>;

pub type SweepFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;
/// Periodic work (find what is due, enqueue or do it); safe to run in two processes.
pub type Sweep = Arc<dyn Fn(JobContext) -> SweepFuture + Send + Sync>;

#[derive(Clone)]
pub struct Runner {
    ctx: JobContext,
    handlers: Arc<HashMap<&'static str, Handler>>,
    sweeps: Arc<Vec<(&'static str, Sweep)>>,
    worker_id: String,
}

impl Runner {
    pub fn new(ctx: JobContext) -> Self {
        Runner {
            ctx,
            handlers: Arc::new(HashMap::new()),
            sweeps: Arc::new(Vec::new()),
            worker_id: format!(
                "{}-{}",
                std::process::id(),
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            ),
        }
    }

    /// Registers the handler of a job kind.
    pub fn handler<F, Fut>(mut self, kind: &'static str, run: F) -> Self
    where
        F: Fn(JobContext, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |ctx, payload| Box::pin(run(ctx, payload)));
        Arc::make_mut(&mut self.handlers).insert(kind, handler);
        self
    }

    /// Registers a sweep, run on every tick.
    pub fn sweep<F, Fut>(mut self, name: &'static str, run: F) -> Self
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let sweep: Sweep = Arc::new(move |ctx| Box::pin(run(ctx)));
        Arc::make_mut(&mut self.sweeps).push((name, sweep));
        self
    }

    pub fn context(&self) -> &JobContext {
        &self.ctx
    }

    /// Runs every sweep once; a failing sweep is logged and the others still run.
    pub async fn run_sweeps(&self) {
        for (name, sweep) in self.sweeps.iter() {
            if let Err(err) = sweep(self.ctx.clone()).await {
                tracing::error!(sweep = name, error = format!("{err:#}"), "sweep failed");
            }
        }
    }

    /// Claims the next due job this worker may take (fair between businesses).
    async fn claim(&self) -> sqlx::Result<Option<Job>> {
        queue::claim(
            &self.ctx.pool,
            &self.worker_id,
            self.ctx.clock.now(),
            self.ctx.config.limits.worker_jobs_per_business,
        )
        .await
    }

    /// Claims and runs one due job; `false` when none was due.
    pub async fn run_one(&self) -> sqlx::Result<bool> {
        let Some(job) = self.claim().await? else {
            return Ok(false);
        };
        self.finish(job).await?;
        Ok(true)
    }

    /// Runs a claimed job and records how it went.
    async fn finish(&self, job: Job) -> sqlx::Result<()> {
        let outcome = self.execute(&job).await;
        let now = self.ctx.clock.now();
        match outcome {
            Ok(()) => queue::complete(&self.ctx.pool, job.id, now).await?,
            Err(error) => {
                if !matches!(error, JobError::Later(..)) {
                    tracing::warn!(
                        job = job.id,
                        kind = %job.kind,
                        attempt = job.attempts,
                        error = error.message(),
                        "job failed"
                    );
                }
                queue::fail(&self.ctx.pool, &job, &error, now).await?;
            }
        }
        Ok(())
    }

    /// Runs the handler in its own task, so a panic fails the job instead of the worker.
    async fn execute(&self, job: &Job) -> Result<(), JobError> {
        let Some(handler) = self.handlers.get(job.kind.as_str()).cloned() else {
            return Err(JobError::Fatal(format!(
                "no handler for job kind {}",
                job.kind
            )));
        };
        let task = tokio::spawn(handler(self.ctx.clone(), job.payload.clone()));
        match task.await {
            Ok(result) => result,
            Err(err) if err.is_panic() => Err(JobError::Retry("the handler panicked".into())),
            Err(err) => Err(JobError::Retry(err.to_string())),
        }
    }

    /// Sweeps, then runs jobs until none is due (at most `limit`): what a tick does, all
    /// at once. Tests call it after moving the clock. Answers how many jobs ran.
    pub async fn run_due(&self) -> sqlx::Result<usize> {
        self.run_sweeps().await;
        let mut ran = 0;
        while ran < 10_000 && self.run_one().await? {
            ran += 1;
        }
        Ok(ran)
    }

    /// The worker loop: sweeps every `sweep_every`, and up to `worker_concurrency` jobs
    /// at once as they come due, until `shutdown` turns true; the jobs in progress
    /// finish first.
    pub async fn run_until(
        self,
        mut shutdown: watch::Receiver<bool>,
        poll_every: StdDuration,
        sweep_every: StdDuration,
    ) {
        let concurrency = self.ctx.config.limits.worker_concurrency.max(1);
        tracing::info!(worker = %self.worker_id, concurrency, "worker started");
        let mut running = JoinSet::new();
        let mut next_sweep = tokio::time::Instant::now();
        loop {
            if *shutdown.borrow() {
                break;
            }
            while let Some(done) = running.try_join_next() {
                log_task_end(done);
            }
            if tokio::time::Instant::now() >= next_sweep {
                self.run_sweeps().await;
                next_sweep = tokio::time::Instant::now() + sweep_every;
            }
            if running.len() < concurrency {
                let claimed = match self.claim().await {
                    Ok(claimed) => claimed,
                    Err(err) => {
                        tracing::error!(error = %err, "claiming a job failed");
                        None
                    }
                };
                if let Some(job) = claimed {
                    let runner = self.clone();
                    running.spawn(async move { runner.finish(job).await });
                    continue;
                }
            }
            // Full, or nothing due: wait for a job to end, the next poll, or shutdown.
            tokio::select! {
                Some(done) = running.join_next(), if !running.is_empty() => log_task_end(done),
                _ = tokio::time::sleep(poll_every) => {}
                _ = shutdown.changed() => {}
            }
        }
        while let Some(done) = running.join_next().await {
            log_task_end(done);
        }
        tracing::info!(worker = %self.worker_id, "worker stopped");
    }
}

/// A job's task ended; recording its outcome may have failed (the lease brings it back).
fn log_task_end(done: Result<sqlx::Result<()>, tokio::task::JoinError>) {
    match done {
        Ok(Ok(())) => {}
        Ok(Err(err)) => tracing::error!(error = %err, "recording a job's outcome failed"),
        Err(err) => tracing::error!(error = %err, "a job's task failed"),
    }
}
