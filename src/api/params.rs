//! Query strings of list requests: pagination, sorting, filters. Parsed leniently so one
//! 422 names every bad parameter at once. Unknown plain parameters are ignored (a
//! cache-buster, a client's extra); Ransack's `q[…]` and `s` never are: a list that
//! does not read them answers 422 naming them (`ransack.rs` reads the filters).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::error::{ApiError, FieldErrors};
use crate::paging::{MAX_SORT_KEYS, PageRequest, Sort};

pub const DEFAULT_PER_PAGE: i64 = 20;
/// Invoices and quotes page by 25 by default, as Koteshen's pages say.
pub const DOCUMENTS_PER_PAGE: i64 = 25;
pub const MAX_PER_PAGE: i64 = 100;
/// Beyond this a page number is a mistake (or an attempt at an enormous OFFSET).
pub const MAX_PAGE: i64 = 1_000_000;

pub struct ListQuery {
    params: HashMap<String, String>,
    /// Every pair in order, for parameters that may repeat (`q[status_in][]`, `s[]`).
    pub(super) pairs: Vec<(String, String)>,
    /// Parameters given more than once: an error if the resource reads them.
    repeated: Vec<String>,
    errors: FieldErrors,
    /// Whether the list read its `q[…]` filters and its sort: `finish` refuses those
    /// parameters on a list that did not.
    pub(super) ransack_read: bool,
    sort_read: bool,
}

