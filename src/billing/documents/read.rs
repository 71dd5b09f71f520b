//! Reading invoices and quotes, one way for both kinds: a document's row alone
//! (`find_row`, for the writes), or with its items, tax lines, customer and business as
//! JSON columns built by PostgreSQL, in one round trip (`find_full`, and a list page in
//! two: `list`). The statements are the kind's `Kind` filled into one text.

use std::sync::OnceLock;

use sqlx::types::Json;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::items::Item;
use super::tax_lines::TaxLine;
use super::{Document, Kind};
use crate::billing::businesses::{self, BusinessRow};
use crate::billing::customers;
use crate::billing::links;
use crate::billing::numbering::DocumentKind;
use crate::paging::{Page, PageRequest, Sort};

/// Whether a read sees soft-deleted documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    Excluded,
    Included,
}

impl Deleted {
    /// `?include_deleted=true` read as this.
    pub fn included_if(include_deleted: bool) -> Deleted {
        if include_deleted {
            Deleted::Included
        } else {
            Deleted::Excluded
        }
    }
}

/// Whether a read locks the row for the rest of the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    None,
    ForUpdate,
}

/// How `find_row` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Find {
    pub deleted: Deleted,
    pub lock: Lock,
}

impl Find {
    /// A live document, as it is.
    pub const LIVE: Find = Find {
        deleted: Deleted::Excluded,
        lock: Lock::None,
    };
    /// A live document, locked for the rest of the transaction: what a change to it
    /// reads first.
    pub const LIVE_FOR_UPDATE: Find = Find {
        deleted: Deleted::Excluded,
        lock: Lock::ForUpdate,
    };
}

/// One text per kind, built the first time it is needed rather than on every read (the
/// statements are long).
fn once_per_kind(
    kind: Kind,
    cells: &'static [OnceLock<String>; 3],
    build: impl FnOnce() -> String,
) -> &'static str {
    let cell = match kind.numbering {
        DocumentKind::Invoice => &cells[0],
        DocumentKind::Quote => &cells[1],
        DocumentKind::CreditNote => &cells[2],
    };
    cell.get_or_init(build)
}

/// The kind's row: `Kind::columns` and its `FROM`.
fn select(kind: Kind) -> &'static str {
    static SQL: [OnceLock<String>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    once_per_kind(kind, &SQL, || {
        format!("{}\n    {}", kind.columns, kind.from)
    })
}

/// One document of the business, its row alone.
pub async fn find_row<D: Document>(
    conn: &mut PgConnection,
    business_id: i64,
    id: i64,
    find: Find,
) -> sqlx::Result<Option<D>> {
    let a = D::KIND.alias;
    let mut qb = QueryBuilder::new(select(D::KIND));
    qb.push(format!(" WHERE {a}.id = "))
        .push_bind(id)
        .push(format!(" AND {a}.business_id = "))
        .push_bind(business_id);
    if find.deleted == Deleted::Excluded {
        qb.push(format!(" AND {a}.discarded_at IS NULL"));
    }
    if find.lock == Lock::ForUpdate {
        // `OF`: the row only, not the joined rows (a payment term can't be locked
        // through an outer join).
        qb.push(format!(" FOR UPDATE OF {a}"));
    }
    qb.build_query_as().fetch_optional(conn).await
}

/// A document with its items, tax lines, customer and business, read in one round trip:
/// the document's row with the rest as JSON columns, built by PostgreSQL.
#[derive(sqlx::FromRow)]
pub(crate) struct FullRow<D> {
    #[sqlx(flatten)]
    pub document: D,
    pub items: Json<Vec<Item>>,
    pub taxes: Json<Vec<TaxLine>>,
    pub customer: Option<Json<customers::Row>>,
    pub business: Option<Json<BusinessRow>>,
    /// The live page link's nonce (`billing::links`): the view derives `public_url`.
    pub link_nonce: Option<Vec<u8>>,
    /// Quotes: what the customer wrote when answering on the page.
    pub response: Option<Json<Response>>,
}

/// A quote's answer on the customer's page.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Response {
    pub name: Option<String>,
    pub comment: Option<String>,
    pub responded_at: chrono::DateTime<chrono::Utc>,
}

/// The link kind of a document kind.
pub fn link_kind(kind: Kind) -> links::DocKind {
    match kind.numbering {
        DocumentKind::Invoice => links::DocKind::Invoice,
        DocumentKind::Quote => links::DocKind::Quote,
        DocumentKind::CreditNote => links::DocKind::CreditNote,
    }
}

