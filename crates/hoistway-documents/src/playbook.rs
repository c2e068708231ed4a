//! A building's on-site playbook as a document (issue #20): the same
//! sections as its portal page, for a binder at the front desk or in the
//! machine room. Every word arrives in the data, like the other documents.

use super::{finish, letterhead, DocumentError, Fact, Frame, RenderOptions, Section};
use crate::layout::{Align, Sheet};

#[derive(Debug, Clone, PartialEq)]
pub struct PlaybookDocument {
    pub frame: Frame,
    /// Heading, then the local contacts as label–value facts.
    pub contacts_heading: String,
    pub contacts: Vec<Fact>,
    /// What to do when someone is trapped, step by step.
    pub entrapment: Section,
    /// Heading and column names (unit id, unit, where, emergency), then rows.
    pub units_heading: String,
    pub units_header: [String; 4],
    pub units: Vec<[String; 4]>,
    /// Who to call, one line per contact (the empty text when none).
    pub escalation: Section,
    /// Heading and the access instructions (the empty text when none).
    pub access: Fact,
    /// Heading, then last review, next review, interval.
    pub review_heading: String,
    pub review: Vec<Fact>,
}

impl PlaybookDocument {
    /// The PDF, compressed.
    pub fn to_pdf(&self) -> Result<Vec<u8>, DocumentError> {
        self.render(RenderOptions::default())
    }

    pub fn render(&self, o: RenderOptions) -> Result<Vec<u8>, DocumentError> {
        let mut s = Sheet::new();
        letterhead(&mut s, &self.frame);
        s.heading(&self.contacts_heading);
        s.facts(&self.contacts);
        s.heading(&self.entrapment.heading);
        s.bullets(&self.entrapment.items);
        s.heading(&self.units_heading);
        let rows: Vec<Vec<String>> = self.units.iter().map(|r| r.to_vec()).collect();
        s.table(
            &self.units_header,
            &rows,
            &[Align::Left, Align::Left, Align::Left, Align::Left],
        )?;
        s.heading(&self.escalation.heading);
        s.bullets(&self.escalation.items);
        s.heading(&self.access.0);
        s.paragraph(&self.access.1);
        s.heading(&self.review_heading);
        s.facts(&self.review);
        finish(s, &self.frame, o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_text;

    #[test]
    fn the_playbook_reads_back() {
        let doc = PlaybookDocument {
            frame: Frame {
                issuer: "Hoistway".into(),
                title: "On-site playbook: Aalto House".into(),
                lines: vec!["Runeberginkatu 5, Helsinki".into()],
                footer: "Hoistway · On-site playbook".into(),
                page: "Page".into(),
                generated_at: chrono::DateTime::UNIX_EPOCH,
            },
            contacts_heading: "Service contacts".into(),
            contacts: vec![("Emergency".into(), "+358 20 475 1".into())],
            entrapment: Section {
                heading: "If someone is trapped".into(),
                items: vec!["Do not force the doors.".into()],
            },
            units_heading: "Units".into(),
            units_header: [
                "Unit id".into(),
                "Unit".into(),
                "Where".into(),
                "Emergency".into(),
            ],
            units: vec![[
                "ken:770".into(),
                "Lift A".into(),
                "Lobby".into(),
                "+358 20 475 1".into(),
            ]],
            escalation: Section {
                heading: "Who to call".into(),
                items: vec!["Janitor · 555 0100".into()],
            },
            access: ("Getting in".into(), "Door B, ring the janitor.".into()),
            review_heading: "Review".into(),
            review: vec![("Next review".into(), "7 Dec 2027".into())],
        };
        let text = read_text(&doc.render(RenderOptions { compress: false }).unwrap())
            .unwrap()
            .join("\n");
        for expected in [
            "Aalto House",
            "If someone is trapped",
            "ken:770",
            "Door B, ring the janitor.",
            "7 Dec 2027",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }
}
