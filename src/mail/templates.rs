//! The text and HTML bodies of document emails (invoices, reminders, quotes): small
//! hand-written templates. Everything interpolated into HTML goes through `escape`.

use std::fmt::Write;

/// A body of the sender's own HTML (a send form's rendered `content`) as a whole
/// document.
pub fn wrap_html(body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family: sans-serif; color: #222;\">\n{body}\n</body></html>\n"
    )
}

/// What an email about a document says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invoice,
    Reminder,
    Quote,
    CreditNote,
}

/// One line of the document, already formatted.
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub description: Option<String>,
    pub quantity: String,
    pub unit_price: String,
    pub total: String,
}

/// A document as an email shows it: every amount already formatted in its currency
/// (`money::format_amount`), dates in the business's time zone.
#[derive(Debug, Clone)]
pub struct DocumentMail {
    pub purpose: Purpose,
    pub business: String,
    pub customer: String,
    pub number: String,
    pub lines: Vec<Line>,
    pub subtotal: String,
    /// Absent when there is no discount.
    pub discount: Option<String>,
    /// Tax name with its rate, and the amount.
    pub taxes: Vec<(String, String)>,
    pub total: String,
    /// Invoices: what is left to pay.
    pub balance: Option<String>,
    /// `Due 2025-10-12` or `Valid until 2025-11-12`.
    pub date_label: &'static str,
    pub date: String,
    pub notes: Option<String>,
    /// The sender's own words, above the document.
    pub message: Option<String>,
    /// The customer's page (`/p/…`), when the document has a live link.
    pub page_url: Option<String>,
}

