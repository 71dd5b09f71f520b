//! The other names Koteshen's pages give some of our values, accepted as input and as
//! list filters beside ours (koteshen-pages.md: "an extra input spelling is accepted").

use crate::api::input::{Form, Obj, Patch};
use crate::api::params::ListQuery;
use crate::billing::status::{InvoiceStatus, QuoteStatus};

/// Invoice statuses: Koteshen's `cancelled` is our `void`.
pub const INVOICE_STATUSES: [(&str, &str); 1] = [("cancelled", InvoiceStatus::Void.as_str())];
/// Quote statuses: Koteshen's `declined` is our `rejected`.
pub const QUOTE_STATUSES: [(&str, &str); 1] = [("declined", QuoteStatus::Rejected.as_str())];

/// `?status=` read with its aliases: ours, or `None` (and an error) for neither.
pub fn status_filter(
    query: &mut ListQuery,
    ours: &[&str],
    aliases: &[(&str, &str)],
) -> Option<String> {
    query
        .one_of("status", &with_aliases(ours, aliases))
        .map(|s| resolve(s, aliases))
}

/// A body's `status` read with its aliases.
pub fn status_field(
    form: &mut Form,
    obj: &Obj,
    ours: &[&str],
    aliases: &[(&str, &str)],
) -> Patch<String> {
    form.one_of(obj, "status", &with_aliases(ours, aliases))
        .map(|s| resolve(s, aliases))
}

/// Our values and the aliases, for `one_of` checks (aliases listed last).
pub fn with_aliases<'a>(ours: &[&'a str], aliases: &[(&'a str, &'a str)]) -> Vec<&'a str> {
    ours.iter()
        .copied()
        .chain(aliases.iter().map(|(alias, _)| *alias))
        .collect()
}

/// Our name for `value` (itself when it is not an alias).
pub fn resolve(value: String, aliases: &[(&str, &str)]) -> String {
    aliases
        .iter()
        .find(|(alias, _)| *alias == value)
        .map_or(value, |(_, ours)| (*ours).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_to_ours_and_others_stay() {
        assert_eq!(resolve("cancelled".into(), &INVOICE_STATUSES), "void");
        assert_eq!(resolve("sent".into(), &INVOICE_STATUSES), "sent");
        assert_eq!(resolve("declined".into(), &QUOTE_STATUSES), "rejected");
        assert_eq!(
            with_aliases(&["draft", "rejected"], &QUOTE_STATUSES),
            ["draft", "rejected", "declined"]
        );
    }
}
