//! Whether an invoice or a credit note can be an EN 16931 e-invoice, as its JSON shows it
//! (`einvoice_ready`): `true`, or what `einvoice::readiness` finds missing.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};

use crate::billing::documents::read::FullRow;
use crate::einvoice::Source;

/// `true`, or what the invoice lacks to be an e-invoice.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum EinvoiceReady {
    Ready(bool),
    Missing(BTreeMap<String, Vec<String>>),
}

pub(crate) fn einvoice_ready_schema() -> impl Into<RefOr<Schema>> {
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .enum_values(Some([true])),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .additional_properties(Some(
                    ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)),
                )),
        )
}

impl EinvoiceReady {
    pub(crate) fn of<D: Source>(row: &FullRow<D>) -> EinvoiceReady {
        match crate::einvoice::readiness::check(row) {
            Ok(_) => EinvoiceReady::Ready(true),
            Err(errors) => EinvoiceReady::Missing(
                errors
                    .entries()
                    .map(|(field, messages)| (field.clone(), messages.clone()))
                    .collect(),
            ),
        }
    }
}
