//! Invoice and quote PDFs: `/{id}.pdf`, `/{id}/pdf` and `Accept: application/pdf`, read
//! back with poppler-utils as a viewer would (`harness::pdf`).

mod content;
pub(crate) mod email;
mod http;
mod inclusive;
mod marks;
mod profile;
mod scripts;
