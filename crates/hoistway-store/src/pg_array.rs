//! PostgreSQL array literals (`{1,2,3}`, `{"a","b"}`) written as text, for
//! binding a whole column through the `Any` driver, which has no array
//! parameters; the statement casts them (`CAST($1 AS BIGINT[])`).

use std::fmt::Write;

/// `{1,2,3}`.
pub fn ints(values: &[i64]) -> String {
    let mut out = String::with_capacity(values.len() * 8 + 2);
    out.push('{');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v}");
    }
    out.push('}');
    out
}

/// `{"a","b"}`: every element quoted, so commas, braces, spaces and the
/// word NULL stay text; only `"` and `\` need a backslash inside quotes.
pub fn texts<S: AsRef<str>>(values: &[S]) -> String {
    let len: usize = values.iter().map(|v| v.as_ref().len() + 3).sum();
    let mut out = String::with_capacity(len + 2);
    out.push('{');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in v.as_ref().chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_are_a_braced_list() {
        assert_eq!(ints(&[]), "{}");
        assert_eq!(ints(&[1, -2, i64::MAX]), "{1,-2,9223372036854775807}");
    }

    #[test]
    fn texts_quote_every_element_and_escape_quotes_and_backslashes() {
        assert_eq!(texts::<&str>(&[]), "{}");
        assert_eq!(
            texts(&["a,b", "NULL", "", r#"{"k":"v\n"}"#]),
            r#"{"a,b","NULL","","{\"k\":\"v\\n\"}"}"#
        );
    }
}