/// The select list of `FullRow`s and its `FROM`: the items and tax lines in the order
/// their own queries give (`items::load`, `tax_lines::load`), the customer and the
/// business as `customers::SELECT` and `businesses::SELECT_BUSINESS` read them.
fn full_select(kind: Kind) -> &'static str {
    static SQL: [OnceLock<String>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    once_per_kind(kind, &SQL, || {
        format!(
            "{columns},
        (SELECT coalesce(json_agg(x ORDER BY x.position, x.id), '[]')
         FROM (SELECT id, {fk} AS document_id, position, name, description, quantity,
                      unit_price, unit_code, total_cents, tax_ids, created_at, updated_at,
                      product_id{item_columns}
               FROM {items} WHERE {fk} = {a}.id) x) AS items,
        (SELECT coalesce(json_agg(x ORDER BY x.invoice_level DESC, x.id), '[]')
         FROM (SELECT l.id, l.{fk} AS document_id, l.tax_id, l.tax_name, l.tax_rate,
                      l.inclusive, l.category, l.exemption_reason, l.exemption_reason_code,
                      l.invoice_level, l.amount_cents, l.created_at,
                      l.updated_at, t.name AS current_name, t.rate AS current_rate,
                      t.inclusive AS current_inclusive
               FROM {taxes} l JOIN taxes t ON t.id = l.tax_id
               WHERE l.{fk} = {a}.id) x) AS taxes,
        (SELECT to_json(x) FROM ({customer} WHERE c.business_id = {a}.business_id
                                 AND c.id = {a}.customer_id) x) AS customer,
        (SELECT to_json(x) FROM ({business} WHERE b.id = {a}.business_id) x) AS business,
        {link} AS link_nonce,
        {response} AS response
    {from}",
            columns = kind.columns,
            fk = kind.foreign_key,
            items = kind.items_table,
            taxes = kind.taxes_table,
            a = kind.alias,
            customer = customers::SELECT,
            business = businesses::SELECT_BUSINESS,
            from = kind.from,
            item_columns = kind.item_columns,
            link = links::live_nonce_sql(link_kind(kind), kind.alias),
            response = match kind.numbering {
                DocumentKind::Quote => links::response_sql(links::DocKind::Quote, kind.alias),
                DocumentKind::Invoice | DocumentKind::CreditNote => "NULL::json".to_string(),
            },
        )
    })
}

/// One document of the business with all its answer shows, in one query.
pub(crate) async fn find_full<D: Document>(
    conn: &mut PgConnection,
    business_id: i64,
    id: i64,
    deleted: Deleted,
) -> sqlx::Result<Option<FullRow<D>>> {
    let a = D::KIND.alias;
    let mut qb = QueryBuilder::new(full_select(D::KIND));
    qb.push(format!(" WHERE {a}.id = "))
        .push_bind(id)
        .push(format!(" AND {a}.business_id = "))
        .push_bind(business_id);
    if deleted == Deleted::Excluded {
        qb.push(format!(" AND {a}.discarded_at IS NULL"));
    }
    qb.build_query_as().fetch_optional(conn).await
}

/// A list's filter, over the kind's alias: what both statements of a page share.
pub(crate) trait ListFilter: Sync {
    /// ` WHERE …`: the business's documents the filter selects.
    fn push_where(&self, qb: &mut QueryBuilder<Postgres>, business_id: i64);

    /// An expression for how many documents the filter selects: a count, unless the
    /// kind keeps one.
    fn push_total(&self, kind: Kind, qb: &mut QueryBuilder<Postgres>, business_id: i64) {
        qb.push(format!(
            "(SELECT count(*) FROM {} {}",
            kind.table, kind.alias
        ));
        self.push_where(qb, business_id);
        qb.push(")");
    }
}

/// A page of documents with everything their answers show, in two queries for any page
/// size: the total and the page's ids, then those documents with their items, taxes,
/// customers and business.
///
/// Why not one: PostgreSQL evaluates a select list for every row OFFSET skips, so the
/// JSON columns in the paging query would be built for page × per_page rows; and a
/// statement whose LIMIT and OFFSET are parameters gets a fresh plan on every run,
/// which for the JSON query costs more than running it. The ids query is cheap to plan;
/// the JSON query, by `id = ANY(…)`, keeps one cached plan.
pub(crate) async fn list<D: Document>(
    pool: &PgPool,
    business_id: i64,
    filter: &impl ListFilter,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<FullRow<D>>> {
    let kind = D::KIND;
    let a = kind.alias;
    let mut conn = pool.acquire().await?;
    let mut qb = QueryBuilder::new("SELECT ");
    filter.push_total(kind, &mut qb, business_id);
    qb.push(format!(
        " AS total, ARRAY(SELECT {a}.id FROM {} {a}",
        kind.table
    ));
    filter.push_where(&mut qb, business_id);
    qb.push(" ORDER BY ")
        .push(sort.order_by(&format!("{a}.id")))
        .push(" LIMIT ")
        .push_bind(page.per_page)
        .push(" OFFSET ")
        .push_bind(page.offset())
        .push(") AS ids");
    let (total, ids): (i64, Vec<i64>) = qb.build_query_as().fetch_one(&mut *conn).await?;
    if ids.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            total,
        });
    }
    let mut qb = QueryBuilder::new(full_select(kind));
    qb.push(format!(" WHERE {a}.business_id = "))
        .push_bind(business_id)
        .push(format!(" AND {a}.id = ANY("))
        .push_bind(ids)
        .push(") ORDER BY ")
        .push(sort.order_by(&format!("{a}.id")));
    let items = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(Page { items, total })
}
