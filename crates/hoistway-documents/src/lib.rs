//! Hoistway's printable documents, rendered to PDF bytes from plain data:
//! an [`InvoiceDocument`], a [`ServiceReportDocument`] (what the technician
//! found and did on a service request) and a [`KpiReportDocument`] (any
//! report of the portal's report page: a heading naming the customer, the
//! period and when it was made, then its table).
//!
//! **Architecture invariant:** this crate does no IO, reads no clock and
//! knows no language. Every word of a document arrives in its data: the
//! caller (the portal) fills the labels from its strings and formats
//! dates and amounts the way its pages do, so a PDF reads like the page it
//! comes from. The generation instant is an input too (PDF metadata).
//!
//! Pages are A4 and use the standard Helvetica fonts (no font files are
//! embedded; text is WinAnsi, so Western European letters, `€` and `–`
//! print, and characters the encoding lacks are replaced, see
//! [`layout::printable`]). The PDF itself is written by `printpdf`.
//!
//! Module map:
//! - [`metrics`]: Helvetica widths, line wrapping.
//! - [`layout`]: the page flow (letterhead, headings, facts, tables that
//!   break across pages, footer with page numbers).
//! - `playbook`: a building's on-site playbook ([`PlaybookDocument`], issue #20).

pub mod layout;
pub mod metrics;
mod playbook;

pub use playbook::PlaybookDocument;

use chrono::{DateTime, Utc};
use layout::{Align, Sheet};

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocumentError {
    #[error("a table needs at least one column")]
    NoColumns,
    #[error("a table has {got} columns; at most {max} fit a page")]
    TooManyColumns { got: usize, max: usize },
    #[error("row {row} has {got} cells, the header has {want}")]
    RowWidth { row: usize, got: usize, want: usize },
    #[error("the generation date cannot be written: {0}")]
    Date(String),
    #[error("the PDF writer failed: {0}")]
    Writer(String),
}

/// How to write the bytes. Streams are compressed by default; tests turn
/// compression off to read the text operators as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    pub compress: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { compress: true }
    }
}

/// What every document carries besides its own content.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Who issues the document, top left ("Hoistway").
    pub issuer: String,
    /// Its title ("Invoice INV-000123").
    pub title: String,
    /// Lines under the title: customer, period, generation date, as text.
    pub lines: Vec<String>,
    /// The footer's left side.
    pub footer: String,
    /// The word before the page number ("Page").
    pub page: String,
    /// When the document was made (PDF metadata).
    pub generated_at: DateTime<Utc>,
}

/// A label and its value, both as shown.
pub type Fact = (String, String);

/// An invoice: its facts (number, contract, period, dates, status,
/// payment term) and the amount, highlighted.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceDocument {
    pub frame: Frame,
    /// The heading over the facts ("Invoice details").
    pub details: String,
    pub facts: Vec<Fact>,
    /// The invoice's lines under their header (description, amount):
    /// the contract's charge, then billable work; empty for an invoice
    /// entered by hand.
    pub lines: Vec<Fact>,
    pub lines_header: Vec<String>,
    /// The amount due, label and value ("Amount", "1 234.00 EUR").
    pub amount: Fact,
    /// A closing note (how to pay, whom to ask), if any.
    pub note: Option<String>,
}

/// One line of parts used on a service visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartLine {
    pub number: String,
    pub description: String,
    pub quantity: String,
}

/// A titled list of items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub items: Vec<String>,
}

/// The service report of a resolved request.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceReportDocument {
    pub frame: Frame,
    /// The heading over the visit facts ("The visit").
    pub visit_heading: String,
    /// Unit, building, technician, time on site, resolved, returned to service.
    pub visit: Vec<Fact>,
    /// Heading and text of what was reported.
    pub symptoms: Fact,
    /// Heading and text of the findings.
    pub findings: Fact,
    /// Heading and plain-words cause.
    pub cause: Fact,
    /// Work done.
    pub actions: Section,
    /// Heading and column names (part, description, quantity), then the lines.
    pub parts_heading: String,
    pub parts_header: [String; 3],
    pub parts: Vec<PartLine>,
    pub follow_ups: Section,
    /// The quote for further work: heading, then its facts (work, amount, decision).
    pub quote: Option<(String, Vec<Fact>)>,
}

/// A report of the portal's report page as a document: the heading names
/// the customer, the period and the generation date (in `frame.lines`),
/// then the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiReportDocument {
    pub frame: Frame,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Which columns hold numbers (right-aligned); empty means none.
    pub numeric: Vec<bool>,
    /// Shown instead of the table when there are no rows.
    pub empty: String,
}

