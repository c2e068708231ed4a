//! The validation error every parser in the domain returns.

/// A value refused by a domain parser: which field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }

    /// The same refusal, reported against another field name (a parser
    /// shared by several fields names its own by default).
    pub fn in_field(self, field: &'static str) -> Self {
        Self { field, ..self }
    }
}
