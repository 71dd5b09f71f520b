//! One module per resource: request and response shapes, and thin handlers.

pub mod business;
pub mod health;
pub mod me;