impl ListQuery {
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|_| ApiError::bad_request("The query string is malformed"))?;
        let mut params = HashMap::new();
        let mut repeated = Vec::new();
        for (key, value) in &pairs {
            if params.insert(key.clone(), value.clone()).is_some() && !repeated.contains(key) {
                repeated.push(key.clone());
            }
        }
        Ok(ListQuery {
            params,
            pairs,
            repeated,
            errors: FieldErrors::new(),
            ransack_read: false,
            sort_read: false,
        })
    }

    /// The `q[…]` parameters, each key with its values in order.
    pub(super) fn ransack_params(&self) -> Vec<(String, Vec<String>)> {
        let mut keys: Vec<(String, Vec<String>)> = Vec::new();
        for (key, value) in &self.pairs {
            if !key.starts_with("q[") || sort_key_rest(key).is_some() {
                continue;
            }
            match keys.iter_mut().find(|(k, _)| k == key) {
                Some((_, values)) => values.push(value.clone()),
                None => keys.push((key.clone(), vec![value.clone()])),
            }
        }
        keys
    }

    /// A present, non-blank parameter, trimmed. One given twice, or holding a NUL
    /// (which PostgreSQL text cannot), is an error.
    pub fn string(&mut self, name: &str) -> Option<String> {
        let value = self.params.get(name)?.trim().to_string();
        if self.repeated.iter().any(|r| r == name) {
            self.error(name, "must be given only once");
            return None;
        }
        if value.contains('\0') {
            self.error(name, "must not contain NUL characters");
            return None;
        }
        (!value.is_empty()).then_some(value)
    }

    /// A parameter that must have a value when present (numbers, flags, choices): blank
    /// is an error rather than "no filter".
    fn typed(&mut self, name: &str) -> Option<String> {
        let present = self.params.contains_key(name);
        let value = self.string(name);
        if present && value.is_none() && !self.errors.contains(name) {
            self.error(name, "can't be blank");
        }
        value
    }

    /// Records a problem with a parameter that a resource checks itself.
    pub fn reject(&mut self, name: &str, message: impl Into<String>) {
        self.errors.add(name, message);
    }

    fn error(&mut self, name: &str, message: impl Into<String>) {
        self.reject(name, message);
    }

    pub fn page(&mut self) -> PageRequest {
        self.page_of(DEFAULT_PER_PAGE)
    }

    /// `page` and `per_page` (at most `MAX_PER_PAGE`), `per_page` defaulting to `default`.
    pub fn page_of(&mut self, default: i64) -> PageRequest {
        let page = self.bounded_int("page", 1, MAX_PAGE).unwrap_or(1);
        let per_page = self
            .bounded_int("per_page", 1, MAX_PER_PAGE)
            .unwrap_or(default);
        PageRequest { page, per_page }
    }

    fn bounded_int(&mut self, name: &str, min: i64, max: i64) -> Option<i64> {
        let raw = self.typed(name)?;
        match raw.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            Ok(_) => {
                self.error(name, format!("must be between {min} and {max}"));
                None
            }
            Err(_) => {
                self.error(name, "must be a whole number");
                None
            }
        }
    }

    /// Resolves `?sort=name`, `?sort=-created_at`, or Ransack's `?s=issued_at desc` (several
    /// as `s[0]=issued_at desc&s[1]=total asc`) against `allowed` (API field → SQL
    /// expression).
    pub fn sort(
        &mut self,
        allowed: &[(&'static str, &'static str)],
        default: (&'static str, bool),
    ) -> Sort {
        self.sort_read = true;
        let fallback = Sort::by(
            allowed
                .iter()
                .find(|(field, _)| *field == default.0)
                .map(|(_, col)| *col)
                .unwrap_or("id"),
            default.1,
        );
        let names = || {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            names.join(", ")
        };
        let ransack = self.sort_params();
        if !ransack.is_empty() {
            if self.params.contains_key("sort") {
                self.error("s", "give either sort or s, not both");
                return fallback;
            }
            return self
                .ransack_sort(allowed, ransack, &names())
                .unwrap_or(fallback);
        }
        let Some(raw) = self.typed("sort") else {
            return fallback;
        };
        let (field, descending) = match raw.strip_prefix('-') {
            Some(field) => (field, true),
            None => (raw.as_str(), false),
        };
        match allowed.iter().find(|(name, _)| *name == field) {
            Some((_, column)) => Sort::by(column, descending),
            None => {
                let message = format!("must be one of {} (prefix - for descending)", names());
                self.error("sort", message);
                fallback
            }
        }
    }

    /// `s`, `s[]` and `s[N]` pairs (or Ransack's `q[s]` forms), in order of N, then of
    /// appearance; a malformed index sorts first and is refused by `ransack_sort`.
    fn sort_params(&self) -> Vec<(String, String)> {
        let mut found: Vec<(Option<u32>, String, String)> = self
            .pairs
            .iter()
            .filter_map(|(key, value)| {
                let rest = sort_key_rest(key)?;
                let index = match rest {
                    "" | "[]" => Some(0),
                    r => r
                        .strip_prefix('[')
                        .and_then(|r| r.strip_suffix(']'))
                        .and_then(|n| n.parse().ok()),
                };
                Some((index, key.clone(), value.clone()))
            })
            .collect();
        found.sort_by_key(|(i, _, _)| *i);
        found.into_iter().map(|(_, k, v)| (k, v)).collect()
    }

    /// `s=issued_at desc`: a field of the allow-list and `asc` (the default) or `desc`.
    fn ransack_sort(
        &mut self,
        allowed: &[(&'static str, &'static str)],
        pairs: Vec<(String, String)>,
        names: &str,
    ) -> Option<Sort> {
        if pairs.len() > MAX_SORT_KEYS {
            self.error("s", format!("at most {MAX_SORT_KEYS} sort fields"));
            return None;
        }
        let mut sort: Option<Sort> = None;
        for (key, value) in pairs {
            let rest = sort_key_rest(&key).unwrap_or_default();
            let indexed = rest
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .is_some_and(|n| n.is_empty() || n.parse::<u32>().is_ok());
            if !rest.is_empty() && !indexed {
                self.error(&key, "must be s, s[] or s[N] (N a number)");
                continue;
            }
            let mut words = value.split_whitespace();
            let field = words.next().unwrap_or("");
            let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => Some(false),
                Some("desc") => Some(true),
                Some(_) => None,
            };
            let column = allowed.iter().find(|(n, _)| *n == field).map(|(_, c)| *c);
            match (column, descending, words.next()) {
                (Some(column), Some(descending), None) => match &mut sort {
                    Some(s) => s.then_by(column, descending),
                    None => sort = Some(Sort::by(column, descending)),
                },
                _ => self.error(
                    &key,
                    format!("must be `<field> asc` or `<field> desc`, the field one of {names}"),
                ),
            }
        }
        sort
    }

    /// One of a fixed set of values.
    pub fn one_of(&mut self, name: &str, allowed: &[&str]) -> Option<String> {
        let raw = self.typed(name)?;
        let value = raw.to_ascii_lowercase();
        if allowed.contains(&value.as_str()) {
            Some(value)
        } else {
            self.error(name, format!("must be one of {}", allowed.join(", ")));
            None
        }
    }

    /// An ISO 4217 code in any case, answered upper-case.
    pub fn currency(&mut self, name: &str) -> Option<String> {
        let raw = self.typed(name)?;
        match crate::money::Currency::parse(&raw) {
            Ok(currency) => Some(currency.code().to_string()),
            Err(err) => {
                self.error(name, err.to_string());
                None
            }
        }
    }

    /// A record id.
    pub fn id(&mut self, name: &str) -> Option<i64> {
        self.bounded_int(name, 1, i64::MAX)
    }

    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        let raw = self.typed(name)?;
        match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => {
                self.error(name, "must be true or false");
                None
            }
        }
    }

    /// `?include_deleted=true` shows discarded records too.
    pub fn include_deleted(&mut self) -> bool {
        self.boolean("include_deleted").unwrap_or(false)
    }

    /// An inclusive lower date bound: a date means its first instant (UTC).
    pub fn from_bound(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let raw = self.typed(name)?;
        match parse_date_or_time(&raw) {
            Some(DateOrTime::Date(d)) => Some(d.and_hms_opt(0, 0, 0)?.and_utc()),
            Some(DateOrTime::Time(t)) => Some(t),
            None => {
                self.error(name, "must be a date (2025-10-12) or an ISO 8601 timestamp");
                None
            }
        }
    }

    /// An inclusive upper bound, returned as the exclusive instant just past it: a date
    /// covers its whole day, a timestamp itself (PostgreSQL keeps microseconds).
    pub fn to_bound_exclusive(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let raw = self.typed(name)?;
        match parse_date_or_time(&raw) {
            Some(DateOrTime::Date(d)) => Some(d.succ_opt()?.and_hms_opt(0, 0, 0)?.and_utc()),
            Some(DateOrTime::Time(t)) => Some(t + Duration::microseconds(1)),
            None => {
                self.error(name, "must be a date (2025-10-12) or an ISO 8601 timestamp");
                None
            }
        }
    }

    /// Ends parsing: a 422 naming every bad parameter, if any, and every Ransack
    /// parameter the list did not read.
    pub fn finish(mut self) -> Result<(), ApiError> {
        if !self.ransack_read {
            for (key, _) in self.ransack_params() {
                self.error(&key, "this list takes no q[…] filters");
            }
        }
        if !self.sort_read {
            for (key, _) in self.sort_params() {
                self.error(&key, "this list cannot be sorted");
            }
        }
        self.errors.into_result()
    }
}

