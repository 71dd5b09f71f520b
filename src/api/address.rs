//! The address a request sends, for customers and the business alike.

use crate::api::input::{Form, Obj, Patch};
use crate::billing::addresses::AddressChanges;
use crate::billing::profile::countries;

const NAME_MAX: usize = 255;

/// The address fields a request may send (all optional; `null` clears one).
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct AddressInput {
    #[schema(example = "1 Mahem Pl")]
    line: Option<String>,
    #[schema(example = "Unit 23")]
    line2: Option<String>,
    #[schema(example = "5256")]
    post_code: Option<String>,
    #[schema(example = "East London")]
    city: Option<String>,
    /// Free text, shown on documents as sent; a two-letter ISO code here also fills
    /// `country_code` when that is not given.
    #[schema(example = "South Africa")]
    country: Option<String>,
    /// ISO 3166-1 alpha-2, any case (stored upper-case).
    #[schema(example = "ZA")]
    country_code: Option<String>,
}

/// Reads an address object's fields (`state` only where `with_state`: the business's).
/// `country` is kept as sent; `country_code` must be an ISO 3166-1 alpha-2 code, and a
/// `country` that is one fills it when `country_code` is not in the body.
pub fn read(form: &mut Form, a: &Obj, with_state: bool) -> AddressChanges {
    let country = form.string(a, "country", NAME_MAX);
    let mut country_code = match form.string(a, "country_code", 8) {
        Patch::Set(code) => match countries::code(&code) {
            Some(code) => Patch::Set(code),
            None => {
                form.error(
                    a,
                    "country_code",
                    "is not an ISO 3166-1 alpha-2 country code",
                );
                Patch::Invalid
            }
        },
        other => other,
    };
    if country_code.is_absent()
        && let Patch::Set(name) = &country
        && let Some(code) = countries::code(name)
    {
        country_code = Patch::Set(code);
    }
    AddressChanges {
        line: form.string(a, "line", NAME_MAX).change(),
        line2: form.string(a, "line2", NAME_MAX).change(),
        post_code: form.string(a, "post_code", 32).change(),
        city: form.string(a, "city", NAME_MAX).change(),
        state: if with_state {
            form.string(a, "state", NAME_MAX).change()
        } else {
            None
        },
        country: country.change(),
        country_code: country_code.change(),
    }
}
