//! Background work: a durable job queue in PostgreSQL, the workers that run it, and the
//! periodic sweeps (overdue invoices, reminders, recurring invoices…) that feed it.
//!
//! - Jobs are enqueued with `queue::enqueue` inside the caller's transaction, so a
//!   rolled-back change never leaves a job and a committed one always does.
//! - Workers claim due jobs with `FOR UPDATE SKIP LOCKED`; any number of processes may
//!   run workers against one database, each running up to `WORKER_CONCURRENCY` jobs at
//!   once. Claims are fair across businesses: the business with the fewest jobs running
//!   in the process goes first, and none holds more than `WORKER_JOBS_PER_BUSINESS`. A job whose worker died is claimed again once
//!   its lease runs out, so handlers must be idempotent (at-least-once delivery).
//! - A failing job is retried with exponential backoff (or the delay its handler asks
//!   for) and marked `dead` after its last attempt.
//! - Sweeps run on every worker tick; each must be safe to run in two processes at once.
//! - Time comes from the app's clock; tests move it and call `Runner::run_due`.

pub mod email;
pub mod prune;

pub mod registry;
pub mod runner;
pub mod sweeps;

pub use crate::queue::{JobContext, JobError, NewJob, enqueue};
pub use runner::{Handler, Runner, Sweep};
