//! The address object as the documents show it (own id and timestamps).

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
    #[schema(example = "South Africa")]
    country: Option<String>,
}
