//! A small flow layout on A4 pages: a letterhead, headings, paragraphs,
//! label–value facts and tables that break across pages (repeating their
//! header), and a footer with the page number. Everything is positioned
//! here in points from the bottom-left corner and handed to printpdf as
//! drawing operations; nothing measures text but [`crate::metrics`].

use crate::metrics::{width, wrap};
use crate::DocumentError;
use printpdf::{
    BuiltinFont, Color, Line, LinePoint, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rgb, TextItem,
};

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 50.0;
const FOOTER: f32 = 36.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.35;
/// Most columns a table may have on a portrait page.
pub const MAX_COLUMNS: usize = 10;

const INK: (f32, f32, f32) = (0.1, 0.12, 0.16);
const MUTED: (f32, f32, f32) = (0.38, 0.4, 0.45);
const RULE: (f32, f32, f32) = (0.8, 0.82, 0.86);
const BRAND: (f32, f32, f32) = (0.05, 0.33, 0.6);

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Text the standard fonts can show: characters WinAnsi lacks become what
/// a reader expects instead of printpdf's `?` (thin and narrow spaces used
/// to group digits, arrows, the ellipsis).
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{202f}' | '\u{2009}' | '\u{2007}' | '\u{00a0}' => out.push(' '),
            '\u{2192}' => out.push_str("->"),
            '\u{2190}' => out.push_str("<-"),
            '\u{2212}' => out.push('-'),
            '\u{2264}' => out.push_str("<="),
            '\u{2265}' => out.push_str(">="),
            '\t' => out.push(' '),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(y) }
}

/// The pages being written and the position of the next line (its top).
pub struct Sheet {
    done: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
    /// The table header to repeat on a new page, if a table is open.
    running: Option<(Vec<String>, Vec<f32>, Vec<Align>)>,
}

impl Sheet {
    pub fn new() -> Self {
        Sheet {
            done: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - MARGIN,
            running: None,
        }
    }

    fn content_width() -> f32 {
        PAGE_W - 2.0 * MARGIN
    }

