//! What Koteshen's own documentation pages tell a client to send and to expect
//! (`koteshen-pages.md`), sent as the pages show it.

mod bodies;
mod client_credentials;
mod fields;
mod send_forms;
mod webhooks;
