//! `/api/v1/reports/…`: the summary, aging, tax and revenue reports, as JSON or, with
//! `Accept: text/csv`, CSV. Dates are days in the business's time zone; a period is
//! `from` to `to` inclusive (the current month so far when neither is given).

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::ErrorResponse;
use crate::api::params::ListQuery;
use crate::api::pdf::asks_for;
use crate::api::response::data;
use crate::auth::Auth;
use crate::billing::reports::{self, Interval, Period};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::reports::{AgingReport, Csv, RevenueReport, SummaryReport, TaxReport};

pub const CSV: &str = "text/csv";
/// The most intervals a revenue report has.
pub const MAX_INTERVALS: i64 = 1000;

#[derive(Serialize, ToSchema)]
pub struct SummaryEnvelope {
    data: SummaryReport,
}
#[derive(Serialize, ToSchema)]
pub struct AgingEnvelope {
    data: AgingReport,
}
#[derive(Serialize, ToSchema)]
pub struct TaxReportEnvelope {
    data: TaxReport,
}
#[derive(Serialize, ToSchema)]
pub struct RevenueEnvelope {
    data: RevenueReport,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct PeriodParams {
    /// The first day (YYYY-MM-DD, the business's zone); the first of `to`'s month by default.
    from: Option<String>,
    /// The last day, included; today by default.
    to: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct RevenueParams {
    /// The first day (YYYY-MM-DD); the first of `to`'s month by default.
    from: Option<String>,
    /// The last day, included; today by default.
    to: Option<String>,
    /// `day`, `week` (from Monday) or `month` (the default); at most 1000 of them.
    interval: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct AgingParams {
    /// The day the ages are counted at (YYYY-MM-DD); today by default.
    as_of: Option<String>,
}

fn date(query: &mut ListQuery, name: &str) -> Option<NaiveDate> {
    let value = query.string(name)?;
    match NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            query.reject(name, "is not a date (YYYY-MM-DD)");
            None
        }
    }
}

/// What every report starts from: the business's zone, the query, and today there.
async fn opening(
    state: &AppState,
    auth: &Auth,
    raw: Option<&str>,
) -> ApiResult<(Tz, ListQuery, NaiveDate)> {
    let tz = reports::time_zone(&state.pool, auth.business_id).await?;
    let query = ListQuery::parse(raw)?;
    let today = state.clock.now().with_timezone(&tz).date_naive();
    Ok((tz, query, today))
}

/// `from` and `to`, defaulted and checked.
fn period(query: &mut ListQuery, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let to = date(query, "to").unwrap_or(today);
    let from = date(query, "from").unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to {
        query.reject("from", "must be on or before to");
    }
    (from, to)
}

/// JSON, or CSV when asked for, named for the report and its days.
fn answer<T: Serialize>(
    headers: &HeaderMap,
    report: T,
    csv: impl FnOnce(&T) -> Csv,
    name: &str,
) -> Response {
    if !asks_for(headers, &[CSV], &["application/json"]) {
        return data(report);
    }
    let mut response = csv(&report).into_bytes().into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.csv\""))
    {
        h.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

#[utoipa::path(
    get, path = "/reports/summary", tag = "Reports",
    summary = "Invoiced, credited, collected, outstanding and overdue per currency",
    description = "For the period (invoices and credit notes by issue date, payments by \
        date less the period's refunds; outstanding and overdue are what the period's \
        invoices owe now) and overall. Drafts, void and deleted invoices do not count.",
    params(PeriodParams),
    responses(
        (status = 200, description = "The summary", content(
            (SummaryEnvelope = "application/json"), (String = "text/csv"))),
        (status = 422, description = "A date that is not one, or `from` after `to`", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn summary(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (tz, mut query, today) = opening(&state, &auth, raw.as_deref()).await?;
    let (from, to) = period(&mut query, today);
    query.finish()?;
    let now = state.clock.now();
    let days = Period::days(from, to, tz);
    let period = reports::summary(&state.pool, auth.business_id, days, now).await?;
    let overall = reports::summary(&state.pool, auth.business_id, Period::ALL, now).await?;
    let report = SummaryReport::new(from, to, tz.name(), period, overall);
    Ok(answer(
        &headers,
        report,
        SummaryReport::csv,
        &format!("summary-{from}-{to}"),
    ))
}

#[utoipa::path(
    get, path = "/reports/aging", tag = "Reports",
    summary = "Open balances per customer by days past due",
    description = "Every issued invoice with a balance, in its bucket by the days between \
        its due date and `as_of`: current (not yet due), 1–30, 31–60, 61–90, over 90.",
    params(AgingParams),
    responses(
        (status = 200, description = "The aging report", content(
            (AgingEnvelope = "application/json"), (String = "text/csv"))),
        (status = 422, description = "A date that is not one", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn aging(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (tz, mut query, today) = opening(&state, &auth, raw.as_deref()).await?;
    let as_of = date(&mut query, "as_of").unwrap_or(today);
    query.finish()?;
    let rows = reports::aging(&state.pool, auth.business_id, as_of, tz).await?;
    let report = AgingReport::new(as_of, tz.name(), rows);
    Ok(answer(
        &headers,
        report,
        AgingReport::csv,
        &format!("aging-{as_of}"),
    ))
}

#[utoipa::path(
    get, path = "/reports/tax", tag = "Reports",
    summary = "Tax charged per tax, rate and category, net of credit notes",
    description = "The tax lines of the period's issued invoices, less those of its credit \
        notes, per currency, tax, rate as applied and VAT category: what a VAT return needs.",
    params(PeriodParams),
    responses(
        (status = 200, description = "The tax report", content(
            (TaxReportEnvelope = "application/json"), (String = "text/csv"))),
        (status = 422, description = "A date that is not one, or `from` after `to`", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn tax(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (tz, mut query, today) = opening(&state, &auth, raw.as_deref()).await?;
    let (from, to) = period(&mut query, today);
    query.finish()?;
    let rows = reports::tax(&state.pool, auth.business_id, Period::days(from, to, tz)).await?;
    let report = TaxReport::new(from, to, tz.name(), rows);
    Ok(answer(
        &headers,
        report,
        TaxReport::csv,
        &format!("tax-{from}-{to}"),
    ))
}

#[utoipa::path(
    get, path = "/reports/revenue", tag = "Reports",
    summary = "What was collected per day, week or month",
    params(RevenueParams),
    responses(
        (status = 200, description = "The revenue report", content(
            (RevenueEnvelope = "application/json"), (String = "text/csv"))),
        (status = 422, description = "A bad date or interval, `from` after `to`, or more than 1000 intervals", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn revenue(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (tz, mut query, today) = opening(&state, &auth, raw.as_deref()).await?;
    let (from, to) = period(&mut query, today);
    let interval = query
        .one_of("interval", &Interval::NAMES)
        .and_then(|i| Interval::parse(&i))
        .unwrap_or(Interval::Month);
    let days = (to - from).num_days() + 1;
    let count = match interval {
        Interval::Day => days,
        Interval::Week => days / 7 + 2,
        Interval::Month => {
            i64::from(to.year() - from.year()) * 12 + i64::from(to.month())
                - i64::from(from.month())
                + 1
        }
    };
    if count > MAX_INTERVALS {
        query.reject("to", format!("makes more than {MAX_INTERVALS} intervals"));
    }
    query.finish()?;
    let rows = reports::revenue(&state.pool, auth.business_id, from, to, interval, tz).await?;
    let report = RevenueReport::new(from, to, interval.name(), tz.name(), rows);
    Ok(answer(
        &headers,
        report,
        RevenueReport::csv,
        &format!("revenue-{from}-{to}"),
    ))
}
