//! The statuses of invoices, quotes, reminders and subscriptions, and the lifecycle
//! rules over them. In the database they stay TEXT (each table's CHECK lists the same
//! values): rows decode into these enums, and queries bind `as_str()`.

use std::fmt;

use serde::Serialize;

use crate::billing::events::EventType;

/// One status enum: each variant's wire and column name is written once, and `as_str`,
/// `parse`, `ALL`, `NAMES`, serde and sqlx all follow from it.
macro_rules! status {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, sqlx::Type)]
        #[sqlx(type_name = "text")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $text)]
                #[sqlx(rename = $text)]
                $variant,
            )*
        }

        impl $name {
            /// Every status, in lifecycle order.
            pub const ALL: [$name; [$($text),*].len()] = [$($name::$variant),*];
            /// Every status's name, in the order of `ALL`.
            pub const NAMES: [&'static str; [$($text),*].len()] = [$($text),*];

            /// The name in JSON and in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

status! {
    /// Where an invoice is in its life. Partial, paid and overdue follow from payments
    /// and dates; a client moves it along the others (`allowed_transitions`).
    InvoiceStatus {
        Draft => "draft",
        Sent => "sent",
        Viewed => "viewed",
        Partial => "partial",
        Paid => "paid",
        Overdue => "overdue",
        Void => "void",
    }
}

status! {
    /// Where a quote is in its life. Expired follows from the date, invoiced from
    /// conversion.
    QuoteStatus {
        Draft => "draft",
        Sent => "sent",
        Viewed => "viewed",
        Accepted => "accepted",
        Rejected => "rejected",
        Expired => "expired",
        Invoiced => "invoiced",
    }
}

status! {
    /// A credit note: issued when created, sent once emailed to the customer.
    CreditNoteStatus {
        Issued => "issued",
        Sent => "sent",
    }
}

status! {
    /// A scheduled reminder: waiting, handed to the mailer, or dropped (its invoice was
    /// paid, void, a draft or deleted, or the customer had no address).
    ReminderStatus {
        Pending => "pending",
        Sent => "sent",
        Skipped => "skipped",
    }
}

status! {
    /// A recurring schedule: running, paused by the client, or past its last run.
    SubscriptionStatus {
        Active => "active",
        Paused => "paused",
        Completed => "completed",
    }
}

/// The 422 of a move the lifecycle does not allow, naming the moves it does.
pub fn transition_refused<S: Copy + std::fmt::Display>(
    from: S,
    to: &str,
    allowed: &[S],
) -> crate::billing::error::BillingError {
    let allowed = if allowed.is_empty() {
        "none".to_string()
    } else {
        allowed
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    crate::billing::error::BillingError::field(
        "status",
        format!("cannot change from {from} to {to} (allowed: {allowed})"),
    )
}

impl InvoiceStatus {
    /// Statuses a client may move an invoice to from this one (`PATCH …/status`).
    pub const fn allowed_transitions(self) -> &'static [InvoiceStatus] {
        use InvoiceStatus::*;
        match self {
            Draft => &[Sent, Void],
            Sent => &[Viewed, Void],
            Viewed | Overdue => &[Void],
            Partial | Paid | Void => &[],
        }
    }

    pub fn can_become(self, to: InvoiceStatus) -> bool {
        self.allowed_transitions().contains(&to)
    }

    /// The event of a client's move to this status.
    pub const fn transition_event(self) -> EventType {
        match self {
            InvoiceStatus::Sent => EventType::InvoiceSent,
            InvoiceStatus::Viewed => EventType::InvoiceViewed,
            InvoiceStatus::Void => EventType::InvoiceVoided,
            _ => EventType::InvoiceUpdated,
        }
    }

    /// Void is final: it is never emailed again.
    pub const fn can_be_sent(self) -> bool {
        !matches!(self, InvoiceStatus::Void)
    }

    /// A payment may be recorded against it.
    pub const fn can_be_paid(self) -> bool {
        !matches!(self, InvoiceStatus::Void)
    }

    /// Nothing more will be collected: a reminder queued before is dropped.
    pub const fn is_closed(self) -> bool {
        matches!(self, InvoiceStatus::Paid | InvoiceStatus::Void)
    }

    /// Gone to the customer and not yet closed: a reminder makes sense.
    pub const fn needs_reminder(self) -> bool {
        !matches!(self, InvoiceStatus::Draft) && !self.is_closed()
    }

    /// Issued (it left draft: sent by email or by status, viewed, partial, paid,
    /// overdue, void): its number, customer, currency, issue date, lines, taxes and
    /// discount are fixed; a credit note corrects it (`billing::documents::locked`).
    pub const fn content_locked(self) -> bool {
        !matches!(self, InvoiceStatus::Draft)
    }

    /// Past its due date with a balance, it becomes overdue (`billing::overdue`).
    pub const fn can_become_overdue(self) -> bool {
        matches!(
            self,
            InvoiceStatus::Sent | InvoiceStatus::Viewed | InvoiceStatus::Partial
        )
    }
}

impl QuoteStatus {
    /// Statuses a client may move a quote to from this one.
    pub const fn allowed_transitions(self) -> &'static [QuoteStatus] {
        use QuoteStatus::*;
        match self {
            Draft => &[Sent],
            Sent => &[Viewed, Accepted, Rejected],
            Viewed => &[Accepted, Rejected],
            Accepted | Rejected | Expired | Invoiced => &[],
        }
    }

    pub fn can_become(self, to: QuoteStatus) -> bool {
        self.allowed_transitions().contains(&to)
    }

    /// The event of a client's move to this status.
    pub const fn transition_event(self) -> Option<EventType> {
        match self {
            QuoteStatus::Sent => Some(EventType::QuoteSent),
            QuoteStatus::Viewed => Some(EventType::QuoteViewed),
            QuoteStatus::Accepted => Some(EventType::QuoteAccepted),
            QuoteStatus::Rejected => Some(EventType::QuoteRejected),
            _ => None,
        }
    }

    /// Still open to the customer: expired, rejected and invoiced ones are not sent.
    pub const fn can_be_sent(self) -> bool {
        matches!(
            self,
            QuoteStatus::Draft | QuoteStatus::Sent | QuoteStatus::Viewed | QuoteStatus::Accepted
        )
    }

    /// Accepted or invoiced: its number, customer, currency, dates, lines, taxes and
    /// discount are fixed (what the customer agreed to).
    pub const fn content_locked(self) -> bool {
        matches!(self, QuoteStatus::Accepted | QuoteStatus::Invoiced)
    }

    /// It may become an invoice.
    pub const fn can_be_converted(self) -> bool {
        !matches!(self, QuoteStatus::Rejected | QuoteStatus::Invoiced)
    }

    /// Past its expiry date it becomes expired (drafts never expire).
    pub const fn expires(self) -> bool {
        matches!(self, QuoteStatus::Sent | QuoteStatus::Viewed)
    }

    /// Only a draft may be deleted: a quote that went out stays.
    pub const fn can_be_deleted(self) -> bool {
        matches!(self, QuoteStatus::Draft)
    }
}

impl SubscriptionStatus {
    /// What a client may ask for (pause, resume); completed follows from the schedule.
    pub const REQUESTABLE: [SubscriptionStatus; 2] =
        [SubscriptionStatus::Active, SubscriptionStatus::Paused];
    pub const REQUESTABLE_NAMES: [&'static str; 2] = [
        SubscriptionStatus::REQUESTABLE[0].as_str(),
        SubscriptionStatus::REQUESTABLE[1].as_str(),
    ];

    /// The status after a client asks for `asked`: any schedule can be paused, only a
    /// paused one resumed (the schedule then decides whether it is completed).
    pub const fn requested(self, asked: SubscriptionStatus) -> SubscriptionStatus {
        match (self, asked) {
            (_, SubscriptionStatus::Paused) => SubscriptionStatus::Paused,
            (SubscriptionStatus::Paused, SubscriptionStatus::Active) => SubscriptionStatus::Active,
            (current, _) => current,
        }
    }

    /// Asking for `asked` resumes a paused schedule (which then skips the missed runs).
    pub const fn resumes(self, asked: SubscriptionStatus) -> bool {
        matches!(
            (self, asked),
            (SubscriptionStatus::Paused, SubscriptionStatus::Active)
        )
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Postgres, Type};

    use super::*;
    use crate::billing::{invoices, quotes};

    /// The values of the first `status IN (…)` CHECK in a migration.
    fn check_values(sql: &str) -> Vec<String> {
        let start = sql.find("status IN (").expect("a status CHECK") + "status IN (".len();
        let end = start + sql[start..].find(')').unwrap();
        sql[start..end]
            .split(',')
            .map(|v| v.trim().trim_matches('\'').to_string())
            .collect()
    }

    macro_rules! assert_names {
        ($ty:ident, $migration:literal) => {
            for (i, status) in $ty::ALL.into_iter().enumerate() {
                assert_eq!($ty::NAMES[i], status.as_str());
                assert_eq!($ty::parse(status.as_str()), Some(status));
                assert_eq!(status.to_string(), status.as_str());
                assert_eq!(
                    serde_json::to_string(&status).unwrap(),
                    format!("\"{}\"", status.as_str())
                );
            }
            assert_eq!($ty::parse(""), None);
            assert_eq!($ty::parse(&$ty::ALL[0].as_str().to_uppercase()), None);
            let sql = include_str!(concat!("../../migrations/", $migration));
            assert_eq!(check_values(sql), $ty::NAMES, "{}", $migration);
            // Rows hold them: they decode from TEXT columns (and expressions).
            assert!(<$ty as Type<Postgres>>::compatible(&<String as Type<
                Postgres,
            >>::type_info()));
            assert!(!<$ty as Type<Postgres>>::compatible(&<i32 as Type<
                Postgres,
            >>::type_info()));
        };
    }

    #[test]
    fn names_round_trip_and_match_the_database() {
        assert_names!(InvoiceStatus, "20251101000007_invoices.sql");
        assert_names!(QuoteStatus, "20251101000008_quotes.sql");
        assert_names!(ReminderStatus, "20251101000017_invoice_reminders.sql");
        assert_names!(
            SubscriptionStatus,
            "20251101000018_invoice_subscriptions.sql"
        );
        assert_eq!(invoices::STATUSES, InvoiceStatus::NAMES);
        assert_eq!(quotes::STATUSES, QuoteStatus::NAMES);
        assert_eq!(
            ReminderStatus::parse("skipped"),
            Some(ReminderStatus::Skipped)
        );
    }

    #[test]
    fn invoice_transitions_every_pair() {
        let allowed = [
            ("draft", "sent"),
            ("draft", "void"),
            ("sent", "viewed"),
            ("sent", "void"),
            ("viewed", "void"),
            ("overdue", "void"),
        ];
        for from in InvoiceStatus::ALL {
            for to in InvoiceStatus::ALL {
                let expected = allowed.contains(&(from.as_str(), to.as_str()));
                assert_eq!(from.can_become(to), expected, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn quote_transitions_every_pair() {
        let allowed = [
            ("draft", "sent"),
            ("sent", "viewed"),
            ("sent", "accepted"),
            ("sent", "rejected"),
            ("viewed", "accepted"),
            ("viewed", "rejected"),
        ];
        for from in QuoteStatus::ALL {
            for to in QuoteStatus::ALL {
                let expected = allowed.contains(&(from.as_str(), to.as_str()));
                assert_eq!(from.can_become(to), expected, "{from} -> {to}");
            }
        }
    }

    /// `predicate` holds for exactly the statuses named.
    fn holds_for<S: Copy + fmt::Display>(all: &[S], predicate: impl Fn(S) -> bool, names: &[&str]) {
        for &status in all {
            let name = status.to_string();
            assert_eq!(predicate(status), names.contains(&name.as_str()), "{name}");
        }
    }

    #[test]
    fn invoice_predicates() {
        use InvoiceStatus as S;
        let all = &S::ALL;
        let open = ["draft", "sent", "viewed", "partial", "paid", "overdue"];
        holds_for(all, S::can_be_sent, &open);
        holds_for(all, S::can_be_paid, &open);
        holds_for(all, S::is_closed, &["paid", "void"]);
        let issued = ["sent", "viewed", "partial", "paid", "overdue", "void"];
        holds_for(all, S::content_locked, &issued);
        holds_for(
            all,
            S::needs_reminder,
            &["sent", "viewed", "partial", "overdue"],
        );
        holds_for(all, S::can_become_overdue, &["sent", "viewed", "partial"]);
        for status in S::ALL {
            let event = match status {
                S::Sent => EventType::InvoiceSent,
                S::Viewed => EventType::InvoiceViewed,
                S::Void => EventType::InvoiceVoided,
                _ => EventType::InvoiceUpdated,
            };
            assert_eq!(status.transition_event(), event, "{status}");
        }
    }

    #[test]
    fn quote_predicates() {
        use QuoteStatus as S;
        let all = &S::ALL;
        holds_for(
            all,
            S::can_be_sent,
            &["draft", "sent", "viewed", "accepted"],
        );
        holds_for(all, S::content_locked, &["accepted", "invoiced"]);
        let convertible = ["draft", "sent", "viewed", "accepted", "expired"];
        holds_for(all, S::can_be_converted, &convertible);
        holds_for(all, S::expires, &["sent", "viewed"]);
        holds_for(all, S::can_be_deleted, &["draft"]);
        for status in S::ALL {
            let event = match status {
                S::Sent => Some(EventType::QuoteSent),
                S::Viewed => Some(EventType::QuoteViewed),
                S::Accepted => Some(EventType::QuoteAccepted),
                S::Rejected => Some(EventType::QuoteRejected),
                _ => None,
            };
            assert_eq!(status.transition_event(), event, "{status}");
        }
    }

    #[test]
    fn subscription_requests_every_pair() {
        use SubscriptionStatus::*;
        assert_eq!(SubscriptionStatus::REQUESTABLE_NAMES, ["active", "paused"]);
        // (current, asked) → the status after, and whether it resumes.
        let table = [
            (Active, Active, Active, false),
            (Active, Paused, Paused, false),
            (Paused, Active, Active, true),
            (Paused, Paused, Paused, false),
            (Completed, Active, Completed, false),
            (Completed, Paused, Paused, false),
        ];
        for (current, asked, after, resumes) in table {
            assert_eq!(current.requested(asked), after, "{current} asked {asked}");
            assert_eq!(current.resumes(asked), resumes, "{current} asked {asked}");
        }
        assert_eq!(
            table.len(),
            SubscriptionStatus::ALL.len() * SubscriptionStatus::REQUESTABLE.len()
        );
    }
}
