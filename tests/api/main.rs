//! Integration tests: each test starts the real server on an ephemeral port against a
//! fresh PostgreSQL database, and talks HTTP to it. Folders mirror `src/api/`.

mod helpers;

mod admin;
mod bearer;
mod errors;
mod health;
mod middleware;
mod oauth;
mod ratelimit;
mod shutdown;
