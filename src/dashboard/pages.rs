//! The dashboard's pages as askama templates (`templates/dashboard/`): every value is
//! escaped when rendered. What a page shows is decided by its handler; these only hold it.

use askama::Template;

use crate::auth::applications::Application;
use crate::auth::grants::Authorized;
use crate::auth::sessions::Session;
use crate::webhooks::deliveries::Attempt;

/// The links of the signed-in pages' header.
const SECTIONS: &[(&str, &str)] = &[
    ("Overview", "/dashboard"),
    ("Applications", "/dashboard/applications"),
    ("Authorized applications", "/dashboard/authorized"),
    ("Webhooks", "/dashboard/webhooks"),
    ("Settings", "/dashboard/settings"),
    ("Account", "/dashboard/account"),
];

pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

/// The header of a signed-in page: the sections, who is signed in, the sign-out form.
pub struct Nav {
    pub items: Vec<NavItem>,
    pub email: String,
    pub csrf: String,
}

impl Nav {
    pub fn new(session: &Session, current: &str) -> Nav {
        Nav {
            items: SECTIONS
                .iter()
                .map(|(label, href)| NavItem {
                    label,
                    href,
                    current: *href == current,
                })
                .collect(),
            email: session.email.clone(),
            csrf: session.csrf_token.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard/sign_in.html")]
pub struct SignInPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub csrf: String,
    pub email: String,
    pub error: Option<String>,
    pub signup_open: bool,
}

#[derive(Template)]
#[template(path = "dashboard/sign_up.html")]
pub struct SignUpPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub csrf: String,
    pub business_name: String,
    pub email: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/account.html")]
pub struct AccountPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub csrf: String,
    pub email: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/message.html")]
pub struct Message {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub heading: String,
    pub text: String,
    pub link_href: String,
    pub link_label: String,
}

impl Message {
    /// A message with a link back to the dashboard.
    pub fn new(heading: &str, text: &str) -> Message {
        Message {
            nav: None,
            notice: None,
            heading: heading.into(),
            text: text.into(),
            link_href: "/dashboard".into(),
            link_label: "Back to the dashboard".into(),
        }
    }
}

pub struct EventRow {
    pub kind: String,
    pub record: String,
    pub at: String,
    pub at_iso: String,
}

#[derive(Template)]
#[template(path = "dashboard/overview.html")]
pub struct OverviewPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub business_name: String,
    pub customers: i64,
    pub open_invoices: i64,
    pub overdue_invoices: i64,
    /// "USD 1,234.00", one per currency.
    pub paid: Vec<String>,
    pub events: Vec<EventRow>,
}

#[derive(Template)]
#[template(path = "dashboard/applications.html")]
pub struct ApplicationsPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub applications: Vec<Application>,
}

/// The register and edit form (`id` set when editing).
#[derive(Template)]
#[template(path = "dashboard/application_form.html")]
pub struct ApplicationForm {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub heading: String,
    pub action: String,
    pub submit: String,
    pub csrf: String,
    pub id: Option<i64>,
    pub name: String,
    pub redirect_uris: String,
    pub show_kind: bool,
    pub confidential: bool,
    pub read: bool,
    pub write: bool,
    pub errors: Vec<String>,
}

/// An application's credentials, the secret shown this once.
#[derive(Template)]
#[template(path = "dashboard/application_secret.html")]
pub struct ApplicationSecret {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub id: i64,
    pub name: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub confidential: bool,
    pub authorize_url: String,
    pub token_url: String,
}

#[derive(Template)]
#[template(path = "dashboard/authorized.html")]
pub struct AuthorizedPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub csrf: String,
    pub grants: Vec<Authorized>,
}

/// An endpoint as the list shows it.
pub struct EndpointRow {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "dashboard/webhooks.html")]
pub struct WebhooksPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub endpoints: Vec<EndpointRow>,
}

pub struct EventChoice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "dashboard/webhook_form.html")]
pub struct WebhookForm {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub csrf: String,
    pub url: String,
    pub choices: Vec<EventChoice>,
    pub errors: Vec<String>,
}

/// One endpoint: its state, its actions, its recent deliveries; its signing secret when
/// just created or rotated (this once).
#[derive(Template)]
#[template(path = "dashboard/webhook.html")]
pub struct WebhookPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub csrf: String,
    pub id: i64,
    pub url: String,
    pub events: String,
    pub state: String,
    pub enabled: bool,
    pub secret: Option<String>,
    pub rotated: bool,
    pub deliveries: Vec<Attempt>,
}

/// A field of the settings form.
pub struct SettingsField {
    /// The input's name: the PATCH body's field (`address.city`).
    pub key: &'static str,
    pub id: String,
    pub label: &'static str,
    /// `text`, `email`, `url`, `number`, `textarea` or `select` (the paper size).
    pub kind: &'static str,
    pub time_zone: bool,
    pub max: usize,
    pub help: &'static str,
    /// The ids of its help and error texts (`aria-describedby`), space-separated.
    pub described_by: String,
    pub value: String,
    pub errors: Vec<String>,
}

pub struct SettingsSection {
    pub heading: &'static str,
    pub fields: Vec<SettingsField>,
}

#[derive(Template)]
#[template(path = "dashboard/settings.html")]
pub struct SettingsPage {
    pub nav: Option<Nav>,
    pub notice: Option<String>,
    pub csrf: String,
    pub sections: Vec<SettingsSection>,
    pub time_zones: Vec<&'static str>,
    /// The current logo's path (`/logos/…`, this origin).
    pub logo: Option<String>,
    /// The upload's `accept`.
    pub logo_types: String,
    pub logo_max: String,
    /// Every refusal, "Label: message".
    pub errors: Vec<String>,
}
