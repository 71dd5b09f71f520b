//! Who is calling: accounts, OAuth applications and tokens, dashboard sessions, and the
//! bearer check that guards `/api/v1`.

pub mod accounts;
pub mod applications;
pub mod bearer;
pub mod cache;
pub mod grants;
pub mod redirect_uris;
pub mod scopes;
pub mod secrets;
pub mod sessions;
pub mod tokens;

pub use bearer::Auth;
