//! `GET /dashboard`: the business at a glance (`billing::overview`, two queries after the
//! session's one).

use axum::extract::State;
use axum::http::StatusCode;

use super::pages::{EventRow, Nav, OverviewPage};
use super::{PageResult, SignedIn, db, page};
use crate::billing::overview;
use crate::money::{Currency, format_amount};
use crate::state::AppState;

/// Events the overview lists.
const RECENT_EVENTS: i64 = 10;

pub async fn show(State(state): State<AppState>, signed_in: SignedIn) -> PageResult {
    let session = &signed_in.0;
    let mut conn = state.pool.acquire().await.map_err(db)?;
    let now = state.clock.now();
    let o = overview::overview(&mut conn, session.business_id, now)
        .await
        .map_err(db)?;
    let events = overview::recent_events(&mut conn, session.business_id, RECENT_EVENTS)
        .await
        .map_err(db)?;
    let paid = o
        .paid_this_month
        .iter()
        .map(|(code, cents)| match Currency::parse(code) {
            Ok(currency) => format_amount(*cents, currency),
            Err(_) => format!("{code} {cents}"),
        })
        .collect();
    let events = events
        .into_iter()
        .map(|e| EventRow {
            kind: e.kind,
            record: e.label.unwrap_or_else(|| "—".into()),
            at: e.created_at.format("%Y-%m-%d %H:%M").to_string(),
            at_iso: e.created_at.to_rfc3339(),
        })
        .collect();
    Ok(page(
        StatusCode::OK,
        &OverviewPage {
            nav: Some(Nav::new(session, "/dashboard")),
            notice: None,
            business_name: o.business_name,
            customers: o.customers,
            open_invoices: o.open_invoices,
            overdue_invoices: o.overdue_invoices,
            paid,
            events,
        },
    ))
}