    fn text_at(
        &mut self,
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        colour: (f32, f32, f32),
        s: &str,
    ) {
        let font = if bold {
            BuiltinFont::HelveticaBold
        } else {
            BuiltinFont::Helvetica
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: rgb(colour) },
            Op::SetFont {
                font: PdfFontHandle::Builtin(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: point(x, baseline),
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, y: f32, colour: (f32, f32, f32), thickness: f32) {
        self.ops.extend([
            Op::SetOutlineColor { col: rgb(colour) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(MARGIN, y),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(PAGE_W - MARGIN, y),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Starts a new page when `height` points no longer fit on this one.
    fn room_for(&mut self, height: f32) {
        if self.y - height < MARGIN + FOOTER {
            self.done.push(std::mem::take(&mut self.ops));
            self.y = PAGE_H - MARGIN;
            if let Some((header, widths, align)) = self.running.clone() {
                self.table_row(&header, &widths, &align, true);
            }
        }
    }

    /// The document's head: who issues it, its title, and lines under it
    /// (customer, period, generation date).
    pub fn letterhead(&mut self, issuer: &str, title: &str, lines: &[String]) {
        self.text_at(MARGIN, self.y - 10.0, 10.0, true, BRAND, &printable(issuer));
        self.y -= 34.0;
        for l in wrap(&printable(title), 18.0, true, Self::content_width()) {
            self.text_at(MARGIN, self.y - 18.0, 18.0, true, INK, &l);
            self.y -= 18.0 * 1.25;
        }
        self.y -= 4.0;
        for line in lines {
            for l in wrap(&printable(line), BODY, false, Self::content_width()) {
                self.text_at(MARGIN, self.y - BODY, BODY, false, MUTED, &l);
                self.y -= BODY * LEADING;
            }
        }
        self.y -= 8.0;
        self.rule(self.y, BRAND, 1.2);
        self.y -= 14.0;
    }

    /// A section heading, kept with at least two lines of what follows.
    pub fn heading(&mut self, text: &str) {
        self.room_for(13.0 * 1.6 + 2.0 * BODY * LEADING);
        self.y -= 6.0;
        self.text_at(MARGIN, self.y - 13.0, 13.0, true, INK, &printable(text));
        self.y -= 13.0 * 1.6;
    }

    /// A wrapped paragraph.
    pub fn paragraph(&mut self, text: &str) {
        for l in wrap(&printable(text), BODY, false, Self::content_width()) {
            self.room_for(BODY * LEADING);
            self.text_at(MARGIN, self.y - BODY, BODY, false, INK, &l);
            self.y -= BODY * LEADING;
        }
        self.y -= 4.0;
    }

    /// A bulleted list, one wrapped item per entry.
    pub fn bullets(&mut self, items: &[String]) {
        let indent = 12.0;
        for item in items {
            let lines = wrap(
                &printable(item),
                BODY,
                false,
                Self::content_width() - indent,
            );
            for (i, l) in lines.iter().enumerate() {
                self.room_for(BODY * LEADING);
                if i == 0 {
                    self.text_at(MARGIN, self.y - BODY, BODY, false, INK, "-");
                }
                self.text_at(MARGIN + indent, self.y - BODY, BODY, false, INK, l);
                self.y -= BODY * LEADING;
            }
        }
        self.y -= 4.0;
    }

    /// Label–value pairs in two columns (labels muted, values wrapped).
    pub fn facts(&mut self, facts: &[(String, String)]) {
        let label_w = 150.0;
        let value_w = Self::content_width() - label_w;
        for (label, value) in facts {
            let labels = wrap(&printable(label), BODY, false, label_w - 8.0);
            let values = wrap(&printable(value), BODY, true, value_w);
            let n = labels.len().max(values.len());
            self.room_for(n as f32 * BODY * LEADING + 4.0);
            for i in 0..n {
                let base = self.y - BODY - i as f32 * BODY * LEADING;
                if let Some(l) = labels.get(i) {
                    self.text_at(MARGIN, base, BODY, false, MUTED, l);
                }
                if let Some(v) = values.get(i) {
                    self.text_at(MARGIN + label_w, base, BODY, true, INK, v);
                }
            }
            self.y -= n as f32 * BODY * LEADING + 4.0;
        }
        self.y -= 6.0;
    }

    /// Column widths: each column gets room in proportion to its longest
    /// cell (header included), at least a share that fits a short word.
    fn widths(header: &[String], rows: &[Vec<String>]) -> Vec<f32> {
        let total = Self::content_width();
        let n = header.len();
        let pad = 8.0;
        // A column is at least as wide as its longest word, so words wrap
        // between columns rather than break ("Call / s"); what is left goes
        // to the columns whose text is longer than that.
        let longest_word = |text: &str, bold: bool| {
            printable(text)
                .split_whitespace()
                .map(|w| width(w, 9.0, bold))
                .fold(0.0_f32, f32::max)
        };
        let mut least = Vec::with_capacity(n);
        let mut natural = Vec::with_capacity(n);
        for i in 0..n {
            let mut word = longest_word(&header[i], true);
            let mut w = width(&printable(&header[i]), 9.0, true);
            for r in rows {
                word = word.max(longest_word(&r[i], false));
                w = w.max(width(&printable(&r[i]), 9.0, false));
            }
            let min = (word + pad).min(total * 0.6);
            least.push(min);
            natural.push((w.min(total * 0.6) + pad).max(min));
        }
        let least_sum: f32 = least.iter().sum();
        if least_sum >= total {
            return least.iter().map(|w| w / least_sum * total).collect();
        }
        let natural_sum: f32 = natural.iter().sum();
        if natural_sum <= total {
            return natural.iter().map(|w| w / natural_sum * total).collect();
        }
        let room = total - least_sum;
        let want = natural_sum - least_sum;
        least
            .iter()
            .zip(&natural)
            .map(|(l, w)| l + (w - l) / want * room)
            .collect()
    }

    fn table_row(&mut self, cells: &[String], widths: &[f32], align: &[Align], header: bool) {
        let size = 9.0;
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| wrap(&printable(c), size, header, w - 6.0))
            .collect();
        let n = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let height = n as f32 * size * LEADING + 6.0;
        if !header {
            self.room_for(height);
        }
        let mut x = MARGIN;
        for ((lines, w), a) in wrapped.iter().zip(widths).zip(align) {
            for (i, l) in lines.iter().enumerate() {
                let base = self.y - 3.0 - size - i as f32 * size * LEADING;
                let lx = match a {
                    Align::Left => x,
                    Align::Right => x + w - 6.0 - width(l, size, header),
                };
                let colour = if header { MUTED } else { INK };
                self.text_at(lx, base, size, header, colour, l);
            }
            x += w;
        }
        self.y -= height;
        self.rule(
            self.y + 1.0,
            if header { INK } else { RULE },
            if header { 0.8 } else { 0.4 },
        );
    }

    /// A table: the header repeats on every page it runs over.
    pub fn table(
        &mut self,
        header: &[String],
        rows: &[Vec<String>],
        align: &[Align],
    ) -> Result<(), DocumentError> {
        if header.is_empty() {
            return Err(DocumentError::NoColumns);
        }
        if header.len() > MAX_COLUMNS {
            return Err(DocumentError::TooManyColumns {
                got: header.len(),
                max: MAX_COLUMNS,
            });
        }
        if align.len() != header.len() {
            return Err(DocumentError::RowWidth {
                row: 0,
                got: align.len(),
                want: header.len(),
            });
        }
        for (i, r) in rows.iter().enumerate() {
            if r.len() != header.len() {
                return Err(DocumentError::RowWidth {
                    row: i + 1,
                    got: r.len(),
                    want: header.len(),
                });
            }
        }
        let widths = Self::widths(header, rows);
        // The header and at least one row together.
        self.room_for(4.0 * 9.0 * LEADING);
        self.table_row(header, &widths, align, true);
        self.running = Some((header.to_vec(), widths.clone(), align.to_vec()));
        for r in rows {
            self.table_row(r, &widths, align, false);
        }
        self.running = None;
        self.y -= 10.0;
        Ok(())
    }

    /// A total, right-aligned and large, between rules ("Amount  1 234.00 EUR").
    pub fn total(&mut self, label: &str, value: &str) {
        let (label, value) = (printable(label), printable(value));
        self.room_for(40.0);
        self.rule(self.y, INK, 0.8);
        let base = self.y - 22.0;
        let vw = width(&value, 16.0, true);
        let right = PAGE_W - MARGIN;
        self.text_at(right - vw, base, 16.0, true, INK, &value);
        let lw = width(&label, BODY, false);
        self.text_at(right - vw - 16.0 - lw, base, BODY, false, MUTED, &label);
        self.y -= 32.0;
        self.rule(self.y, INK, 0.8);
        self.y -= 14.0;
    }

    /// Empty vertical space.
    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// Finishes the pages (footer: `footer` left, "`page` n / total"
    /// right) and serialises them.
    pub fn finish(
        mut self,
        title: &str,
        footer: &str,
        page: &str,
        generated_at: chrono::DateTime<chrono::Utc>,
        compress: bool,
    ) -> Result<Vec<u8>, DocumentError> {
        self.done.push(std::mem::take(&mut self.ops));
        let total = self.done.len();
        let footer = printable(footer);
        let pages: Vec<PdfPage> = std::mem::take(&mut self.done)
            .into_iter()
            .enumerate()
            .map(|(i, ops)| {
                self.ops = ops;
                self.rule(MARGIN + FOOTER - 12.0, RULE, 0.4);
                let base = MARGIN + FOOTER - 26.0;
                self.text_at(MARGIN, base, 8.0, false, MUTED, &footer);
                let label = format!("{} {} / {total}", printable(page), i + 1);
                let x = PAGE_W - MARGIN - width(&label, 8.0, false);
                self.text_at(x, base, 8.0, false, MUTED, &label);
                PdfPage::new(
                    Pt(PAGE_W).into(),
                    Pt(PAGE_H).into(),
                    std::mem::take(&mut self.ops),
                )
            })
            .collect();
        let mut doc = PdfDocument::new(&printable(title));
        let at = printpdf::OffsetDateTime::from_unix_timestamp(generated_at.timestamp())
            .map_err(|e| DocumentError::Date(e.to_string()))?;
        doc.metadata.info.creation_date = at;
        doc.metadata.info.modification_date = at;
        doc.metadata.info.metadata_date = at;
        doc.metadata.info.producer = "Hoistway".into();
        doc.metadata.info.creator = "Hoistway".into();
        let opts = PdfSaveOptions {
            optimize: compress,
            ..Default::default()
        };
        let mut warnings = Vec::new();
        let bytes = doc.with_pages(pages).save(&opts, &mut warnings);
        if !bytes.starts_with(b"%PDF-") {
            return Err(DocumentError::Writer(format!(
                "no PDF header ({} warnings)",
                warnings.len()
            )));
        }
        Ok(bytes)
    }
}

impl Default for Sheet {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_text_replaces_what_winansi_lacks() {
        assert_eq!(printable("1\u{202f}234.00 EUR"), "1 234.00 EUR");
        assert_eq!(
            printable("On site \u{2192} Resolved"),
            "On site -> Resolved"
        );
        assert_eq!(printable("Müller – 5 €"), "Müller – 5 €");
        assert_eq!(printable("a\u{0007}b"), "ab");
    }

    #[test]
    fn widths_share_the_page_and_favour_long_columns() {
        let header = vec!["Unit".to_string(), "Findings".to_string()];
        let rows = vec![vec![
            "L1".into(),
            "A long sentence about what was found".into(),
        ]];
        let w = Sheet::widths(&header, &rows);
        assert!((w.iter().sum::<f32>() - Sheet::content_width()).abs() < 0.01);
        assert!(w[1] > w[0]);
    }

    #[test]
    fn narrow_columns_keep_their_longest_word() {
        let header: Vec<String> = [
            "Unit",
            "Calls",
            "Entrapments",
            "Mean time to repair",
            "Mean time between calls",
            "Availability",
            "First-time fix",
            "Waiting for parts",
        ]
        .map(String::from)
        .to_vec();
        let rows = vec![
            ["ken:41000001", "0", "0", "–", "–", "100.0 %", "–", "0.0 h"]
                .map(String::from)
                .to_vec(),
        ];
        let w = Sheet::widths(&header, &rows);
        assert!((w.iter().sum::<f32>() - Sheet::content_width()).abs() < 0.01);
        for (h, w) in header.iter().zip(&w) {
            for word in h.split_whitespace() {
                assert!(width(word, 9.0, true) <= w - 6.0, "{word:?} breaks in {w}");
            }
        }
    }
}
