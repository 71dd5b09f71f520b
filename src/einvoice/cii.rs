//! The model as a UN/CEFACT Cross Industry Invoice D16B (`CrossIndustryInvoice`, the
//! XML inside Factur-X and ZUGFeRD), elements in the schema's order.

use std::io;

use chrono::NaiveDate;

use super::figures::{Category, amount, decimal};
use super::model::{Model, Party, Payment, SPECIFICATION};
use super::xml::Xml;

const NS: [(&str, &str); 4] = [
    (
        "xmlns:rsm",
        "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    ),
    (
        "xmlns:ram",
        "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    ),
    (
        "xmlns:qdt",
        "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    ),
    (
        "xmlns:udt",
        "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    ),
];

fn date(x: &mut Xml, name: &str, d: NaiveDate) -> io::Result<()> {
    x.wrap(name, |x| {
        let text = d.format("%Y%m%d").to_string();
        x.text("udt:DateTimeString", &[("format", "102")], &text)
    })
}

pub fn write(m: &Model) -> io::Result<Vec<u8>> {
    let mut x = Xml::new()?;
    let f = &m.figures;
    let currency = f.currency.code();
    let money = |cents: i64| amount(cents, f.currency);
    x.open("rsm:CrossIndustryInvoice", &NS)?;
    x.wrap("rsm:ExchangedDocumentContext", |x| {
        x.wrap("ram:GuidelineSpecifiedDocumentContextParameter", |x| {
            x.text("ram:ID", &[], SPECIFICATION) // BT-24
        })
    })?;
    x.wrap("rsm:ExchangedDocument", |x| {
        x.text("ram:ID", &[], &m.number)?; // BT-1
        x.text("ram:TypeCode", &[], m.kind.type_code())?; // BT-3: 380 or 381
        date(x, "ram:IssueDateTime", m.issue_date)?; // BT-2
        if let Some(note) = &m.note {
            x.wrap("ram:IncludedNote", |x| x.text("ram:Content", &[], note))?; // BT-22
        }
        Ok(())
    })?;
    x.wrap("rsm:SupplyChainTradeTransaction", |x| {
        for (i, line) in f.lines.iter().enumerate() {
            x.wrap("ram:IncludedSupplyChainTradeLineItem", |x| {
                x.wrap("ram:AssociatedDocumentLineDocument", |x| {
                    x.text("ram:LineID", &[], &(i + 1).to_string()) // BT-126
                })?;
                x.wrap("ram:SpecifiedTradeProduct", |x| {
                    x.text("ram:Name", &[], &line.name)?; // BT-153
                    x.opt("ram:Description", line.description.as_deref()) // BT-154
                })?;
                x.wrap("ram:SpecifiedLineTradeAgreement", |x| {
                    x.wrap("ram:NetPriceProductTradePrice", |x| {
                        x.text("ram:ChargeAmount", &[], &decimal(line.net_price)) // BT-146
                    })
                })?;
                x.wrap("ram:SpecifiedLineTradeDelivery", |x| {
                    let unit = [("unitCode", line.unit_code.as_str())];
                    x.text("ram:BilledQuantity", &unit, &decimal(line.quantity)) // BT-129/130
                })?;
                x.wrap("ram:SpecifiedLineTradeSettlement", |x| {
                    line_tax(x, &f.groups[line.group].category)?; // BT-151/152
                    x.wrap("ram:SpecifiedTradeSettlementLineMonetarySummation", |x| {
                        x.text("ram:LineTotalAmount", &[], &money(line.net_cents)) // BT-131
                    })
                })
            })?;
        }
        x.wrap("ram:ApplicableHeaderTradeAgreement", |x| {
            x.opt("ram:BuyerReference", m.buyer_reference.as_deref())?; // BT-10
            x.wrap("ram:SellerTradeParty", |x| party(x, &m.seller, true))?;
            x.wrap("ram:BuyerTradeParty", |x| party(x, &m.buyer, false))?;
            if let Some(order) = &m.purchase_order {
                x.wrap("ram:BuyerOrderReferencedDocument", |x| {
                    x.text("ram:IssuerAssignedID", &[], order) // BT-13
                })?;
            }
            Ok(())
        })?;
        x.wrap("ram:ApplicableHeaderTradeDelivery", |x| {
            if let Some((day, country)) = &m.delivery {
                x.wrap("ram:ShipToTradeParty", |x| {
                    x.wrap("ram:PostalTradeAddress", |x| {
                        x.text("ram:CountryID", &[], country) // BT-80
                    })
                })?;
                x.wrap("ram:ActualDeliverySupplyChainEvent", |x| {
                    date(x, "ram:OccurrenceDateTime", *day) // BT-72
                })?;
            }
            Ok(())
        })?;
        x.wrap("ram:ApplicableHeaderTradeSettlement", |x| {
            let p = &m.payment;
            if p.means_code.is_some() {
                x.text("ram:PaymentReference", &[], &p.remittance)?; // BT-83
            }
            x.text("ram:InvoiceCurrencyCode", &[], currency)?; // BT-5
            if let Some(means) = p.means_code {
                payment_means(x, means, &m.payment)?;
            }
            for g in &f.groups {
                x.wrap("ram:ApplicableTradeTax", |x| {
                    let c = &g.category;
                    x.text("ram:CalculatedAmount", &[], &money(g.tax_cents))?; // BT-117
                    x.text("ram:TypeCode", &[], "VAT")?;
                    x.opt("ram:ExemptionReason", c.reason.as_deref())?; // BT-120
                    x.text("ram:BasisAmount", &[], &money(g.taxable_cents))?; // BT-116
                    x.text("ram:CategoryCode", &[], &c.code)?; // BT-118
                    x.opt("ram:ExemptionReasonCode", c.reason_code.as_deref())?; // BT-121
                    if c.code != "O" {
                        x.text("ram:RateApplicablePercent", &[], &decimal(c.rate))?; // BT-119
                    }
                    Ok(())
                })?;
            }
            for g in f.groups.iter().filter(|g| g.allowance_cents != 0) {
                x.wrap("ram:SpecifiedTradeAllowanceCharge", |x| {
                    x.wrap("ram:ChargeIndicator", |x| {
                        x.text("udt:Indicator", &[], "false")
                    })?;
                    x.text("ram:ActualAmount", &[], &money(g.allowance_cents))?; // BT-92
                    x.text("ram:ReasonCode", &[], "95")?; // BT-98
                    x.text("ram:Reason", &[], "Discount")?; // BT-97
                    x.wrap("ram:CategoryTradeTax", |x| line_tax_inner(x, &g.category))
                })?;
            }
            if p.terms.is_some() || m.due_date.is_some() {
                x.wrap("ram:SpecifiedTradePaymentTerms", |x| {
                    x.opt("ram:Description", p.terms.as_deref())?; // BT-20
                    match m.due_date {
                        Some(due) => date(x, "ram:DueDateDateTime", due), // BT-9
                        None => Ok(()),
                    }
                })?;
            }
            x.wrap("ram:SpecifiedTradeSettlementHeaderMonetarySummation", |x| {
                x.text("ram:LineTotalAmount", &[], &money(f.line_total_cents))?; // BT-106
                if f.allowance_cents != 0 {
                    x.text("ram:AllowanceTotalAmount", &[], &money(f.allowance_cents))?; // BT-107
                }
                x.text("ram:TaxBasisTotalAmount", &[], &money(f.net_cents))?; // BT-109
                let cur = [("currencyID", currency)];
                x.text("ram:TaxTotalAmount", &cur, &money(f.tax_cents))?; // BT-110
                x.text("ram:GrandTotalAmount", &[], &money(f.total_cents))?; // BT-112
                x.text("ram:TotalPrepaidAmount", &[], &money(f.paid_cents))?; // BT-113
                x.text("ram:DuePayableAmount", &[], &money(f.due_cents)) // BT-115
            })?;
            if let Some((number, day)) = &m.preceding {
                x.wrap("ram:InvoiceReferencedDocument", |x| {
                    x.text("ram:IssuerAssignedID", &[], number)?; // BT-25
                    x.wrap("ram:FormattedIssueDateTime", |x| {
                        let text = day.format("%Y%m%d").to_string();
                        x.text("qdt:DateTimeString", &[("format", "102")], &text) // BT-26
                    })
                })?;
            }
            Ok(())
        })
    })?;
    x.close("rsm:CrossIndustryInvoice")?;
    Ok(x.finish())
}

/// BG-16 and BG-17.
fn payment_means(x: &mut Xml, means: &str, p: &Payment) -> io::Result<()> {
    x.wrap("ram:SpecifiedTradeSettlementPaymentMeans", |x| {
        x.text("ram:TypeCode", &[], means)?; // BT-81
        if let Some(iban) = &p.iban {
            x.wrap("ram:PayeePartyCreditorFinancialAccount", |x| {
                x.text("ram:IBANID", &[], iban)?; // BT-84
                x.opt("ram:AccountName", p.account_name.as_deref()) // BT-85
            })?;
            if let Some(bic) = &p.bic {
                x.wrap("ram:PayeeSpecifiedCreditorFinancialInstitution", |x| {
                    x.text("ram:BICID", &[], bic) // BT-86
                })?;
            }
        }
        Ok(())
    })
}

fn line_tax(x: &mut Xml, c: &Category) -> io::Result<()> {
    x.wrap("ram:ApplicableTradeTax", |x| line_tax_inner(x, c))
}

fn line_tax_inner(x: &mut Xml, c: &Category) -> io::Result<()> {
    x.text("ram:TypeCode", &[], "VAT")?;
    x.text("ram:CategoryCode", &[], &c.code)?;
    if c.code != "O" {
        x.text("ram:RateApplicablePercent", &[], &decimal(c.rate))?;
    }
    Ok(())
}

/// BG-4 / BG-7.
fn party(x: &mut Xml, p: &Party, seller: bool) -> io::Result<()> {
    x.text("ram:Name", &[], &p.name)?; // BT-27 / BT-44
    if p.legal_id.is_some() || p.trading_name.is_some() {
        x.wrap("ram:SpecifiedLegalOrganization", |x| {
            x.opt("ram:ID", p.legal_id.as_deref())?; // BT-30 / BT-47
            x.opt("ram:TradingBusinessName", p.trading_name.as_deref()) // BT-28
        })?;
    }
    let a = &p.address;
    x.wrap("ram:PostalTradeAddress", |x| {
        x.opt("ram:PostcodeCode", a.post_code.as_deref())?;
        x.opt("ram:LineOne", a.line.as_deref())?;
        x.opt("ram:LineTwo", a.line2.as_deref())?;
        x.opt("ram:CityName", a.city.as_deref())?;
        x.text("ram:CountryID", &[], &a.country_code)?; // BT-40 / BT-55
        x.opt("ram:CountrySubDivisionName", a.state.as_deref())
    })?;
    if let Some(email) = &p.email {
        x.wrap("ram:URIUniversalCommunication", |x| {
            x.text("ram:URIID", &[("schemeID", "EM")], email) // BT-34 / BT-49
        })?;
    }
    if let Some(vat) = &p.vat_id {
        x.wrap("ram:SpecifiedTaxRegistration", |x| {
            x.text("ram:ID", &[("schemeID", "VA")], vat) // BT-31 / BT-48
        })?;
    }
    if seller && let Some(tax) = &p.tax_registration_id {
        x.wrap("ram:SpecifiedTaxRegistration", |x| {
            x.text("ram:ID", &[("schemeID", "FC")], tax) // BT-32
        })?;
    }
    Ok(())
}
