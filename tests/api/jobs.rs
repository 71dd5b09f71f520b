//! The job queue: transactional enqueue, retries, dead jobs, lease recovery, and two
//! workers on one database never running a job twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use koteshen::jobs::{JobContext, JobError, NewJob, Runner, enqueue};
use koteshen::queue::{self, LEASE};
use serde_json::json;
use sqlx::PgPool;

use crate::harness::TestApp;

async fn runs_table(pool: &PgPool) {
    sqlx::query("CREATE TABLE test_job_runs (id BIGSERIAL PRIMARY KEY, job INTEGER NOT NULL)")
        .execute(pool)
        .await
        .unwrap();
}

async fn runs(pool: &PgPool) -> Vec<i32> {
    sqlx::query_scalar("SELECT job FROM test_job_runs ORDER BY job, id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// A runner whose `test.record` job records its payload's `n`.
fn recording_runner(app: &TestApp) -> Runner {
    Runner::new(JobContext {
        pool: app.pool.clone(),
        clock: app.clock.clone(),
        config: Arc::new(app.config.clone()),
        links: app.links.clone(),
    })
    .handler("test.record", |ctx, payload| async move {
        let n = payload["n"].as_i64().unwrap_or_default() as i32;
        sqlx::query("INSERT INTO test_job_runs (job) VALUES ($1)")
            .bind(n)
            .execute(&ctx.pool)
            .await?;
        Ok(())
    })
}

async fn enqueue_committed(app: &TestApp, job: NewJob) -> Option<i64> {
    let mut tx = app.pool.begin().await.unwrap();
    let id = enqueue(&mut tx, job).await.unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_job_enqueued_in_a_rolled_back_transaction_never_runs() {
    let app = TestApp::spawn().await;
    runs_table(&app.pool).await;
    let runner = recording_runner(&app);
    let mut tx = app.pool.begin().await.unwrap();
    enqueue(
        &mut tx,
        NewJob::new("test.record", json!({"n": 1}), app.clock.now()),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    enqueue_committed(
        &app,
        NewJob::new("test.record", json!({"n": 2}), app.clock.now()),
    )
    .await;
    assert_eq!(runner.run_due().await.unwrap(), 1);
    assert_eq!(runs(&app.pool).await, vec![2]);
    assert_eq!(
        runner.run_due().await.unwrap(),
        0,
        "a done job does not run again"
    );
}

#[tokio::test]
async fn a_job_waits_for_its_time() {
    let app = TestApp::spawn().await;
    runs_table(&app.pool).await;
    let runner = recording_runner(&app);
    enqueue_committed(
        &app,
        NewJob::new(
            "test.record",
            json!({"n": 1}),
            app.clock.now() + Duration::hours(1),
        ),
    )
    .await;
    assert_eq!(runner.run_due().await.unwrap(), 0);
    app.clock.advance(Duration::hours(1));
    assert_eq!(runner.run_due().await.unwrap(), 1);
}

#[tokio::test]
async fn a_failing_job_is_retried_with_backoff_then_marked_dead() {
    let app = TestApp::spawn().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let runner = Runner::new(JobContext {
        pool: app.pool.clone(),
        clock: app.clock.clone(),
        config: Arc::new(app.config.clone()),
        links: app.links.clone(),
    })
    .handler("test.fail", move |_, _| {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            Err(JobError::Retry("the far end is down".into()))
        }
    });
    let id = enqueue_committed(
        &app,
        NewJob::new("test.fail", json!({}), app.clock.now()).max_attempts(3),
    )
    .await
    .unwrap();
    assert_eq!(runner.run_due().await.unwrap(), 1);
    // Not again until the backoff (5 s) has passed.
    assert_eq!(runner.run_due().await.unwrap(), 0);
    app.clock.advance(Duration::seconds(5));
    assert_eq!(runner.run_due().await.unwrap(), 1);
    app.clock.advance(Duration::seconds(10));
    assert_eq!(runner.run_due().await.unwrap(), 1);
    app.clock.advance(Duration::days(1));
    assert_eq!(
        runner.run_due().await.unwrap(),
        0,
        "dead after the last attempt"
    );
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    let (status, error): (String, Option<String>) =
        sqlx::query_as("SELECT status, last_error FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "dead");
    assert_eq!(error.as_deref(), Some("the far end is down"));
}

#[tokio::test]
async fn a_panicking_handler_fails_its_job_not_the_worker() {
    let app = TestApp::spawn().await;
    runs_table(&app.pool).await;
    let runner = recording_runner(&app).handler("test.panic", |_, _| async move {
        let empty: Vec<u8> = Vec::new();
        let _ = empty[std::hint::black_box(1)];
        Ok(())
    });
    enqueue_committed(
        &app,
        NewJob::new("test.panic", json!({}), app.clock.now()).max_attempts(1),
    )
    .await;
    enqueue_committed(
        &app,
        NewJob::new("test.record", json!({"n": 7}), app.clock.now()),
    )
    .await;
    assert_eq!(runner.run_due().await.unwrap(), 2);
    assert_eq!(runs(&app.pool).await, vec![7]);
}

#[tokio::test]
async fn a_unique_key_keeps_one_live_job() {
    let app = TestApp::spawn().await;
    runs_table(&app.pool).await;
    let runner = recording_runner(&app);
    let job =
        || NewJob::new("test.record", json!({"n": 1}), app.clock.now()).unique_key("only-one");
    assert!(enqueue_committed(&app, job()).await.is_some());
    assert!(enqueue_committed(&app, job()).await.is_none());
    runner.run_due().await.unwrap();
    assert!(
        enqueue_committed(&app, job()).await.is_some(),
        "once done, the key is free"
    );
}

#[tokio::test]
async fn a_job_whose_worker_died_is_run_again_after_its_lease() {
    let app = TestApp::spawn().await;
    runs_table(&app.pool).await;
    let runner = recording_runner(&app);
    enqueue_committed(
        &app,
        NewJob::new("test.record", json!({"n": 3}), app.clock.now()),
    )
    .await;
    // A worker claims it and dies without finishing.
    let claimed = queue::claim(&app.pool, "dead-worker", app.clock.now(), 1)
        .await
        .unwrap();
    assert!(claimed.is_some());
    assert_eq!(runner.run_due().await.unwrap(), 0, "still leased");
    app.clock.advance(LEASE + Duration::seconds(1));
    assert_eq!(runner.run_due().await.unwrap(), 1);
    assert_eq!(runs(&app.pool).await, vec![3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_one_database_run_each_job_exactly_once() {
    let app = TestApp::spawn_with(|c| c.database_max_connections = 10).await;
    runs_table(&app.pool).await;
    for n in 0..200 {
        enqueue_committed(
            &app,
            NewJob::new("test.record", json!({"n": n}), app.clock.now()),
        )
        .await;
    }
    // Two runners with their own pools, as two processes would have.
    let mut workers = Vec::new();
    for _ in 0..2 {
        let pool = koteshen::db::connect(&app.config).await.unwrap();
        let runner = Runner::new(JobContext {
            pool,
            clock: app.clock.clone(),
            config: Arc::new(app.config.clone()),
            links: app.links.clone(),
        })
        .handler("test.record", |ctx, payload| async move {
            let n = payload["n"].as_i64().unwrap_or_default() as i32;
            sqlx::query("INSERT INTO test_job_runs (job) VALUES ($1)")
                .bind(n)
                .execute(&ctx.pool)
                .await?;
            Ok(())
        });
        workers.push(tokio::spawn(async move { runner.run_due().await.unwrap() }));
    }
    let mut total = 0;
    for worker in workers {
        total += worker.await.unwrap();
    }
    assert_eq!(total, 200);
    assert_eq!(runs(&app.pool).await, (0..200).collect::<Vec<i32>>());
}

#[tokio::test]
async fn serve_runs_the_workers_unless_told_not_to() {
    let app = TestApp::spawn_with(|c| {
        c.workers = true;
        c.worker_poll_interval = std::time::Duration::from_millis(20);
    })
    .await;
    // The built-in runner knows no `test.*` kind: the job goes dead, which proves a
    // worker in the serving process claimed it.
    let id = enqueue_committed(
        &app,
        NewJob::new("test.unknown", json!({}), app.clock.now()),
    )
    .await
    .unwrap();
    let mut status = String::new();
    for _ in 0..100 {
        status = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if status == "dead" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, "dead");
}

/// `koteshen worker` runs only the workers: it claims jobs, serves nothing, and stops
/// cleanly on SIGTERM.
#[tokio::test]
async fn the_worker_command_runs_jobs_and_stops_on_sigterm() {
    let app = TestApp::spawn().await;
    let id = enqueue_committed(
        &app,
        NewJob::new("test.unknown", json!({}), chrono::Utc::now()).max_attempts(1),
    )
    .await
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_koteshen"))
        .arg("worker")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.config.database_url)
        .env("WORKER_POLL_MILLISECONDS", "20")
        .env("LOG_FORMAT", "json")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start koteshen worker");
    let mut status = String::new();
    for _ in 0..250 {
        status = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if status == "dead" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, "dead", "the worker process claimed the job");
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = std::time::Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "stops within 5 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "exit status {exit}");
}

#[tokio::test]
async fn a_claim_prefers_the_business_with_fewer_jobs_running_and_caps_each() {
    let app = TestApp::spawn().await;
    let now = app.clock.now();
    let job = |n: i32| NewJob::new("test.record", json!({ "n": n }), now);
    for n in 0..3 {
        enqueue_committed(&app, job(n).business(1)).await;
    }
    enqueue_committed(&app, job(10).business(2)).await;
    enqueue_committed(&app, job(20)).await;
    let mut order = Vec::new();
    while let Some(claimed) = queue::claim(&app.pool, "worker", now, 2).await.unwrap() {
        order.push(claimed.payload["n"].as_i64().unwrap());
    }
    // Business 1's oldest, then the business with none running, then the job of no
    // business, then business 1's second; its third waits: two are running.
    assert_eq!(order, vec![0, 10, 20, 1]);
    // Another worker's running jobs are its own: it may take business 1's third.
    let other = queue::claim(&app.pool, "other", now, 2).await.unwrap();
    assert_eq!(other.unwrap().payload["n"], 2);
}

/// A runner whose `test.slow` job takes `ms` and counts how many run at once.
fn slow_runner(app: &TestApp, ms: u64, seen: Arc<(AtomicUsize, AtomicUsize)>) -> Runner {
    Runner::new(JobContext {
        pool: app.pool.clone(),
        clock: app.clock.clone(),
        config: Arc::new(app.config.clone()),
        links: app.links.clone(),
    })
    .handler("test.slow", move |_, _| {
        let seen = seen.clone();
        async move {
            let now = seen.0.fetch_add(1, Ordering::SeqCst) + 1;
            seen.1.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            seen.0.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        }
    })
}

async fn done_jobs(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = 'done'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_loop_runs_up_to_its_concurrency_at_once() {
    let app = TestApp::spawn_with(|c| {
        c.limits.worker_concurrency = 4;
        c.limits.worker_jobs_per_business = 4;
    })
    .await;
    for n in 0..8 {
        enqueue_committed(
            &app,
            NewJob::new("test.slow", json!({ "n": n }), app.clock.now()).business(1),
        )
        .await;
    }
    let seen = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let runner = slow_runner(&app, 300, seen.clone());
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let started = std::time::Instant::now();
    let worker = tokio::spawn(runner.run_until(
        stopping,
        std::time::Duration::from_millis(20),
        std::time::Duration::from_secs(60),
    ));
    while done_jobs(&app).await < 8 {
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    stop.send(true).unwrap();
    worker.await.unwrap();
    assert_eq!(seen.1.load(Ordering::SeqCst), 4, "four at once");
    // Eight jobs of 300 ms, four at a time: two rounds, not eight.
    assert!(
        elapsed < std::time::Duration::from_millis(1800),
        "{elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_the_worker_loop_down_lets_the_jobs_in_progress_finish() {
    let app = TestApp::spawn().await;
    for n in 0..2 {
        enqueue_committed(
            &app,
            NewJob::new("test.slow", json!({ "n": n }), app.clock.now()),
        )
        .await;
    }
    let seen = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let runner = slow_runner(&app, 500, seen.clone());
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(runner.run_until(
        stopping,
        std::time::Duration::from_millis(20),
        std::time::Duration::from_secs(60),
    ));
    while seen.0.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop.send(true).unwrap();
    worker.await.unwrap();
    assert_eq!(
        done_jobs(&app).await,
        2,
        "both finished before the loop stopped"
    );
}
