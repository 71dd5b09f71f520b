//! The formats a business profile (and a customer) is checked against: pure functions,
//! each answering the value as stored (normalised) or the message a 422 shows.
//! Country codes, IBANs, tax ids, BICs, locales, colours, numbering prefixes, and what a
//! logo upload may be (its type from its bytes, an SVG without scripts).

pub mod countries;
pub mod formats;
pub mod iban;
pub mod image;
pub mod svg;
pub mod tax_id;
