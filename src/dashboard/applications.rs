//! The business's OAuth applications: list, register (the `client_id` and, once, the
//! secret, with the authorize URL to use), edit, rotate the secret, delete. Registering
//! goes through `tokens::create_application`, as the CLI's does; the rest is
//! `auth::applications`, every query scoped to the signed-in business (another
//! business's application is a 404 page).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::pages::{ApplicationForm, ApplicationSecret, ApplicationsPage, Message, Nav};
use super::session::TokenForm;
use super::{PageResult, SignedIn, Stop, db, page, see_other};
use crate::auth::applications::{self, Application, Changes};
use crate::auth::{redirect_uris, tokens};
use crate::state::AppState;

const SECTION: &str = "/dashboard/applications";
/// Applications a business may list (and so register) here.
const MAX_APPLICATIONS: i64 = 100;
const NAME_MAX: usize = 100;
const REDIRECT_URIS_MAX: usize = 10;
const REDIRECT_URI_MAX: usize = 2000;

#[derive(Deserialize, Default)]
pub struct ApplicationFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    redirect_uris: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    scope_read: Option<String>,
    #[serde(default)]
    scope_write: Option<String>,
}

/// The fields checked: what to store, or every problem in words.
struct Checked {
    name: String,
    redirect_uris: Vec<String>,
    scopes: String,
    confidential: bool,
}

fn check(fields: &ApplicationFields) -> Result<Checked, Vec<String>> {
    let mut errors = Vec::new();
    let name = fields.name.trim().to_string();
    if name.is_empty() {
        errors.push("Name: enter a name people will recognise on the consent page.".into());
    } else if name.chars().count() > NAME_MAX {
        errors.push(format!("Name: at most {NAME_MAX} characters."));
    }
    let uris: Vec<String> = fields
        .redirect_uris
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if uris.is_empty() {
        errors.push("Redirect URIs: at least one, where the code is sent back.".into());
    } else if uris.len() > REDIRECT_URIS_MAX {
        errors.push(format!("Redirect URIs: at most {REDIRECT_URIS_MAX}."));
    }
    for uri in uris.iter().take(REDIRECT_URIS_MAX) {
        if uri.len() > REDIRECT_URI_MAX {
            errors.push(format!(
                "Redirect URIs: at most {REDIRECT_URI_MAX} characters each."
            ));
        } else if let Err(problem) = redirect_uris::check(uri) {
            errors.push(format!("Redirect URIs: {problem}."));
        }
    }
    let mut scopes = Vec::new();
    if fields.scope_read.is_some() {
        scopes.push("read");
    }
    if fields.scope_write.is_some() {
        scopes.push("write");
    }
    if scopes.is_empty() {
        errors.push("Scopes: choose read, write or both.".into());
    }
    let confidential = match fields.kind.as_deref() {
        None | Some("confidential") => true,
        Some("public") => false,
        Some(_) => {
            errors.push("Type: confidential or public.".into());
            true
        }
    };
    if errors.is_empty() {
        Ok(Checked {
            name,
            redirect_uris: uris,
            scopes: scopes.join(" "),
            confidential,
        })
    } else {
        Err(errors)
    }
}

fn form_page(
    signed_in: &SignedIn,
    existing: Option<&Application>,
    fields: &ApplicationFields,
    errors: Vec<String>,
) -> ApplicationForm {
    let session = &signed_in.0;
    let (heading, action, submit) = match existing {
        Some(app) => (
            format!("Edit {}", app.name),
            format!("{SECTION}/{}", app.id),
            "Save changes",
        ),
        None => (
            "Register an application".to_string(),
            SECTION.to_string(),
            "Register",
        ),
    };
    ApplicationForm {
        nav: Some(Nav::new(session, SECTION)),
        notice: None,
        heading,
        action,
        submit: submit.into(),
        csrf: session.csrf_token.clone(),
        id: existing.map(|a| a.id),
        name: fields.name.clone(),
        redirect_uris: fields.redirect_uris.clone(),
        show_kind: existing.is_none(),
        confidential: existing.map_or(fields.kind.as_deref() != Some("public"), |a| a.confidential),
        read: fields.scope_read.is_some(),
        write: fields.scope_write.is_some(),
        errors,
    }
}

fn not_found() -> Stop {
    let mut message = Message::new("Not found", "This business has no such application.");
    message.link_href = SECTION.into();
    message.link_label = "All applications".into();
    page(StatusCode::NOT_FOUND, &message).into()
}

/// `{id}` as this business's application, or the 404 page (a malformed id too).
async fn owned(state: &AppState, signed_in: &SignedIn, id: &str) -> Result<Application, Stop> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found());
    };
    applications::find(&state.pool, signed_in.0.business_id, id)
        .await
        .map_err(db)?
        .ok_or_else(not_found)
}

