//! Partial updates: a PATCH body is merged over the entity's current input
//! form and the result validated as a whole, so an update obeys exactly the
//! rules of a create.

use hoistway_domain::Invalid;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// Merges the top-level keys of `patch` over `current` (JSON merge-patch,
/// one level deep) and deserializes the result.
pub fn apply<I: Serialize + DeserializeOwned>(current: &I, patch: Value) -> Result<I, Invalid> {
    let Value::Object(changes) = patch else {
        return Err(Invalid::new("body", "a PATCH body must be a JSON object"));
    };
    let base = serde_json::to_value(current).map_err(|e| Invalid::new("body", e.to_string()))?;
    let with = |keys: &mut dyn Iterator<Item = (&String, &Value)>| {
        let mut merged = base.clone();
        if let Value::Object(fields) = &mut merged {
            for (k, v) in keys {
                fields.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value::<I>(merged)
    };
    with(&mut changes.iter()).map_err(|e| {
        // Name the field: the first key that is wrong on its own.
        let culprit = changes
            .iter()
            .find(|(k, v)| with(&mut std::iter::once((*k, *v))).is_err())
            .map(|(k, _)| k.as_str());
        match culprit {
            Some(k) => Invalid::new("body", format!("field `{k}`: {e}")),
            None => Invalid::new("body", e.to_string()),
        }
    })
}

/// Refuses a change to a field that is fixed after creation.
pub fn immutable<T: PartialEq + std::fmt::Debug>(
    field: &'static str,
    before: &T,
    after: &T,
) -> Result<(), Invalid> {
    if before == after {
        Ok(())
    } else {
        Err(Invalid::new(field, "cannot be changed after creation"))
    }
}
