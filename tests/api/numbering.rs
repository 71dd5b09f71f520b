//! Document numbers straight against the database: gap-free, never shared, per business
//! and kind, formatted by the business's settings.

use koteshen::billing::numbering::{DocumentKind, next_number};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::harness::TestApp;

/// Takes a number in a transaction of its own, committed or rolled back.
async fn take(pool: &PgPool, business_id: i64, kind: DocumentKind, commit: bool) -> String {
    let mut tx = pool.begin().await.unwrap();
    let number = next_number(&mut tx, business_id, kind).await.unwrap();
    // Hold the counter a moment, as the insert of the document would.
    tokio::task::yield_now().await;
    if commit {
        tx.commit().await.unwrap();
    } else {
        tx.rollback().await.unwrap();
    }
    number
}

/// Runs `commits` committing and `rollbacks` rolled-back takers all at once; answers the
/// committed numbers, sorted.
async fn take_concurrently(
    pool: &PgPool,
    business_id: i64,
    commits: usize,
    rollbacks: usize,
) -> Vec<String> {
    let tasks: Vec<_> = (0..commits + rollbacks)
        .map(|i| {
            let pool = pool.clone();
            // Rollbacks interleaved with the commits.
            let commit = i % 2 == 0 || i / 2 >= rollbacks;
            tokio::spawn(async move {
                let number = take(&pool, business_id, DocumentKind::Invoice, commit).await;
                commit.then_some(number)
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        if let Some(number) = task.await.unwrap() {
            numbers.push(number);
        }
    }
    numbers.sort();
    numbers
}

/// A pool wider than the app's, so the takers really run side by side.
async fn wide_pool(app: &TestApp) -> PgPool {
    PgPoolOptions::new()
        .max_connections(20)
        .connect_with((*app.pool.connect_options()).clone())
        .await
        .unwrap()
}

fn numbers(prefix: &str, range: std::ops::RangeInclusive<i64>) -> Vec<String> {
    range.map(|n| format!("{prefix}{n:04}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_transactions_take_two_hundred_consecutive_numbers() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let pool = wide_pool(&app).await;
    let taken = take_concurrently(&pool, tenant.business_id, 200, 0).await;
    assert_eq!(taken, numbers("INV-", 1..=200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rollbacks_leave_no_gap() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let pool = wide_pool(&app).await;
    let taken = take_concurrently(&pool, tenant.business_id, 100, 40).await;
    assert_eq!(taken, numbers("INV-", 1..=100));
}

#[tokio::test]
async fn a_rolled_back_transaction_gives_its_number_back() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let id = tenant.business_id;
    // Even the very first number: the counter row itself is rolled back.
    assert_eq!(
        take(&app.pool, id, DocumentKind::Invoice, false).await,
        "INV-0001"
    );
    assert_eq!(
        take(&app.pool, id, DocumentKind::Invoice, true).await,
        "INV-0001"
    );
    assert_eq!(
        take(&app.pool, id, DocumentKind::Invoice, false).await,
        "INV-0002"
    );
    assert_eq!(
        take(&app.pool, id, DocumentKind::Invoice, true).await,
        "INV-0002"
    );
    assert_eq!(
        take(&app.pool, id, DocumentKind::Invoice, true).await,
        "INV-0003"
    );
}

#[tokio::test]
async fn businesses_and_kinds_have_independent_sequences() {
    let app = TestApp::spawn().await;
    let a = app.tenant("A").await.business_id;
    let b = app.tenant("B").await.business_id;
    let mut taken = Vec::new();
    for (business, kind) in [
        (a, DocumentKind::Invoice),
        (a, DocumentKind::Invoice),
        (b, DocumentKind::Invoice),
        (a, DocumentKind::Quote),
        (b, DocumentKind::Quote),
        (b, DocumentKind::Invoice),
        (a, DocumentKind::Invoice),
    ] {
        taken.push(take(&app.pool, business, kind, true).await);
    }
    assert_eq!(
        taken,
        [
            "INV-0001", "INV-0002", "INV-0001", "QOT-0001", "QOT-0001", "INV-0002", "INV-0003"
        ]
    );
}

#[tokio::test]
async fn prefix_and_padding_come_from_the_business_and_padding_is_a_minimum_width() {
    let app = TestApp::spawn().await;
    let id = app.tenant("Flixtechs").await.business_id;
    sqlx::query(
        "UPDATE businesses SET invoice_prefix = 'F-', quote_prefix = 'Q', number_padding = 6
         WHERE id = $1",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        take(&app.pool, id, DocumentKind::Invoice, true).await,
        "F-000001"
    );
    assert_eq!(
        take(&app.pool, id, DocumentKind::Quote, true).await,
        "Q000001"
    );

    let other = app.tenant("Other").await.business_id;
    sqlx::query(
        "INSERT INTO document_counters (business_id, kind, last_value) VALUES ($1, 'invoice', 9999)",
    )
    .bind(other)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        take(&app.pool, other, DocumentKind::Invoice, true).await,
        "INV-10000"
    );
    assert_eq!(
        take(&app.pool, other, DocumentKind::Invoice, true).await,
        "INV-10001"
    );
}
