//! `/api/v1/business/logo`: the logo uploaded (the raw image as the body, or a
//! multipart form's `logo` part) and removed. It is served publicly by `api::logos`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::api::business::ProfileEnvelope;
use crate::api::docs::ErrorResponse;
use crate::api::response::{data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::businesses::{logos, profile};
use crate::billing::events::Outcome;
use crate::billing::profile::image;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::profile::ProfileView;

#[utoipa::path(
    put, path = "/business/logo", tag = "Account",
    summary = "Upload the logo (PNG, JPEG or SVG, up to 1,000,000 bytes)",
    description = "The body is the image, its `Content-Type` `image/png`, `image/jpeg` or \
        `image/svg+xml` (the bytes must be that type); or `multipart/form-data` with the \
        image in a part named `logo`. An SVG with scripts, event handlers, \
        `<foreignObject>` or references outside itself (other than inline PNG/JPEG \
        `data:` images) is refused. The logo is then served publicly at the profile's \
        `logo` URL, which changes with the image.",
    request_body(content(
        ("image/png"), ("image/jpeg"), ("image/svg+xml"), ("multipart/form-data"),
    )),
    responses(
        (status = 200, description = "The profile with its new logo", body = ProfileEnvelope),
        (status = 413, description = "The body is over the request size limit", body = ErrorResponse),
        (status = 422, description = "Not an accepted image (`errors.logo` says why)", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (declared, bytes) = upload_part(declared, &body)?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    store(&mut tx, auth.business_id, &declared, bytes, now).await?;
    let profile = profile::profile(&mut *tx, auth.business_id).await?;
    let view = ProfileView::new(profile, &state.config.public_url);
    write::commit(&state, tx, Outcome::default(), now).await?;
    Ok(data(view))
}

#[utoipa::path(
    delete, path = "/business/logo", tag = "Account",
    summary = "Remove the logo (its URL then answers 404)",
    responses((status = 204, description = "Removed (or there was none)")),
    security(("oauth2" = ["write"]))
)]
pub async fn remove(State(state): State<AppState>, auth: Auth) -> ApiResult<Response> {
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    logos::remove(&mut tx, auth.business_id).await?;
    write::commit(&state, tx, Outcome::default(), now).await?;
    Ok(no_content())
}

/// Checks an uploaded image (`declared` is its type as sent) and makes it the logo: the
/// API's upload and the dashboard's.
pub(crate) async fn store(
    tx: &mut PgConnection,
    business_id: i64,
    declared: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let content_type = image::check(declared, bytes)
        .map_err(|message| ApiError::invalid_field("logo", message))?;
    logos::store(tx, business_id, content_type, bytes, now).await?;
    Ok(())
}

/// The declared type (lower-case, parameters dropped) and the image's bytes: the body
/// itself, or a multipart body's `logo` part.
fn upload_part<'b>(content_type: &str, body: &'b [u8]) -> ApiResult<(String, &'b [u8])> {
    let essence = media_type(content_type);
    if essence != "multipart/form-data" {
        return Ok((essence, body));
    }
    let boundary = boundary(content_type)
        .ok_or_else(|| ApiError::invalid_field("logo", "the multipart body has no boundary"))?;
    multipart_part(body, boundary, "logo")
        .ok_or_else(|| ApiError::invalid_field("logo", "the multipart body has no `logo` part"))
}

/// A multipart `Content-Type`'s `boundary` parameter, unquoted; `None` when there is none.
pub(crate) fn boundary(content_type: &str) -> Option<&str> {
    content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .find(|b| !b.is_empty())
}

fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The part named `name` of a multipart/form-data body (RFC 7578): its Content-Type and
/// its bytes. Parts are found by their delimiter line, `--boundary`.
pub(crate) fn multipart_part<'b>(
    body: &'b [u8],
    boundary: &str,
    name: &str,
) -> Option<(String, &'b [u8])> {
    let delimiter = format!("\r\n--{boundary}");
    // The first delimiter may open the body without the CRLF before it.
    let mut rest = body.strip_prefix(&delimiter.as_bytes()[2..])?;
    loop {
        let part_start = find(rest, b"\r\n")? + 2;
        let part = &rest[part_start..];
        let end = find(part, delimiter.as_bytes())?;
        let (head, content) = part[..end].split_at(find(&part[..end], b"\r\n\r\n")?);
        let content = &content[4..];
        let head = String::from_utf8_lossy(head).to_ascii_lowercase();
        let named = head.lines().any(|line| {
            line.starts_with("content-disposition:")
                && (line.contains(&format!("name=\"{name}\""))
                    || line.contains(&format!("name={name};")))
        });
        if named {
            let content_type = head
                .lines()
                .find_map(|line| line.strip_prefix("content-type:"))
                .map(media_type)
                .unwrap_or_default();
            return Some((content_type, content));
        }
        rest = &part[end + delimiter.len()..];
        if rest.starts_with(b"--") {
            return None;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The spec's side: the upload's bodies are bytes (utoipa leaves a bare content type
/// without a schema), the multipart one a `logo` file part.
pub(crate) fn document(spec: &mut serde_json::Value) {
    let binary = serde_json::json!({"type": "string", "format": "binary"});
    let Some(content) =
        spec.pointer_mut("/paths/~1api~1v1~1business~1logo/put/requestBody/content")
    else {
        return;
    };
    for image in ["image/png", "image/jpeg", "image/svg+xml"] {
        content[image] = serde_json::json!({"schema": binary});
    }
    content["multipart/form-data"] = serde_json::json!({"schema": {
        "type": "object", "required": ["logo"], "properties": {"logo": binary}
    }});
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logo_part_of_a_multipart_body_is_found() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"l.png\"\r\n\
            Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nrest\r\n--XyZ--\r\n";
        let (ct, bytes) = multipart_part(body, "XyZ", "logo").unwrap();
        assert_eq!(ct, "image/png");
        assert_eq!(bytes, b"\x89PNG\r\n\x1a\nrest");
        assert!(multipart_part(body, "XyZ", "missing").is_none());
        assert_eq!(media_type("Image/SVG+XML; charset=utf-8"), "image/svg+xml");
    }
}
