//! Outgoing email over SMTP (lettre, rustls on ring). Only jobs send email
//! (`jobs::email`); a request never waits on an SMTP server.

pub mod button;
pub mod content;
pub mod templates;

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, ConfigError, MAIL_FROM_PROBLEM, SMTP_URL_PROBLEM, redact_url};

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
    /// Files sent with it (the document's PDF).
    pub attachments: Vec<Attachment>,
}

/// A file attached to an email.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
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

/// The SMTP transport and the `From` address, built once at startup from the
/// configuration and handed to the email job (`jobs::registry`); clones share the settings.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `SMTP_URL` and `MAIL_FROM` as the configuration read them. Config checks both
    /// when it loads; what lettre still refuses here is reported the same way.
    pub fn from_config(config: &Config) -> Result<Self, ConfigError> {
        Self::new(&config.smtp_url, &config.mail_from)
    }

    pub fn new(smtp_url: &str, mail_from: &str) -> Result<Self, ConfigError> {
        let transport = transport(smtp_url, SMTP_TIMEOUT).map_err(|_| ConfigError {
            var: "SMTP_URL",
            value: redact_url(smtp_url),
            problem: SMTP_URL_PROBLEM,
        })?;
        let from = mail_from.parse().map_err(|_| ConfigError {
            var: "MAIL_FROM",
            value: mail_from.to_string(),
            problem: MAIL_FROM_PROBLEM,
        })?;
        Ok(Mailer { transport, from })
    }

    /// Sends an email through the SMTP server; `Ok` once the server accepted it.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = message(&self.from, email)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(err) if err.is_permanent() => Err(MailError::Permanent(err.to_string())),
            Err(err) => Err(MailError::Transient(err.to_string())),
        }
    }
}

/// The transport for an SMTP URL.
fn transport(url: &str, timeout: Duration) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
        return Err("not an smtp:// or smtps:// URL".into());
    }
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|err| err.to_string())?
        .timeout(Some(timeout))
        .build())
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|err| MailError::Permanent(format!("{address:?}: {err}")))
}

/// Builds the MIME message: text and HTML alternatives, and the attachments beside them
/// (`multipart/mixed`) when there are any.
pub fn message(from: &Mailbox, email: &Email) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(email.subject.clone());
    for to in &email.to {
        builder = builder.to(mailbox(to)?);
    }
    for cc in &email.cc {
        builder = builder.cc(mailbox(cc)?);
    }
    let body = MultiPart::alternative_plain_html(email.text.clone(), email.html.clone());
    let body = if email.attachments.is_empty() {
        body
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for file in &email.attachments {
            let content_type = ContentType::parse(file.content_type)
                .map_err(|err| MailError::Permanent(err.to_string()))?;
            mixed = mixed.singlepart(
                MimeAttachment::new(file.file_name.clone()).body(file.bytes.clone(), content_type),
            );
        }
        mixed
    };
    builder
        .multipart(body)
        .map_err(|err| MailError::Permanent(err.to_string()))
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
            attachments: Vec::new(),
        };
        let from: Mailbox = "Billing <billing@example.com>".parse().unwrap();
        let raw = message(&from, &email).unwrap().formatted();
        let raw = String::from_utf8(raw).unwrap();
        assert!(raw.contains("Subject: Invoice INV-0001"));
        assert!(raw.contains("Cc: b@example.com"));
        assert!(raw.contains("text/html"));
        let nobody = Email {
            to: vec!["nobody".into()],
            ..email
        };
        assert!(matches!(
            message(&from, &nobody),
            Err(MailError::Permanent(_))
        ));
    }

    #[test]
    fn an_attachment_goes_beside_the_alternatives() {
        let email = Email {
            to: vec!["a@example.com".into()],
            cc: vec![],
            subject: "Invoice INV-0001".into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
            attachments: vec![Attachment {
                file_name: "INV-0001.pdf".into(),
                content_type: "application/pdf",
                bytes: b"%PDF-1.7".to_vec(),
            }],
        };
        let from: Mailbox = "billing@example.com".parse().unwrap();
        let raw = String::from_utf8(message(&from, &email).unwrap().formatted()).unwrap();
        assert!(raw.contains("multipart/mixed"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("Content-Type: application/pdf"));
        assert!(raw.contains("filename=\"INV-0001.pdf\""));
    }

    #[test]
    fn a_mailer_names_the_setting_lettre_refuses() {
        assert!(Mailer::new("smtp://localhost:1025", "Billing <billing@example.com>").is_ok());
        let err = Mailer::new("smtp://", "billing@example.com").err().unwrap();
        assert_eq!(err.var, "SMTP_URL");
        let err = Mailer::new("smtp://localhost:1025", "nobody")
            .err()
            .unwrap();
        assert_eq!(err.var, "MAIL_FROM");
    }
}