/// What follows `s` in a sort key (`s`, `s[]`, `s[N]`, or the same inside `q`: `q[s]`,
/// `q[s][N]`), or None for any other key.
fn sort_key_rest(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("q[s]").or_else(|| key.strip_prefix('s'))?;
    (rest.is_empty() || rest.starts_with('[')).then_some(rest)
}

enum DateOrTime {
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

fn parse_date_or_time(raw: &str) -> Option<DateOrTime> {
    if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Some(DateOrTime::Date(date));
    }
    // A `+` in a query string arrives as a space; put the offset sign back.
    let raw = raw.replace(' ', "+");
    DateTime::parse_from_rfc3339(&raw)
        .ok()
        .map(|t| DateOrTime::Time(t.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(raw: &str) -> ListQuery {
        ListQuery::parse(Some(raw)).unwrap()
    }

    #[test]
    fn pagination_defaults_and_limits() {
        let mut q = query("");
        assert_eq!(
            q.page(),
            PageRequest {
                page: 1,
                per_page: 20
            }
        );
        assert!(q.finish().is_ok());

        let mut q = query("page=0&per_page=101");
        q.page();
        let err = q.finish().unwrap_err();
        let errors = err.field_errors().unwrap();
        assert!(errors.contains("page") && errors.contains("per_page"));

        let mut q = query("page=abc");
        q.page();
        assert!(q.finish().is_err());
    }

    #[test]
    fn repeated_blank_and_nul_parameters_are_errors() {
        let mut q = query("per_page=5&per_page=6&page=&q=a%00b&paid=");
        q.page();
        assert_eq!(q.string("q"), None);
        assert_eq!(q.boolean("paid"), None);
        let err = q.finish().unwrap_err();
        let errors = err.field_errors().unwrap();
        for field in ["per_page", "page", "q", "paid"] {
            assert!(errors.contains(field), "{field}");
        }
        // Blank free text is simply no search.
        let mut q = query("q=");
        assert_eq!(q.string("q"), None);
        assert!(q.finish().is_ok());
    }

    #[test]
    fn sort_uses_the_allow_list_and_breaks_ties_by_id() {
        let allowed = [("name", "c.name"), ("created_at", "c.created_at")];
        let mut q = query("sort=-created_at");
        let sort = q.sort(&allowed, ("name", false));
        assert_eq!(sort.order_by("c.id"), "c.created_at DESC, c.id DESC");
        let mut q = query("sort=password");
        q.sort(&allowed, ("name", false));
        assert!(q.finish().is_err());
    }

    #[test]
    fn ransack_sorts_one_or_several_fields() {
        let allowed = [("name", "c.name"), ("created_at", "c.created_at")];
        let mut q = query("s=created_at+desc");
        let sort = q.sort(&allowed, ("name", false));
        assert!(q.finish().is_ok());
        assert_eq!(sort.order_by("c.id"), "c.created_at DESC, c.id DESC");
        let mut q = query("s[1]=name+asc&s[0]=created_at+desc");
        let sort = q.sort(&allowed, ("name", false));
        assert!(q.finish().is_ok());
        assert_eq!(
            sort.order_by("c.id"),
            "c.created_at DESC, c.name ASC, c.id ASC"
        );
        let mut q = query("s=name");
        assert_eq!(
            q.sort(&allowed, ("created_at", true)).order_by("c.id"),
            "c.name ASC, c.id ASC"
        );
        for bad in [
            "s=password+asc",
            "s=name+up",
            "s=name+asc+x",
            "s=name&sort=name",
        ] {
            let mut q = query(bad);
            q.sort(&allowed, ("name", false));
            let err = q.finish().unwrap_err();
            assert!(err.field_errors().unwrap().contains("s"), "{bad}");
        }
        // Ransack's own spelling inside q, and a malformed index.
        let mut q = query("q[s]=name+desc&q[status_eq]=x");
        assert_eq!(
            q.sort(&allowed, ("created_at", false)).order_by("c.id"),
            "c.name DESC, c.id DESC"
        );
        assert_eq!(q.ransack_params().len(), 1);
        let mut q = query("s[x]=name+asc");
        q.sort(&allowed, ("name", false));
        assert!(
            q.finish()
                .unwrap_err()
                .field_errors()
                .unwrap()
                .contains("s[x]")
        );
        // A list that does not sort refuses `s` rather than ignoring it.
        let err = query("s[0]=name+asc").finish().unwrap_err();
        assert!(err.field_errors().unwrap().contains("s[0]"));
    }

    #[test]
    fn date_bounds_are_inclusive() {
        let mut q = query("from=2025-10-12&to=2025-10-12");
        let from = q.from_bound("from").unwrap();
        let to = q.to_bound_exclusive("to").unwrap();
        assert_eq!(from.to_rfc3339(), "2025-10-12T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2025-10-13T00:00:00+00:00");
        let mut q = query("to=2025-10-12T10:00:00Z&bad=x");
        let to = q.to_bound_exclusive("to").unwrap();
        assert_eq!(to.timestamp_subsec_micros(), 1);
        let mut q = query("from=yesterday");
        assert!(q.from_bound("from").is_none());
        assert!(q.finish().is_err());
    }
}
