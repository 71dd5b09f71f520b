//! Users, and a new business with its owner (the business rows are
//! `billing::businesses`').

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::auth::secrets;
use crate::billing::businesses;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub business_id: i64,
    pub email: String,
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("a user with email {0} already exists")]
    EmailTaken(String),
    #[error("{0}")]
    Invalid(&'static str),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Creates a business, its owner and its default payment terms in one transaction.
pub async fn create_business_with_owner(
    pool: &PgPool,
    business_name: &str,
    email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<User, CreateUserError> {
    let email = email.trim();
    if business_name.trim().is_empty() {
        return Err(CreateUserError::Invalid("the business name can't be blank"));
    }
    if !email.contains('@') || email.len() > 254 {
        return Err(CreateUserError::Invalid("the email address is invalid"));
    }
    check_password(password)?;
    let password_hash = secrets::hash_password(password.to_string()).await?;

    let mut tx = pool.begin().await.map_err(anyhow::Error::from)?;
    let business_id = businesses::insert(&mut tx, business_name, now)
        .await
        .map_err(anyhow::Error::from)?;

    let user = sqlx::query_as::<_, User>(
        "INSERT INTO users (business_id, email, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)
         RETURNING id, business_id, email, name, created_at, updated_at",
    )
    .bind(business_id)
    .bind(email)
    .bind(&password_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|err| match &err {
        sqlx::Error::Database(db) if db.constraint() == Some("users_email_key") => {
            CreateUserError::EmailTaken(email.to_string())
        }
        _ => CreateUserError::Other(err.into()),
    })?;

    businesses::set_owner(&mut tx, business_id, user.id)
        .await
        .map_err(anyhow::Error::from)?;
    crate::billing::payment_terms::seed_defaults(&mut tx, business_id, now)
        .await
        .map_err(anyhow::Error::from)?;
    tx.commit().await.map_err(anyhow::Error::from)?;
    Ok(user)
}

/// A password is at least 8 characters (and at most 1024, a bound on the hashing).
fn check_password(password: &str) -> Result<(), CreateUserError> {
    let length = password.chars().count();
    if length < 8 {
        return Err(CreateUserError::Invalid(
            "the password must be at least 8 characters",
        ));
    }
    if length > 1024 {
        return Err(CreateUserError::Invalid(
            "the password must be at most 1024 characters",
        ));
    }
    Ok(())
}

/// Sets the user's password and, in the same transaction, ends every dashboard session
/// of theirs (a stolen session does not outlive the change). OAuth tokens stay: they are
/// revoked per application (`grants`).
pub async fn change_password(
    pool: &PgPool,
    user_id: i64,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), CreateUserError> {
    check_password(password)?;
    let password_hash = secrets::hash_password(password.to_string()).await?;
    let mut tx = pool.begin().await.map_err(anyhow::Error::from)?;
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(user_id)
        .bind(&password_hash)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(anyhow::Error::from)?;
    crate::auth::sessions::end_all(&mut *tx, user_id, now)
        .await
        .map_err(anyhow::Error::from)?;
    tx.commit().await.map_err(anyhow::Error::from)?;
    Ok(())
}

pub async fn find_user_by_email(pool: &PgPool, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as::<_, User>(
        "SELECT id, business_id, email, name, created_at, updated_at
         FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email.trim())
    .fetch_optional(pool)
    .await
}

/// The user whose email and password these are, or `None`. An unknown email costs the
/// same argon2 verification as a known one, so timing doesn't tell which emails exist;
/// both go through `gate`.
pub async fn verify_credentials(
    pool: &PgPool,
    gate: &secrets::Argon2Gate,
    email: &str,
    password: &str,
) -> anyhow::Result<Option<User>> {
    static DUMMY_HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE lower(email) = lower($1)")
            .bind(email.trim())
            .fetch_optional(pool)
            .await?;
    let (user_id, phc) = match row {
        Some((id, phc)) => (Some(id), phc),
        None => {
            let dummy = DUMMY_HASH
                .get_or_try_init(|| gate.hash_password(secrets::random_token()))
                .await?;
            (None, dummy.clone())
        }
    };
    let verified = gate.verify_password(password.to_string(), phc).await;
    match (user_id, verified) {
        (Some(id), true) => Ok(find_user(pool, id).await?),
        _ => Ok(None),
    }
}

pub async fn find_user(pool: &PgPool, id: i64) -> sqlx::Result<Option<User>> {
    sqlx::query_as::<_, User>(
        "SELECT id, business_id, email, name, created_at, updated_at FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}