impl DocumentMail {
    fn noun(&self) -> &'static str {
        match self.purpose {
            Purpose::Invoice | Purpose::Reminder => "Invoice",
            Purpose::Quote => "Quote",
            Purpose::CreditNote => "Credit note",
        }
    }

    pub fn default_subject(&self) -> String {
        match self.purpose {
            Purpose::Reminder => format!(
                "Reminder: invoice {} from {} ({} due {})",
                self.number,
                self.business,
                self.balance.as_deref().unwrap_or(&self.total),
                self.date
            ),
            _ => format!("{} {} from {}", self.noun(), self.number, self.business),
        }
    }

    /// The default subjects of Koteshen's send forms.
    pub fn koteshen_subject(&self) -> String {
        match self.purpose {
            Purpose::Reminder => format!("Payment Reminder for Invoice #{}", self.number),
            _ => format!("{} #{} from {}", self.noun(), self.number, self.business),
        }
    }

    /// The words of the link to the customer's page.
    fn page_label(&self) -> &'static str {
        match self.purpose {
            Purpose::Invoice | Purpose::Reminder => "View and download the invoice",
            Purpose::Quote => "View, accept or decline the quote",
            Purpose::CreditNote => "View and download the credit note",
        }
    }

    fn opening(&self) -> String {
        match self.purpose {
            Purpose::Invoice => format!(
                "{} has sent you invoice {} for {}.",
                self.business, self.number, self.total
            ),
            Purpose::Reminder => format!(
                "This is a friendly reminder that invoice {} from {} has {} outstanding, due {}.",
                self.number,
                self.business,
                self.balance.as_deref().unwrap_or(&self.total),
                self.date
            ),
            Purpose::Quote => format!(
                "{} has sent you quote {} for {}.",
                self.business, self.number, self.total
            ),
            Purpose::CreditNote => format!(
                "{} has issued you credit note {} for {}.",
                self.business, self.number, self.total
            ),
        }
    }

    fn totals(&self) -> Vec<(String, String)> {
        let mut rows = vec![("Subtotal".to_string(), self.subtotal.clone())];
        if let Some(discount) = &self.discount {
            rows.push(("Discount".into(), format!("-{discount}")));
        }
        rows.extend(self.taxes.iter().cloned());
        rows.push(("Total".into(), self.total.clone()));
        if let Some(balance) = &self.balance {
            rows.push(("Balance due".into(), balance.clone()));
        }
        rows
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Hello {},\n", self.customer);
        if let Some(message) = &self.message {
            let _ = writeln!(out, "{message}\n");
        }
        let _ = writeln!(out, "{}\n", self.opening());
        if let Some(url) = &self.page_url {
            let _ = writeln!(out, "{}: {url}\n", self.page_label());
        }
        let _ = writeln!(out, "{} {}", self.noun(), self.number);
        let _ = writeln!(out, "{}: {}\n", self.date_label, self.date);
        for line in &self.lines {
            let _ = writeln!(
                out,
                "- {}: {} x {} = {}",
                line.name, line.quantity, line.unit_price, line.total
            );
            if let Some(description) = &line.description {
                let _ = writeln!(out, "  {description}");
            }
        }
        out.push('\n');
        for (label, amount) in self.totals() {
            let _ = writeln!(out, "{label}: {amount}");
        }
        if let Some(notes) = &self.notes {
            let _ = writeln!(out, "\nNotes:\n{notes}");
        }
        let _ = writeln!(out, "\n{}", self.business);
        out
    }

    pub fn html(&self) -> String {
        let e = escape;
        let mut out = String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family: sans-serif; color: #222;\">\n",
        );
        let _ = writeln!(out, "<p>Hello {},</p>", e(&self.customer));
        if let Some(message) = &self.message {
            let _ = writeln!(out, "<p>{}</p>", paragraphs(message));
        }
        let _ = writeln!(out, "<p>{}</p>", e(&self.opening()));
        if let Some(url) = &self.page_url {
            let _ = writeln!(
                out,
                "<p><a href=\"{}\" style=\"display: inline-block; padding: 10px 18px; \
                 background: #1f5eff; color: #ffffff; text-decoration: none; \
                 border-radius: 6px; font-weight: bold;\">{}</a></p>",
                e(url),
                e(self.page_label())
            );
        }
        let _ = writeln!(
            out,
            "<h2>{} {}</h2>\n<p>{}: {}</p>",
            self.noun(),
            e(&self.number),
            self.date_label,
            e(&self.date)
        );
        out.push_str(
            "<table cellpadding=\"6\" style=\"border-collapse: collapse;\">\n<tr>\
             <th align=\"left\">Item</th><th align=\"right\">Quantity</th>\
             <th align=\"right\">Price</th><th align=\"right\">Amount</th></tr>\n",
        );
        for line in &self.lines {
            let description = line
                .description
                .as_deref()
                .map(|d| format!("<br><small>{}</small>", e(d)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr><td>{}{description}</td><td align=\"right\">{}</td>\
                 <td align=\"right\">{}</td><td align=\"right\">{}</td></tr>",
                e(&line.name),
                e(&line.quantity),
                e(&line.unit_price),
                e(&line.total)
            );
        }
        for (label, amount) in self.totals() {
            let _ = writeln!(
                out,
                "<tr><td colspan=\"3\" align=\"right\"><strong>{}</strong></td>\
                 <td align=\"right\"><strong>{}</strong></td></tr>",
                e(&label),
                e(&amount)
            );
        }
        out.push_str("</table>\n");
        if let Some(notes) = &self.notes {
            let _ = writeln!(out, "<h3>Notes</h3>\n<p>{}</p>", paragraphs(notes));
        }
        let _ = writeln!(out, "<p>{}</p>\n</body></html>", e(&self.business));
        out
    }
}

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with its line breaks kept.
fn paragraphs(text: &str) -> String {
    escape(text).replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(purpose: Purpose) -> DocumentMail {
        DocumentMail {
            purpose,
            business: "Flixtechs <Ltd>".into(),
            customer: "Texas Ins".into(),
            number: "INV-0001".into(),
            lines: vec![Line {
                name: "Items <b>Consulting</b>".into(),
                description: None,
                quantity: "1".into(),
                unit_price: "USD 400.00".into(),
                total: "USD 400.00".into(),
            }],
            subtotal: "USD 400.00".into(),
            discount: Some("USD 20.00".into()),
            taxes: vec![("VAT (15.0%)".into(), "USD 57.00".into())],
            total: "USD 437.00".into(),
            balance: Some("USD 437.00".into()),
            date_label: "Due",
            date: "2025-10-12".into(),
            notes: Some("Thanks & see you".into()),
            message: Some("Hi <there>".into()),
            page_url: Some("https://billing.example.com/p/abc?x=1&y=2".into()),
        }
    }

    #[test]
    fn the_html_body_escapes_everything_it_interpolates() {
        let html = mail(Purpose::Invoice).html();
        assert!(html.contains("Items &lt;b&gt;Consulting&lt;/b&gt;"));
        assert!(html.contains("Flixtechs &lt;Ltd&gt;"));
        assert!(html.contains("Hi &lt;there&gt;"));
        assert!(html.contains("Thanks &amp; see you"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("href=\"https://billing.example.com/p/abc?x=1&amp;y=2\""));
    }

    #[test]
    fn the_text_body_has_the_lines_totals_due_date_and_notes() {
        let text = mail(Purpose::Invoice).text();
        for expected in [
            "Invoice INV-0001",
            "Due: 2025-10-12",
            "Items <b>Consulting</b>: 1 x USD 400.00 = USD 400.00",
            "Discount: -USD 20.00",
            "VAT (15.0%): USD 57.00",
            "Total: USD 437.00",
            "Thanks & see you",
            "View and download the invoice: https://billing.example.com/p/abc?x=1&y=2",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }

    #[test]
    fn subjects_name_the_document_and_the_business() {
        assert_eq!(
            mail(Purpose::Invoice).default_subject(),
            "Invoice INV-0001 from Flixtechs <Ltd>"
        );
        assert!(
            mail(Purpose::Reminder)
                .default_subject()
                .starts_with("Reminder: invoice INV-0001")
        );
    }
}
