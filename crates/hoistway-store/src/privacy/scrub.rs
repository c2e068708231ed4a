//! Replacing a person's identifiers in stored text and JSON with their
//! pseudonym, so history keeps its shape without the person in it.
//!
//! E-mail addresses and phone numbers are distinctive, so they are replaced
//! wherever they occur. A name is replaced inside free text only when it is
//! long enough not to be part of ordinary words; in JSON, a value that *is*
//! the name is always replaced.

use serde_json::Value;

/// Names shorter than this are replaced only where a whole value is the name.
const MIN_NAME_IN_TEXT: usize = 5;

/// The identifiers to remove and what stands in for them.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub name: String,
    pub email: String,
    /// Their phone and every callback number they gave.
    pub phones: Vec<String>,
    pub pseudonym: String,
    pub pseudonym_email: String,
}

impl Identity {
    /// The strings a row must contain to be worth scrubbing.
    pub fn needles(&self) -> Vec<&str> {
        let mut v = vec![self.email.as_str()];
        // Even a short name can be a whole JSON value.
        if !self.name.is_empty() {
            v.push(&self.name);
        }
        v.extend(self.phones.iter().map(String::as_str));
        v
    }

    /// Free text with the identifiers replaced.
    pub fn text(&self, s: &str) -> String {
        let mut out = replace_ci(s, &self.email, &self.pseudonym_email);
        for p in self.phones.iter().filter(|p| !p.is_empty()) {
            out = out.replace(p.as_str(), "[phone removed]");
        }
        if self.name.chars().count() >= MIN_NAME_IN_TEXT {
            out = out.replace(&self.name, &self.pseudonym);
        } else if out == self.name {
            out = self.pseudonym.clone();
        }
        out
    }

    /// A JSON document with the identifiers replaced in every string value.
    pub fn json(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                *s = if *s == self.name {
                    self.pseudonym.clone()
                } else {
                    self.text(s)
                };
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.json(i)),
            Value::Object(map) => map.values_mut().for_each(|i| self.json(i)),
            _ => {}
        }
    }

    /// A stored JSON text with the identifiers replaced (left as it is when
    /// it is not JSON, after a plain text scrub).
    pub fn json_text(&self, s: &str) -> String {
        match serde_json::from_str::<Value>(s) {
            Ok(mut v) => {
                self.json(&mut v);
                v.to_string()
            }
            Err(_) => self.text(s),
        }
    }
}

/// `s` with every ASCII-case-insensitive occurrence of `needle` replaced.
fn replace_ci(s: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return s.to_string();
    }
    let lower = s.to_ascii_lowercase();
    let target = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(&target) {
        out.push_str(&s[last..at]);
        out.push_str(with);
        last = at + target.len();
    }
    out.push_str(&s[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn anna() -> Identity {
        Identity {
            name: "Anna Virtanen".into(),
            email: "anna@example.com".into(),
            phones: vec!["+358401234567".into()],
            pseudonym: "Former user 7".into(),
            pseudonym_email: "erased-7@erased.invalid".into(),
        }
    }

    #[test]
    fn free_text_loses_name_email_and_phone() {
        let t = anna().text("Reported by Anna Virtanen (ANNA@example.com), call +358401234567");
        assert_eq!(
            t,
            "Reported by Former user 7 (erased-7@erased.invalid), call [phone removed]"
        );
    }

    #[test]
    fn short_names_are_replaced_only_as_whole_values() {
        let mut id = anna();
        id.name = "Al".into();
        assert_eq!(id.text("Alarm raised"), "Alarm raised");
        let mut v = json!({"name": "Al", "note": "Alarm", "list": ["Al"]});
        id.json(&mut v);
        assert_eq!(
            v,
            json!({"name": "Former user 7", "note": "Alarm", "list": ["Former user 7"]})
        );
    }

    #[test]
    fn json_keeps_its_shape() {
        let id = anna();
        let out = id.json_text(r#"{"id":7,"email":"anna@example.com","phone":"+358401234567","name":"Anna Virtanen","role":"front_desk"}"#);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["id"], 7);
        assert_eq!(v["email"], "erased-7@erased.invalid");
        assert_eq!(v["phone"], "[phone removed]");
        assert_eq!(v["name"], "Former user 7");
        assert_eq!(v["role"], "front_desk");
        assert!(!out.contains("anna"));
    }

    #[test]
    fn not_json_is_scrubbed_as_text() {
        assert_eq!(anna().json_text("Anna Virtanen"), "Former user 7");
    }
}
