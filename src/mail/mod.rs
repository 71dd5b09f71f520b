//! Outgoing email over SMTP (lettre, rustls on ring). Only jobs send email
//! (`jobs::email`); a request never waits on an SMTP server.

pub mod button;
pub mod content;
pub mod templates;

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// An email ready to go.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why an email was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Worth trying again later (the server is down, busy, or answered 4xx).
    #[error("the SMTP server did not take the message: {0}")]
    Transient(String),
    /// Will never work as it is (a bad address, a 5xx refusal).
    #[error("the message cannot be sent: {0}")]
    Permanent(String),
}

/// The transport for an SMTP URL (checked by the configuration at startup).
pub fn transport(
    url: &str,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
        return Err("not an smtp:// or smtps:// URL".into());
    }
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|err| err.to_string())?
        .timeout(Some(timeout))
        .build())
}

/// One transport per SMTP URL for the whole process (clones share it).
fn shared_transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    static TRANSPORTS: LazyLock<Mutex<HashMap<String, AsyncSmtpTransport<Tokio1Executor>>>> =
        LazyLock::new(Default::default);
    let mut transports = TRANSPORTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(transport) = transports.get(url) {
        return Ok(transport.clone());
    }
    let built = transport(url, SMTP_TIMEOUT)?;
    transports.insert(url.to_string(), built.clone());
    Ok(built)
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|err| MailError::Permanent(format!("{address:?}: {err}")))
}

/// Builds the MIME message: text and HTML alternatives.
pub fn message(from: &str, email: &Email) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .from(mailbox(from)?)
        .subject(email.subject.clone());
    for to in &email.to {
        builder = builder.to(mailbox(to)?);
    }
    for cc in &email.cc {
        builder = builder.cc(mailbox(cc)?);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))
        .map_err(|err| MailError::Permanent(err.to_string()))
}

/// Sends an email through the configured SMTP server; `Ok` once the server accepted it.
pub async fn send(config: &Config, email: &Email) -> Result<(), MailError> {
    let message = message(&config.mail_from, email)?;
    let transport = shared_transport(&config.smtp_url).map_err(MailError::Permanent)?;
    match transport.send(message).await {
        Ok(_) => Ok(()),
        Err(err) if err.is_permanent() => Err(MailError::Permanent(err.to_string())),
        Err(err) => Err(MailError::Transient(err.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_smtp_urls_make_a_transport() {
        assert!(transport("smtp://localhost:1025", SMTP_TIMEOUT).is_ok());
        assert!(transport("smtps://user:pw@smtp.example.com", SMTP_TIMEOUT).is_ok());
        assert!(transport("smtp://mail.example.com?tls=required", SMTP_TIMEOUT).is_ok());
        assert!(transport("http://localhost", SMTP_TIMEOUT).is_err());
        assert!(transport("smtp://", SMTP_TIMEOUT).is_err());
    }

    #[test]
    fn a_message_has_both_alternatives_and_every_recipient() {
        let email = Email {
            to: vec!["a@example.com".into()],
            cc: vec!["b@example.com".into()],
            subject: "Invoice INV-0001".into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
        };
        let raw = message("Billing <billing@example.com>", &email)
            .unwrap()
            .formatted();
        let raw = String::from_utf8(raw).unwrap();
        assert!(raw.contains("Subject: Invoice INV-0001"));
        assert!(raw.contains("Cc: b@example.com"));
        assert!(raw.contains("text/html"));
        assert!(matches!(
            message("nobody", &email),
            Err(MailError::Permanent(_))
        ));
    }
}
