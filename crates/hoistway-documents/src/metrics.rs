//! Text widths of the two standard fonts we use (Helvetica and
//! Helvetica-Bold), from Adobe's published font metrics (AFM, in 1/1000
//! em), so lines can be wrapped and numbers right-aligned without loading
//! a font file. Characters outside printable ASCII get a typical width
//! (an accented letter measures like its plain one closely enough).

/// Widths of ASCII 32..=126 in Helvetica.
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
    278, 278, 584, 584, 584, 556, 1015, // : ; < = > ? @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A..M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N..Z
    278, 278, 278, 469, 556, 333, // [ \ ] ^ _ `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a..m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n..z
    334, 260, 334, 584, // { | } ~
];

/// Widths of ASCII 32..=126 in Helvetica-Bold.
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
    333, 333, 584, 584, 584, 611, 975, // : ; < = > ? @
    722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, // A..M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N..Z
    333, 278, 333, 584, 556, 333, // [ \ ] ^ _ `
    556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, // a..m
    611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, // n..z
    389, 280, 389, 584, // { | } ~
];

fn char_width(c: char, bold: bool) -> u16 {
    let table = if bold { &BOLD } else { &REGULAR };
    match c as u32 {
        n @ 32..=126 => table[(n - 32) as usize],
        _ if c == '\u{2014}' => 1000,
        _ if c.is_uppercase() => 722,
        _ if c.is_whitespace() => 278,
        _ => 556,
    }
}

/// Width of `text` in points at `size`.
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text.chars().map(|c| u32::from(char_width(c, bold))).sum();
    units as f32 * size / 1000.0
}

/// Breaks `text` into lines no wider than `max` points: at spaces where it
/// can, inside a word only when the word alone is too wide. Line breaks in
/// the text are kept; an empty text is one empty line.
pub fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, bold) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // The word alone: split it if it does not fit either.
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if width(&next, size, bold) > max && !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_metrics() {
        // "Hi" = H 722 + i 222 at 10 pt.
        assert!((width("Hi", 10.0, false) - 9.44).abs() < 1e-3);
        assert!(width("Hi", 10.0, true) > width("Hi", 10.0, false));
        assert_eq!(width("", 12.0, false), 0.0);
    }

    #[test]
    fn wrapping_keeps_every_word_and_each_line_fits() {
        let text = "Levelling sensor drifted after the door operator was replaced on floor 12";
        let lines = wrap(text, 10.0, false, 120.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(width(l, 10.0, false) <= 120.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn an_overlong_word_is_cut_and_newlines_are_kept() {
        let lines = wrap(&"W".repeat(40), 10.0, true, 50.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "W".repeat(40));
        assert_eq!(wrap("a\n\nb", 10.0, false, 100.0), vec!["a", "", "b"]);
        assert_eq!(wrap("", 10.0, false, 100.0), vec![""]);
    }
}
