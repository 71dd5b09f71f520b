//! The OAuth 2.0 authorization server over HTTP: the authorization page, the token
//! endpoint, and the endpoints around them.

mod authorize_page;
mod browser;
mod endpoints;
pub mod flow;
mod refresh_expiry;
mod rejections;

pub use crate::harness::oauth::*;
