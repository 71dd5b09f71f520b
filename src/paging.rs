//! Pages of a list: which page is asked for, how the list is sorted, and the one way the
//! lists fetch a page with their total. The domain's lists take these types, so they live
//! below `api` (which reads query strings into them, in `api::params`).

use sqlx::postgres::PgRow;
use sqlx::{Acquire, FromRow, Postgres, QueryBuilder};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// How many fields one request may sort by (`s[0]=…&s[1]=…`).
pub const MAX_SORT_KEYS: usize = 3;

/// What a list is sorted by: up to `MAX_SORT_KEYS` SQL expressions, each ascending or
/// descending, ties broken by the list's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The SQL expressions sorted by (from the allow-list, never from input) and whether
    /// each is descending.
    keys: [(&'static str, bool); MAX_SORT_KEYS],
    len: usize,
}

impl Sort {
    pub fn by(column: &'static str, descending: bool) -> Sort {
        Sort {
            keys: [(column, descending); MAX_SORT_KEYS],
            len: 1,
        }
    }

    /// Adds a key after those already there. Panics past `MAX_SORT_KEYS`: the caller
    /// refuses more before building the sort.
    pub fn then_by(&mut self, column: &'static str, descending: bool) {
        self.keys[self.len] = (column, descending);
        self.len += 1;
    }

    /// `ORDER BY` body with ties broken by id in the last key's direction, so pages are
    /// stable.
    pub fn order_by(&self, id_column: &str) -> String {
        let dir = |d: bool| if d { "DESC" } else { "ASC" };
        let mut parts: Vec<String> = self.keys[..self.len]
            .iter()
            .map(|(column, d)| format!("{column} {}", dir(*d)))
            .collect();
        parts.push(format!("{id_column} {}", dir(self.keys[self.len - 1].1)));
        parts.join(", ")
    }
}

/// One page of a list and how many rows the whole list has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
        }
    }
}

/// A list's page in two statements on one connection: `count` (`SELECT count(*) FROM …`)
/// and `select` (`SELECT … FROM …`), each followed by the WHERE `push_where` adds; the
/// second ordered by `sort` (ties by `id_column`) and limited to the page. A page that
/// starts past the end skips the second: there is nothing to fetch.
///
/// `db` is a pool or a connection.
#[expect(
    clippy::manual_async_fn,
    reason = "an async fn over Acquire is not Send for &mut PgConnection \
              (launchbadge/sqlx#1015), and handlers' futures must be"
)]
pub fn fetch<'a, 'c, T>(
    db: impl Acquire<'c, Database = Postgres> + Send + 'a,
    count: &'a str,
    select: &'a str,
    push_where: impl Fn(&mut QueryBuilder<Postgres>) + Send + Sync + 'a,
    sort: Sort,
    id_column: &'a str,
    page: PageRequest,
) -> impl Future<Output = sqlx::Result<Page<T>>> + Send + 'a
where
    T: for<'r> FromRow<'r, PgRow> + Send + Unpin + 'a,
{
    async move {
        let mut conn = db.acquire().await?;
        let mut qb = QueryBuilder::new(count);
        push_where(&mut qb);
        let total: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
        if page.offset() >= total {
            return Ok(Page {
                items: Vec::new(),
                total,
            });
        }
        let mut qb = page_query(select, &push_where, sort, id_column, page);
        let items = qb.build_query_as().fetch_all(&mut *conn).await?;
        Ok(Page { items, total })
    }
}

fn page_query(
    select: &str,
    push_where: &impl Fn(&mut QueryBuilder<Postgres>),
    sort: Sort,
    id_column: &str,
    page: PageRequest,
) -> QueryBuilder<Postgres> {
    let mut qb = QueryBuilder::new(select);
    push_where(&mut qb);
    qb.push(" ORDER BY ")
        .push(sort.order_by(id_column))
        .push(" LIMIT ")
        .push_bind(page.per_page)
        .push(" OFFSET ")
        .push_bind(page.offset());
    qb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_counts_the_pages_before() {
        let page = |page, per_page| PageRequest { page, per_page };
        assert_eq!(page(1, 20).offset(), 0);
        assert_eq!(page(2, 20).offset(), 20);
        assert_eq!(page(4, 25).offset(), 75);
    }

    #[test]
    fn order_by_breaks_ties_by_id_in_the_last_direction() {
        assert_eq!(
            Sort::by("c.name", false).order_by("c.id"),
            "c.name ASC, c.id ASC"
        );
        assert_eq!(Sort::by("seq", true).order_by("id"), "seq DESC, id DESC");
        let mut sort = Sort::by("i.issued_at", true);
        sort.then_by("i.total", false);
        sort.then_by("i.number", true);
        assert_eq!(
            sort.order_by("i.id"),
            "i.issued_at DESC, i.total ASC, i.number DESC, i.id DESC"
        );
    }

    #[test]
    fn the_page_query_is_select_where_order_limit_offset() {
        let push_where = |qb: &mut QueryBuilder<Postgres>| {
            qb.push(" WHERE t.business_id = ").push_bind(7_i64);
        };
        let qb = page_query(
            "SELECT t.id FROM taxes t",
            &push_where,
            Sort::by("t.name", true),
            "t.id",
            PageRequest {
                page: 3,
                per_page: 10,
            },
        );
        assert_eq!(
            qb.sql().as_str(),
            "SELECT t.id FROM taxes t WHERE t.business_id = $1 \
             ORDER BY t.name DESC, t.id DESC LIMIT $2 OFFSET $3"
        );
    }

    #[test]
    fn map_keeps_the_total() {
        let page = Page {
            items: vec![1, 2],
            total: 12,
        };
        assert_eq!(
            page.map(|n| n * 10),
            Page {
                items: vec![10, 20],
                total: 12
            }
        );
    }
}
