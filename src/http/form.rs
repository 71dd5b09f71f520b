//! Rails-style form bodies (`application/x-www-form-urlencoded`) read into JSON.
//!
//! serde_qs does the reading (percent-decoding, `a[b][c]` nesting, `a[]` and `a[0]`
//! arrays, depth limit), following Rack's `parse_nested_query`. The one Rack rule it
//! leaves out is the arrays of hashes Rails forms send without indices,
//! `items[][name]=A&items[][qty]=1&items[][name]=B`; `index_arrays_of_hashes` numbers
//! them first by Rack's rule (a new element starts when the current one already has that
//! field), so serde_qs sees `items[0][name]=A&items[0][qty]=1&items[1][name]=B`.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::error::ApiError;

/// How deep a form's brackets may nest: `invoice[items_attributes][][tax_ids][]` is 4.
const MAX_DEPTH: usize = 6;

/// A bracketed form body as JSON, every value a string: `a[b][c]=1` →
/// `{"a":{"b":{"c":"1"}}}`. 400 when it cannot be read.
pub fn parse(bytes: &[u8]) -> Result<Value, ApiError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let pairs = index_arrays_of_hashes(pairs);
    let mut encoded = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        encoded.append_pair(key, value);
    }
    let encoded = encoded.finish();
    serde_qs::Config::new()
        .max_depth(MAX_DEPTH)
        .use_form_encoding(true)
        .deserialize_str::<Map<String, Value>>(&encoded)
        .map(Value::Object)
        .map_err(|err| ApiError::bad_request(format!("The form body could not be read: {err}")))
}

/// Rewrites every `prefix[][field…]` key to `prefix[N][field…]`, N counted per prefix.
fn index_arrays_of_hashes(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    // Per array (its key up to `[]`): the current element's index and the fields it has.
    let mut arrays: HashMap<String, (usize, HashSet<String>)> = HashMap::new();
    pairs
        .into_iter()
        .map(|(mut key, value)| {
            while let Some(at) = key.find("[][") {
                let prefix = key[..at].to_string();
                let field = key[at + 2..].to_string();
                let (index, fields) = arrays
                    .entry(prefix.clone())
                    .or_insert_with(|| (0, HashSet::new()));
                // Rack: a field that is itself an array (`tax_ids[]`) never starts a new
                // element; a field the element already has does.
                if !field.contains("[]") && !fields.insert(field.clone()) {
                    *index += 1;
                    fields.clear();
                    fields.insert(field.clone());
                }
                key = format!("{prefix}[{index}]{field}");
            }
            (key, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rails_style_forms_read_as_the_same_json() {
        let form = "customer[company]=Texas+Instruments&customer[address_attributes][city]=Dallas\
            &invoice[items_attributes][][name]=A&invoice[items_attributes][][quantity]=1\
            &invoice[items_attributes][][tax_ids][]=3&invoice[items_attributes][][tax_ids][]=4\
            &invoice[items_attributes][][name]=B%20C&invoice[items_attributes][][quantity]=2\
            &tags[]=x&tags[]=y&note=50%25";
        assert_eq!(
            parse(form.as_bytes()).unwrap(),
            json!({
                "customer": {"company": "Texas Instruments",
                             "address_attributes": {"city": "Dallas"}},
                "invoice": {"items_attributes": [
                    {"name": "A", "quantity": "1", "tax_ids": ["3", "4"]},
                    {"name": "B C", "quantity": "2"}]},
                "tags": ["x", "y"],
                "note": "50%"
            })
        );
    }

    #[test]
    fn encoded_brackets_and_indexed_arrays_read_too() {
        assert_eq!(
            parse(b"customer%5Bemail%5D=a%40b.com&i[0][n]=a&i[1][n]=b").unwrap(),
            json!({"customer": {"email": "a@b.com"}, "i": [{"n": "a"}, {"n": "b"}]})
        );
    }

    #[test]
    fn unreadable_forms_are_400() {
        for form in ["a=1&a[b]=2", "a[=1"] {
            let err = parse(form.as_bytes()).unwrap_err();
            assert_eq!(err.status(), axum::http::StatusCode::BAD_REQUEST, "{form}");
        }
    }
}