fn letterhead(sheet: &mut Sheet, f: &Frame) {
    sheet.letterhead(&f.issuer, &f.title, &f.lines);
}

fn finish(sheet: Sheet, f: &Frame, o: RenderOptions) -> Result<Vec<u8>, DocumentError> {
    sheet.finish(&f.title, &f.footer, &f.page, f.generated_at, o.compress)
}

impl InvoiceDocument {
    /// The PDF, compressed.
    pub fn to_pdf(&self) -> Result<Vec<u8>, DocumentError> {
        self.render(RenderOptions::default())
    }

    pub fn render(&self, o: RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let mut s = Sheet::new();
        letterhead(&mut s, &self.frame);
        s.heading(&self.details);
        s.facts(&self.facts);
        if !self.lines.is_empty() {
            s.gap(6.0);
            let rows: Vec<Vec<String>> = self
                .lines
                .iter()
                .map(|(d, a)| vec![d.clone(), a.clone()])
                .collect();
            s.table(&self.lines_header, &rows, &[Align::Left, Align::Right])?;
        }
        s.gap(6.0);
        s.total(&self.amount.0, &self.amount.1);
        if let Some(note) = &self.note {
            s.paragraph(note);
        }
        finish(s, &self.frame, o)
    }
}

impl ServiceReportDocument {
    /// The PDF, compressed.
    pub fn to_pdf(&self) -> Result<Vec<u8>, DocumentError> {
        self.render(RenderOptions::default())
    }

    pub fn render(&self, o: RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let mut s = Sheet::new();
        letterhead(&mut s, &self.frame);
        s.heading(&self.visit_heading);
        s.facts(&self.visit);
        for (heading, text) in [&self.symptoms, &self.findings, &self.cause] {
            if !text.trim().is_empty() {
                s.heading(heading);
                s.paragraph(text);
            }
        }
        if !self.actions.items.is_empty() {
            s.heading(&self.actions.heading);
            s.bullets(&self.actions.items);
        }
        if !self.parts.is_empty() {
            s.heading(&self.parts_heading);
            let rows: Vec<Vec<String>> = self
                .parts
                .iter()
                .map(|p| vec![p.number.clone(), p.description.clone(), p.quantity.clone()])
                .collect();
            s.table(
                &self.parts_header,
                &rows,
                &[Align::Left, Align::Left, Align::Right],
            )?;
        }
        if !self.follow_ups.items.is_empty() {
            s.heading(&self.follow_ups.heading);
            s.bullets(&self.follow_ups.items);
        }
        if let Some((heading, facts)) = &self.quote {
            s.heading(heading);
            s.facts(facts);
        }
        finish(s, &self.frame, o)
    }
}

impl KpiReportDocument {
    /// The PDF, compressed.
    pub fn to_pdf(&self) -> Result<Vec<u8>, DocumentError> {
        self.render(RenderOptions::default())
    }

    pub fn render(&self, o: RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let mut s = Sheet::new();
        letterhead(&mut s, &self.frame);
        if self.rows.is_empty() {
            s.paragraph(&self.empty);
        } else {
            let align: Vec<Align> = (0..self.header.len())
                .map(|i| match self.numeric.get(i) {
                    Some(true) => Align::Right,
                    _ => Align::Left,
                })
                .collect();
            s.table(&self.header, &self.rows, &align)?;
        }
        finish(s, &self.frame, o)
    }
}

/// The text each page of a PDF shows, read back with printpdf's reader:
/// how the tests (here and end to end) check what a reader would see,
/// compressed or not.
pub fn read_text(bytes: &[u8]) -> Result<Vec<String>, DocumentError> {
    use printpdf::{Op, PdfDocument, PdfParseOptions, TextItem};
    if !bytes.starts_with(b"%PDF-") {
        return Err(DocumentError::Writer("not a PDF".into()));
    }
    let mut warnings = Vec::new();
    let doc = PdfDocument::parse(bytes, &PdfParseOptions::default(), &mut warnings)
        .map_err(DocumentError::Writer)?;
    Ok(doc
        .pages
        .iter()
        .map(|p| {
            let mut text = String::new();
            for op in &p.ops {
                if let Op::ShowText { items } = op {
                    for i in items {
                        if let TextItem::Text(t) = i {
                            text.push_str(t);
                            text.push('\n');
                        }
                    }
                }
            }
            text
        })
        .collect())
}

#[cfg(test)]
mod tests;
