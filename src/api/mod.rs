//! One module per resource: request and response shapes, and thin handlers.

pub mod health;
