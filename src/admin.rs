//! `koteshen admin …`: what a self-hoster needs before any UI exists. Each command
//! returns the JSON it prints; secrets appear in it once and are stored only hashed.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::auth::{accounts, redirect_uris, scopes, tokens};
use crate::clock::Clock;
use crate::oauth::clients;
use crate::oauth::registrar::negotiate_scope;

pub async fn create_user(
    pool: &PgPool,
    clock: &Clock,
    email: &str,
    password: &str,
    business_name: &str,
) -> anyhow::Result<Value> {
    let user =
        accounts::create_business_with_owner(pool, business_name, email, password, clock.now())
            .await?;
    Ok(json!({
        "user": { "id": user.id, "email": user.email },
        "business": { "id": user.business_id, "name": business_name.trim() },
    }))
}

pub async fn create_client(
    pool: &PgPool,
    clock: &Clock,
    name: &str,
    redirect_uris: &[String],
    scope: &str,
    public: bool,
    owner_email: Option<&str>,
) -> anyhow::Result<Value> {
    if name.trim().is_empty() {
        bail!("the client name can't be blank");
    }
    let owner = match owner_email {
        Some(email) => Some(
            accounts::find_user_by_email(pool, email)
                .await?
                .with_context(|| format!("no user has the email {email:?}"))?,
        ),
        None => None,
    };
    if owner.is_some() && public {
        bail!("a public client can't use client credentials; leave out --owner-email or --public");
    }
    // An application used only for client credentials redirects nowhere.
    if redirect_uris.is_empty() && owner.is_none() {
        bail!("at least one --redirect-uri is needed (or --owner-email, for client credentials)");
    }
    for uri in redirect_uris {
        redirect_uris::check(uri)?;
    }
    let scopes = scopes::normalize(scope)
        .with_context(|| format!("unknown scopes {scope:?}; known: read, write"))?;
    let created = tokens::create_application(
        pool,
        tokens::NewApplication {
            name: name.trim().to_string(),
            redirect_uris: redirect_uris.to_vec(),
            scopes,
            confidential: !public,
            owner_id: owner.as_ref().map(|u| u.id),
            business_id: owner.as_ref().map(|u| u.business_id),
        },
        clock.now(),
    )
    .await?;
    Ok(json!({
        "owner": owner.map(|u| json!({"id": u.id, "email": u.email, "business_id": u.business_id})),
        "client_id": created.client_id,
        "client_secret": created.client_secret,
        "name": created.name,
        "redirect_uris": created.redirect_uris,
        "scopes": created.scopes,
        "confidential": created.confidential,
    }))
}

pub async fn issue_token(
    pool: &PgPool,
    clock: &Clock,
    email: &str,
    client_id: &str,
    scope: &str,
) -> anyhow::Result<Value> {
    let user = accounts::find_user_by_email(pool, email)
        .await?
        .with_context(|| format!("no user has the email {email:?}"))?;
    let client = clients::find_by_uid(pool, client_id)
        .await?
        .with_context(|| format!("no client has the id {client_id:?}"))?;
    let scopes = negotiate_scope(&client.scopes, Some(scope)).with_context(|| {
        format!(
            "scopes {scope:?} are unknown or not allowed to this client ({})",
            client.scopes
        )
    })?;
    let mut conn = pool.acquire().await?;
    let issued = tokens::issue(
        &mut conn,
        tokens::TokenRequest {
            application_id: client.id,
            user_id: user.id,
            scopes,
            family_id: None,
            previous_token_id: None,
        },
        clock.now(),
    )
    .await?;
    Ok(serde_json::to_value(issued)?)
}