fn credentials(
    state: &AppState,
    signed_in: &SignedIn,
    app: &Application,
    secret: Option<String>,
) -> Response {
    let base = state.config.public_url.trim_end_matches('/');
    let mut authorize = url::form_urlencoded::Serializer::new(String::new());
    authorize
        .append_pair("response_type", "code")
        .append_pair("client_id", &app.client_id)
        .append_pair(
            "redirect_uri",
            app.redirect_uris.first().map_or("", String::as_str),
        )
        .append_pair("scope", &app.scopes)
        .append_pair("state", "STATE");
    page(
        StatusCode::OK,
        &ApplicationSecret {
            nav: Some(Nav::new(&signed_in.0, SECTION)),
            notice: None,
            id: app.id,
            name: app.name.clone(),
            client_id: app.client_id.clone(),
            client_secret: secret,
            confidential: app.confidential,
            authorize_url: format!("{base}/oauth/authorize?{}", authorize.finish()),
            token_url: format!("{base}/oauth/token"),
        },
    )
}

/// `GET /dashboard/applications`.
pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> PageResult {
    let applications = applications::list(&state.pool, signed_in.0.business_id, MAX_APPLICATIONS)
        .await
        .map_err(db)?;
    Ok(page(
        StatusCode::OK,
        &ApplicationsPage {
            nav: Some(Nav::new(&signed_in.0, SECTION)),
            notice: None,
            applications,
        },
    ))
}

/// `GET /dashboard/applications/new`.
pub async fn new(signed_in: SignedIn) -> PageResult {
    let fields = ApplicationFields {
        scope_read: Some("1".into()),
        ..ApplicationFields::default()
    };
    Ok(page(
        StatusCode::OK,
        &form_page(&signed_in, None, &fields, vec![]),
    ))
}

/// `POST /dashboard/applications`: registers it and shows its credentials once.
pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(fields): Form<ApplicationFields>,
) -> PageResult {
    signed_in.check_form(&headers, &fields.csrf)?;
    let business_id = signed_in.0.business_id;
    let mut checked = check(&fields);
    let count = applications::count(&state.pool, business_id)
        .await
        .map_err(db)?;
    if count >= MAX_APPLICATIONS {
        let limit = format!(
            "This business has {MAX_APPLICATIONS} applications, the most it may have: delete one first."
        );
        match &mut checked {
            Err(errors) => errors.push(limit),
            Ok(_) => checked = Err(vec![limit]),
        }
    }
    let checked = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            let form = form_page(&signed_in, None, &fields, errors);
            return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &form));
        }
    };
    let created = tokens::create_application(
        &state.pool,
        tokens::NewApplication {
            name: checked.name,
            redirect_uris: checked.redirect_uris,
            scopes: checked.scopes,
            confidential: checked.confidential,
            // Its client-credentials tokens act for whoever registered it.
            owner_id: Some(signed_in.0.user_id),
            business_id: Some(business_id),
        },
        state.clock.now(),
    )
    .await
    .map_err(db)?;
    let app = applications::find(&state.pool, business_id, created.id)
        .await
        .map_err(db)?
        .ok_or_else(not_found)?;
    Ok(credentials(&state, &signed_in, &app, created.client_secret))
}

/// `GET /dashboard/applications/{id}`: the edit form.
pub async fn edit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let app = owned(&state, &signed_in, &id).await?;
    let fields = ApplicationFields {
        name: app.name.clone(),
        redirect_uris: app.redirect_uris.join("\n"),
        scope_read: app.scopes.contains("read").then(|| "1".into()),
        scope_write: app.scopes.contains("write").then(|| "1".into()),
        ..ApplicationFields::default()
    };
    Ok(page(
        StatusCode::OK,
        &form_page(&signed_in, Some(&app), &fields, vec![]),
    ))
}

/// `POST /dashboard/applications/{id}`: saves the name, redirect URIs and scopes.
pub async fn update(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<ApplicationFields>,
) -> PageResult {
    signed_in.check_form(&headers, &fields.csrf)?;
    let app = owned(&state, &signed_in, &id).await?;
    // The type is fixed once registered: the edit form has no `kind`.
    let checked = match check(&fields) {
        Ok(checked) => checked,
        Err(errors) => {
            let form = form_page(&signed_in, Some(&app), &fields, errors);
            return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &form));
        }
    };
    let changes = Changes {
        name: checked.name,
        redirect_uris: checked.redirect_uris,
        scopes: checked.scopes,
    };
    let now = state.clock.now();
    if !applications::update(&state.pool, signed_in.0.business_id, app.id, &changes, now)
        .await
        .map_err(db)?
    {
        return Err(not_found());
    }
    Ok(see_other(SECTION))
}

/// `POST /dashboard/applications/{id}/rotate_secret`: a new secret, shown once.
pub async fn rotate_secret(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> PageResult {
    signed_in.check_form(&headers, &form.csrf)?;
    let app = owned(&state, &signed_in, &id).await?;
    let now = state.clock.now();
    let secret = applications::rotate_secret(&state.pool, signed_in.0.business_id, app.id, now)
        .await
        .map_err(db)?
        .ok_or_else(not_found)?;
    Ok(credentials(&state, &signed_in, &app, Some(secret)))
}

/// `POST /dashboard/applications/{id}/delete`: with its codes and tokens.
pub async fn delete(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> PageResult {
    signed_in.check_form(&headers, &form.csrf)?;
    let app = owned(&state, &signed_in, &id).await?;
    let Some(tokens) = applications::delete(&state.pool, signed_in.0.business_id, app.id)
        .await
        .map_err(db)?
    else {
        return Err(not_found());
    };
    // The notification reaches this process's cache later; the next request must not.
    state.token_cache.evict(&tokens);
    Ok(see_other(SECTION))
}
