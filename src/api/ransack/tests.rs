use super::*;
use crate::api::params::ListQuery;
use crate::billing::search::conditions::{Minor, exponent_groups, minor};

const ATTRS: &[Attr] = &[
    attr(
        "status",
        "i.status",
        Kind::Choice(&[("sent", "sent"), ("cancelled", "void")]),
    ),
    attr("number", "i.number", Kind::Text),
    attr("customer_id", "i.customer_id", Kind::Int),
    attr("total", "i.total_cents", Kind::Money("i.currency")),
    attr("issued_at", "i.issued_at", Kind::Time),
];

fn sql(raw: &str) -> Result<String, crate::error::ApiError> {
    let mut query = ListQuery::parse(Some(raw))?;
    let conditions = query.ransack(ATTRS);
    query.finish()?;
    let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new("WHERE TRUE");
    conditions.push(&mut qb);
    Ok(qb.sql().as_str().to_string())
}

fn errors(raw: &str) -> Vec<String> {
    let err = sql(raw).unwrap_err();
    assert_eq!(err.status().as_u16(), 422, "{raw}");
    err.field_errors()
        .unwrap()
        .fields()
        .map(str::to_string)
        .collect()
}

#[test]
fn predicates_become_bound_comparisons() {
    assert_eq!(
        sql("q[status_eq]=sent").unwrap(),
        "WHERE TRUE AND i.status = $1"
    );
    assert_eq!(
        sql("q[status_not_eq]=cancelled").unwrap(),
        "WHERE TRUE AND i.status <> $1"
    );
    assert_eq!(
        sql("q[status_in]=sent,cancelled").unwrap(),
        "WHERE TRUE AND i.status IN ($1, $2)"
    );
    assert_eq!(
        sql("q[status_in][]=sent&q[status_in][]=cancelled").unwrap(),
        "WHERE TRUE AND i.status IN ($1, $2)"
    );
    assert_eq!(
        sql("q[number_cont]=8E5E").unwrap(),
        "WHERE TRUE AND i.number ILIKE $1"
    );
    assert_eq!(
        sql("q[customer_id_gteq]=13").unwrap(),
        "WHERE TRUE AND i.customer_id >= $1"
    );
    assert_eq!(
        sql("q[issued_at_lteq]=2025-10-31").unwrap(),
        "WHERE TRUE AND i.issued_at < $1"
    );
    assert_eq!(
        sql("q[issued_at_eq]=2025-10-31").unwrap(),
        "WHERE TRUE AND i.issued_at >= $1 AND i.issued_at < $2"
    );
    // Blank values are no condition, as in Ransack.
    assert_eq!(sql("q[status_eq]=").unwrap(), "WHERE TRUE");
}

#[test]
fn money_compares_in_each_currency_s_minor_units() {
    let sql = sql("q[total_gt]=100.00").unwrap();
    assert!(
        sql.starts_with("WHERE TRUE AND ((i.currency <> ALL($1) AND i.total_cents > $2) OR "),
        "{sql}"
    );
    assert!(
        sql.contains(" OR (i.currency = ANY($3) AND i.total_cents > $4)"),
        "{sql}"
    );
    match minor(Pred::Gt, &["2.5".parse().unwrap()], 0) {
        Minor::Compare(">", 2) => {}
        _ => panic!("gt 2.5 in whole units is > 2"),
    }
    match minor(Pred::Gteq, &["2.5".parse().unwrap()], 0) {
        Minor::Compare(">=", 3) => {}
        _ => panic!("gteq 2.5 in whole units is >= 3"),
    }
    assert!(matches!(
        minor(Pred::Eq, &["2.5".parse().unwrap()], 0),
        Minor::Never
    ));
    assert!(matches!(
        minor(Pred::Eq, &["2.5".parse().unwrap()], 2),
        Minor::Compare("=", 250)
    ));
    let groups = exponent_groups();
    assert!(
        groups
            .iter()
            .any(|(e, c)| *e == 0 && c.iter().any(|c| c == "JPY"))
    );
    assert!(
        groups
            .iter()
            .any(|(e, c)| *e == 3 && c.iter().any(|c| c == "KWD"))
    );
}

#[test]
fn unknown_attributes_predicates_and_values_are_named() {
    assert_eq!(errors("q[bogus_eq]=1"), ["q[bogus_eq]"]);
    assert_eq!(errors("q[status_like]=sent"), ["q[status_like]"]);
    assert_eq!(errors("q[status_cont]=se"), ["q[status_cont]"]);
    // Even blank: a predicate that cannot apply is named.
    assert_eq!(errors("q[status_cont]="), ["q[status_cont]"]);
    assert_eq!(errors("q[status_eq]=nope"), ["q[status_eq]"]);
    assert_eq!(errors("q[total_gt]=ten"), ["q[total_gt]"]);
    assert_eq!(errors("q[issued_at_gt]=yesterday"), ["q[issued_at_gt]"]);
    assert_eq!(errors("q[status]=sent"), ["q[status]"]);
    assert_eq!(errors("q[a][b]=1"), ["q[a][b]"]);
    assert_eq!(
        errors("q[status_eq]=sent&q[status_eq]=paid"),
        ["q[status_eq]"]
    );
    let mut both = errors("q[bogus_eq]=1&q[number_foo]=2");
    both.sort();
    assert_eq!(both, ["q[bogus_eq]", "q[number_foo]"]);
}

#[test]
fn a_list_without_ransack_refuses_q_parameters() {
    let query = ListQuery::parse(Some("q[status_eq]=sent&q=free+text")).unwrap();
    let err = query.finish().unwrap_err();
    let fields: Vec<&str> = err.field_errors().unwrap().fields().collect();
    assert_eq!(fields, ["q[status_eq]"]);
}

#[test]
fn timestamps_stand_for_their_millisecond() {
    let (start, end) = time_span("2025-10-21T03:39:57.825Z").unwrap();
    assert_eq!((end - start).num_microseconds(), Some(1000));
    let (start, end) = time_span("2025-10-21T03:39:57.825123Z").unwrap();
    assert_eq!((end - start).num_microseconds(), Some(1));
    assert!(time_span("2025-13-01").is_err());
}
