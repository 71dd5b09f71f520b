//! Logging: `RUST_LOG` chooses what is logged, `LOG_FORMAT` how (pretty or JSON lines).
//!
//! Lines are written by a background thread through a buffer, so a request never waits
//! on a `write` to standard output: under load the thread writes many lines per system
//! call, and each time the queue is empty it flushes, so an idle server's log is never
//! behind. Nothing is dropped: when the queue is full, logging waits for it.

use std::io::BufWriter;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Keep it until the process ends: dropping it flushes what is still queued.
#[must_use = "dropping the guard stops the log writer"]
pub struct LogGuard {
    _writer: Option<WorkerGuard>,
}

pub fn init(format: LogFormat) -> LogGuard {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("koteshen-log")
        .finish(BufWriter::new(std::io::stdout()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // try_init: tests start several apps in one process; the first subscriber wins.
    let installed = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    LogGuard {
        _writer: installed.ok().map(|()| guard),
    }
}
