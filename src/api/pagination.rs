//! List answers: `{"data": [...], "meta": {"pagination": {...}}}` plus an RFC 8288 `Link`
//! header with first/prev/next/last.

use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::paging::{Page, PageRequest};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pagination {
    pub current_page: i64,
    pub per_page: i64,
    pub total_count: i64,
    pub total_pages: i64,
    pub next_page: Option<i64>,
    pub prev_page: Option<i64>,
}

impl Pagination {
    pub fn new(page: PageRequest, total_count: i64) -> Self {
        let total_pages = (total_count + page.per_page - 1) / page.per_page;
        Pagination {
            current_page: page.page,
            per_page: page.per_page,
            total_count,
            total_pages,
            next_page: (page.page < total_pages).then_some(page.page + 1),
            prev_page: (page.page > 1).then(|| (page.page - 1).min(total_pages.max(1))),
        }
    }
}

/// `{"data": [...], "meta": {"pagination": {...}}}`.
#[derive(Serialize)]
struct ListBody<'a, T> {
    data: &'a [T],
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct Meta<'a> {
    pagination: &'a Pagination,
}

/// A page of a list, ready to render.
pub struct Paginated<T> {
    items: Vec<T>,
    pagination: Pagination,
    /// `PUBLIC_URL` + the request's path and query, for the `Link` header.
    base_url: String,
    uri: Uri,
}

impl<T> Paginated<T> {
    /// The answer to `request` at `uri`: `page`'s items, and its total for the meta and the
    /// `Link` header (whose urls start with `base_url`, the `PUBLIC_URL`).
    pub fn new(request: PageRequest, page: Page<T>, base_url: &str, uri: Uri) -> Self {
        Paginated {
            items: page.items,
            pagination: Pagination::new(request, page.total),
            base_url: base_url.to_string(),
            uri,
        }
    }
}

impl<T: Serialize> IntoResponse for Paginated<T> {
    fn into_response(self) -> Response {
        let link = link_header(&self.base_url, &self.uri, &self.pagination);
        // Serialized straight from the views (no intermediate `Value`): the same bytes,
        // keys in declaration order, at a fraction of the allocations.
        let body = ListBody {
            data: &self.items,
            meta: Meta {
                pagination: &self.pagination,
            },
        };
        let mut response = axum::Json(body).into_response();
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
        response
    }
}

/// `<url?page=1&per_page=20>; rel="first", ...`, other query parameters kept as sent.
fn link_header(base_url: &str, uri: &Uri, p: &Pagination) -> String {
    let others: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(uri.query().unwrap_or(""))
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "page" && k != "per_page")
            .collect();
    let url_for = |page: i64| {
        let mut pairs = others.clone();
        pairs.push(("page".into(), page.to_string()));
        pairs.push(("per_page".into(), p.per_page.to_string()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{base_url}{}?{query}", uri.path())
    };
    let last = p.total_pages.max(1);
    let mut links = vec![format!("<{}>; rel=\"first\"", url_for(1))];
    if let Some(prev) = p.prev_page {
        links.push(format!("<{}>; rel=\"prev\"", url_for(prev)));
    }
    if let Some(next) = p.next_page {
        links.push(format!("<{}>; rel=\"next\"", url_for(next)));
    }
    links.push(format!("<{}>; rel=\"last\"", url_for(last)));
    links.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_45_records_at_20() {
        let p = Pagination::new(
            PageRequest {
                page: 2,
                per_page: 20,
            },
            45,
        );
        assert_eq!(p.total_pages, 3);
        assert_eq!(p.next_page, Some(3));
        assert_eq!(p.prev_page, Some(1));
        let uri: Uri = "/api/v1/customers?q=tex&page=2".parse().unwrap();
        let link = link_header("http://localhost:3000", &uri, &p);
        assert_eq!(
            link,
            "<http://localhost:3000/api/v1/customers?q=tex&page=1&per_page=20>; rel=\"first\", \
             <http://localhost:3000/api/v1/customers?q=tex&page=1&per_page=20>; rel=\"prev\", \
             <http://localhost:3000/api/v1/customers?q=tex&page=3&per_page=20>; rel=\"next\", \
             <http://localhost:3000/api/v1/customers?q=tex&page=3&per_page=20>; rel=\"last\""
        );
    }

    #[test]
    fn an_empty_list_has_no_next_and_a_page_past_the_end_points_back() {
        let p = Pagination::new(
            PageRequest {
                page: 1,
                per_page: 20,
            },
            0,
        );
        assert_eq!((p.total_pages, p.next_page, p.prev_page), (0, None, None));
        let p = Pagination::new(
            PageRequest {
                page: 9,
                per_page: 20,
            },
            45,
        );
        assert_eq!((p.next_page, p.prev_page), (None, Some(3)));
    }
}
