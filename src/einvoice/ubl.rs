//! The model as an OASIS UBL 2.1 `Invoice` or `CreditNote` (the syntax Peppol carries),
//! elements in the schema's order, business terms named beside them.

use std::io;

use super::figures::{Category, amount, decimal};
use super::model::{Model, Party, Payment, SPECIFICATION};
use super::source::Kind;
use super::xml::Xml;

/// The root element, its namespace, the type code's and a line's and its quantity's
/// element names.
struct Names {
    root: &'static str,
    ns: &'static str,
    type_code: &'static str,
    line: &'static str,
    quantity: &'static str,
}

const INVOICE: Names = Names {
    root: "Invoice",
    ns: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    type_code: "cbc:InvoiceTypeCode",
    line: "cac:InvoiceLine",
    quantity: "cbc:InvoicedQuantity",
};

const CREDIT_NOTE: Names = Names {
    root: "CreditNote",
    ns: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    type_code: "cbc:CreditNoteTypeCode",
    line: "cac:CreditNoteLine",
    quantity: "cbc:CreditedQuantity",
};

const NS: [(&str, &str); 2] = [
    (
        "xmlns:cac",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    ),
    (
        "xmlns:cbc",
        "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    ),
];

pub fn write(m: &Model) -> io::Result<Vec<u8>> {
    let mut x = Xml::new()?;
    let f = &m.figures;
    let currency = f.currency.code();
    let cur = [("currencyID", currency)];
    let money = |cents: i64| amount(cents, f.currency);
    let n = match m.kind {
        Kind::Invoice => INVOICE,
        Kind::CreditNote => CREDIT_NOTE,
    };
    let mut ns = vec![("xmlns", n.ns)];
    ns.extend(NS);
    x.open(n.root, &ns)?;
    x.text("cbc:CustomizationID", &[], SPECIFICATION)?; // BT-24
    x.text("cbc:ID", &[], &m.number)?; // BT-1
    x.text("cbc:IssueDate", &[], &m.issue_date.to_string())?; // BT-2
    if let Some(due) = m.due_date {
        x.text("cbc:DueDate", &[], &due.to_string())?; // BT-9
    }
    x.text(n.type_code, &[], m.kind.type_code())?; // BT-3: 380 invoice, 381 credit note
    x.opt("cbc:Note", m.note.as_deref())?; // BT-22
    x.text("cbc:DocumentCurrencyCode", &[], currency)?; // BT-5
    x.opt("cbc:BuyerReference", m.buyer_reference.as_deref())?; // BT-10
    if let Some(order) = &m.purchase_order {
        x.wrap("cac:OrderReference", |x| x.text("cbc:ID", &[], order))?; // BT-13
    }
    if let Some((number, date)) = &m.preceding {
        x.wrap("cac:BillingReference", |x| {
            x.wrap("cac:InvoiceDocumentReference", |x| {
                x.text("cbc:ID", &[], number)?; // BT-25
                x.text("cbc:IssueDate", &[], &date.to_string()) // BT-26
            })
        })?;
    }
    x.wrap("cac:AccountingSupplierParty", |x| party(x, &m.seller, true))?;
    x.wrap("cac:AccountingCustomerParty", |x| party(x, &m.buyer, false))?;
    if let Some((date, country)) = &m.delivery {
        x.wrap("cac:Delivery", |x| {
            x.text("cbc:ActualDeliveryDate", &[], &date.to_string())?; // BT-72
            x.wrap("cac:DeliveryLocation", |x| {
                x.wrap("cac:Address", |x| {
                    x.wrap("cac:Country", |x| {
                        x.text("cbc:IdentificationCode", &[], country)
                    })
                })
            })
        })?;
    }
    let p = &m.payment;
    if let Some(means) = p.means_code {
        payment_means(&mut x, means, p)?;
    }
    if let Some(terms) = &p.terms {
        x.wrap("cac:PaymentTerms", |x| x.text("cbc:Note", &[], terms))?; // BT-20
    }
    for g in f.groups.iter().filter(|g| g.allowance_cents != 0) {
        x.wrap("cac:AllowanceCharge", |x| {
            x.text("cbc:ChargeIndicator", &[], "false")?;
            x.text("cbc:AllowanceChargeReasonCode", &[], "95")?; // BT-98: discount
            x.text("cbc:AllowanceChargeReason", &[], "Discount")?; // BT-97
            x.text("cbc:Amount", &cur, &money(g.allowance_cents))?; // BT-92
            tax_category(x, "cac:TaxCategory", &g.category, false) // BT-95, BT-96
        })?;
    }
    x.wrap("cac:TaxTotal", |x| {
        x.text("cbc:TaxAmount", &cur, &money(f.tax_cents))?; // BT-110
        for g in &f.groups {
            x.wrap("cac:TaxSubtotal", |x| {
                x.text("cbc:TaxableAmount", &cur, &money(g.taxable_cents))?; // BT-116
                x.text("cbc:TaxAmount", &cur, &money(g.tax_cents))?; // BT-117
                tax_category(x, "cac:TaxCategory", &g.category, true)
            })?;
        }
        Ok(())
    })?;
    x.wrap("cac:LegalMonetaryTotal", |x| {
        x.text("cbc:LineExtensionAmount", &cur, &money(f.line_total_cents))?; // BT-106
        x.text("cbc:TaxExclusiveAmount", &cur, &money(f.net_cents))?; // BT-109
        x.text("cbc:TaxInclusiveAmount", &cur, &money(f.total_cents))?; // BT-112
        if f.allowance_cents != 0 {
            x.text("cbc:AllowanceTotalAmount", &cur, &money(f.allowance_cents))?; // BT-107
        }
        x.text("cbc:PrepaidAmount", &cur, &money(f.paid_cents))?; // BT-113
        x.text("cbc:PayableAmount", &cur, &money(f.due_cents)) // BT-115
    })?;
    for (i, line) in f.lines.iter().enumerate() {
        x.wrap(n.line, |x| {
            x.text("cbc:ID", &[], &(i + 1).to_string())?; // BT-126
            let unit = [("unitCode", line.unit_code.as_str())];
            x.text(n.quantity, &unit, &decimal(line.quantity))?; // BT-129/130
            x.text("cbc:LineExtensionAmount", &cur, &money(line.net_cents))?; // BT-131
            x.wrap("cac:Item", |x| {
                x.opt("cbc:Description", line.description.as_deref())?; // BT-154
                x.text("cbc:Name", &[], &line.name)?; // BT-153
                let category = &f.groups[line.group].category;
                tax_category(x, "cac:ClassifiedTaxCategory", category, false) // BT-151/152
            })?;
            x.wrap("cac:Price", |x| {
                x.text("cbc:PriceAmount", &cur, &decimal(line.net_price)) // BT-146
            })
        })?;
    }
    x.close(n.root)?;
    Ok(x.finish())
}

/// BG-16 and BG-17.
fn payment_means(x: &mut Xml, means: &str, p: &Payment) -> io::Result<()> {
    x.wrap("cac:PaymentMeans", |x| {
        x.text("cbc:PaymentMeansCode", &[], means)?; // BT-81
        x.text("cbc:PaymentID", &[], &p.remittance)?; // BT-83
        if let Some(iban) = &p.iban {
            x.wrap("cac:PayeeFinancialAccount", |x| {
                x.text("cbc:ID", &[], iban)?; // BT-84
                x.opt("cbc:Name", p.account_name.as_deref())?; // BT-85
                if let Some(bic) = &p.bic {
                    x.wrap("cac:FinancialInstitutionBranch", |x| {
                        x.text("cbc:ID", &[], bic)
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// A VAT category: code, rate (none outside the scope of VAT, BR-O-05) and, in the
/// breakdown, the exemption reason (BT-120, BT-121).
fn tax_category(x: &mut Xml, name: &str, c: &Category, with_reason: bool) -> io::Result<()> {
    x.wrap(name, |x| {
        x.text("cbc:ID", &[], &c.code)?;
        if c.code != "O" {
            x.text("cbc:Percent", &[], &decimal(c.rate))?;
        }
        if with_reason {
            x.opt("cbc:TaxExemptionReasonCode", c.reason_code.as_deref())?;
            x.opt("cbc:TaxExemptionReason", c.reason.as_deref())?;
        }
        x.wrap("cac:TaxScheme", |x| x.text("cbc:ID", &[], "VAT"))
    })
}

/// BG-4 / BG-7.
fn party(x: &mut Xml, p: &Party, seller: bool) -> io::Result<()> {
    x.wrap("cac:Party", |x| {
        if let Some(email) = &p.email {
            x.text("cbc:EndpointID", &[("schemeID", "EM")], email)?; // BT-34 / BT-49
        }
        if let Some(trading) = &p.trading_name {
            x.wrap("cac:PartyName", |x| x.text("cbc:Name", &[], trading))?; // BT-28
        }
        let a = &p.address;
        x.wrap("cac:PostalAddress", |x| {
            x.opt("cbc:StreetName", a.line.as_deref())?;
            x.opt("cbc:AdditionalStreetName", a.line2.as_deref())?;
            x.opt("cbc:CityName", a.city.as_deref())?;
            x.opt("cbc:PostalZone", a.post_code.as_deref())?;
            x.opt("cbc:CountrySubentity", a.state.as_deref())?;
            x.wrap("cac:Country", |x| {
                x.text("cbc:IdentificationCode", &[], &a.country_code) // BT-40 / BT-55
            })
        })?;
        if let Some(vat) = &p.vat_id {
            x.wrap("cac:PartyTaxScheme", |x| {
                x.text("cbc:CompanyID", &[], vat)?; // BT-31 / BT-48
                x.wrap("cac:TaxScheme", |x| x.text("cbc:ID", &[], "VAT"))
            })?;
        }
        if seller && let Some(tax) = &p.tax_registration_id {
            x.wrap("cac:PartyTaxScheme", |x| {
                x.text("cbc:CompanyID", &[], tax)?; // BT-32
                x.wrap("cac:TaxScheme", |x| x.text("cbc:ID", &[], "TAX"))
            })?;
        }
        x.wrap("cac:PartyLegalEntity", |x| {
            x.text("cbc:RegistrationName", &[], &p.name)?; // BT-27 / BT-44
            x.opt("cbc:CompanyID", p.legal_id.as_deref()) // BT-30 / BT-47
        })?;
        if p.phone.is_some() || p.email.is_some() {
            x.wrap("cac:Contact", |x| {
                x.opt("cbc:Telephone", p.phone.as_deref())?;
                x.opt("cbc:ElectronicMail", p.email.as_deref())
            })?;
        }
        Ok(())
    })
}
