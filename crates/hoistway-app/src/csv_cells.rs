//! CSV cells a spreadsheet will not run as formulas (issue #18): a cell
//! that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read
//! by Excel and LibreOffice as a formula, so a case symptom or a building
//! name typed by one user could run in another user's spreadsheet. Every
//! CSV the server writes goes through this module.

use serde::Serialize;
use std::borrow::Cow;
use std::io;

/// `cell` as written: a leading `'` in front of a formula trigger, which
/// spreadsheets show as text. Plain numbers (`-3.5`) stay numbers.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let trigger = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if trigger && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Writes one record of text cells, each neutralised.
pub fn write_record<W, I, S>(w: &mut csv::Writer<W>, cells: I) -> csv::Result<()>
where
    W: io::Write,
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let cells: Vec<S> = cells.into_iter().collect();
    w.write_record(cells.iter().map(|c| neutralise(c.as_ref()).into_owned()))
}

/// Writes one serde row (a struct of scalars), each cell neutralised: the
/// row is serialised to a record first, so every field is covered without
/// listing them.
pub fn serialize<W: io::Write, T: Serialize>(w: &mut csv::Writer<W>, row: &T) -> csv::Result<()> {
    let mut one = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    one.serialize(row)?;
    let bytes = one
        .into_inner()
        .map_err(|e| csv::Error::from(io::Error::other(e.to_string())))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut record = csv::StringRecord::new();
    reader.read_record(&mut record)?;
    write_record(w, record.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: String,
        count: i64,
        note: Option<String>,
    }

    #[test]
    fn formula_triggers_become_text() {
        for bad in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\r=1"] {
            assert_eq!(neutralise(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["Lift A", "-3.5", "+7", "", "a=b", "ken:1234"] {
            assert_eq!(neutralise(fine), fine, "{fine:?}");
        }
    }

    #[test]
    fn serialized_rows_are_neutralised_field_by_field() {
        let mut w = csv::Writer::from_writer(Vec::new());
        let row = Row {
            name: "=HYPERLINK(\"http://x\")".into(),
            count: -4,
            note: None,
        };
        serialize(&mut w, &row).unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(out, "\"'=HYPERLINK(\"\"http://x\"\")\",-4,\n");
    }
}
