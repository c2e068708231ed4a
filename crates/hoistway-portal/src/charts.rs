//! Server-side SVG charts: bars over time (starts, visits, costs) and a
//! line (operating hours, availability). Hand-written rather than a
//! plotting crate: the charts are two shapes, must be styled by classes
//! from the stylesheet (the CSP allows no inline style), scale with the
//! page through `viewBox`, and carry an accessible title and a data table
//! fallback. A chart of `n` points is O(n) small elements.

use maud::{html, Markup};

/// One point: a short label for the axis and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: f64,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A "nice" upper bound for the axis (1, 2, 2.5 or 5 × 10^k) and its step.
pub fn nice_max(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (4.0, 1.0);
    }
    let raw_step = max / 4.0;
    let mag = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| s * 4.0 >= max)
        .unwrap_or(10.0 * mag);
    (step * 4.0, step)
}

fn fmt_tick(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Font size of the axis labels in the chart's own units (the stylesheet's
/// `.chart .tick`; text scales with the `viewBox`, so this holds on
/// screen and in print alike).
const TICK_FONT: f64 = 11.0;
/// Space left between two neighbouring labels.
const LABEL_GAP: f64 = 8.0;

/// An upper bound of a label's width: wider than any character of the
/// stylesheet's sans-serif at [`TICK_FONT`] bar `W`/`M` runs, which labels
/// (dates, equipment numbers) do not have.
fn label_width(label: &str) -> f64 {
    label.chars().count() as f64 * TICK_FONT * 0.72
}

/// Every how many points a label is printed so that no two labels collide:
/// the labels' centres are `slot` apart, so print every `k`-th where `k`
/// slots hold the widest label plus a gap; never more than about eight.
fn label_every(points: &[Point], slot: f64) -> usize {
    let widest = points
        .iter()
        .map(|p| label_width(&p.label))
        .fold(0.0, f64::max);
    let by_width = if slot > 0.0 {
        ((widest + LABEL_GAP) / slot).ceil() as usize
    } else {
        1
    };
    by_width.max(points.len().div_ceil(8)).max(1)
}

fn frame(title: &str, unit: &str, max: f64, step: f64, body: Markup, points: &[Point]) -> Markup {
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - RIGHT) / points.len().max(1) as f64;
    let every = label_every(points, slot);
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {W} {H}")) role="img" aria-label=(format!("{title} ({unit})")) {
                title { (title) }
                @for i in 0..=4 {
                    @let v = step * i as f64;
                    @let y = TOP + plot_h - plot_h * v / max;
                    line.grid x1=(LEFT) x2=(W - RIGHT) y1=(y) y2=(y) {}
                    text.tick x=(LEFT - 6.0) y=(y + 4.0) text-anchor="end" { (fmt_tick(v)) }
                }
                (body)
                @for (i, p) in points.iter().enumerate() {
                    @if i % every == 0 {
                        text.tick x=(LEFT + slot * (i as f64 + 0.5)) y=(H - 8.0) text-anchor="middle" { (p.label) }
                    }
                }
            }
            figcaption { (title) " · " (unit) }
        }
    }
}

/// Vertical bars, one per point; nothing when every value is zero.
pub fn bars(title: &str, unit: &str, points: &[Point]) -> Markup {
    if !has_data(points) {
        return html! {};
    }
    let max_v = points.iter().map(|p| p.value).fold(0.0, f64::max);
    let (max, step) = nice_max(max_v);
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - RIGHT) / points.len().max(1) as f64;
    let bar_w = (slot * 0.7).max(1.0);
    let body = html! {
        @for (i, p) in points.iter().enumerate() {
            @let h = (plot_h * p.value.max(0.0) / max).max(if p.value > 0.0 { 1.0 } else { 0.0 });
            rect.bar x=(format!("{:.1}", LEFT + slot * i as f64 + (slot - bar_w) / 2.0)) y=(format!("{:.1}", TOP + plot_h - h))
                width=(format!("{bar_w:.1}")) height=(format!("{h:.1}")) {
                title { (p.label) ": " (fmt_tick(p.value)) " " (unit) }
            }
        }
    };
    frame(title, unit, max, step, body, points)
}

/// A line through the points, with a dot per point; nothing when every
/// value is zero.
pub fn line(title: &str, unit: &str, points: &[Point]) -> Markup {
    if !has_data(points) {
        return html! {};
    }
    let max_v = points.iter().map(|p| p.value).fold(0.0, f64::max);
    let (max, step) = nice_max(max_v);
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - RIGHT) / points.len().max(1) as f64;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                LEFT + slot * (i as f64 + 0.5),
                TOP + plot_h - plot_h * p.value.max(0.0) / max,
            )
        })
        .collect();
    let d: String = xy
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }))
        .collect();
    let body = html! {
        path.line-path d=(d) {}
        @for ((x, y), p) in xy.iter().zip(points) {
            circle.dot cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="2.5" {
                title { (p.label) ": " (fmt_tick(p.value)) " " (unit) }
            }
        }
    };
    frame(title, unit, max, step, body, points)
}

/// Whether a series has anything to draw.
pub fn has_data(points: &[Point]) -> bool {
    points.iter().any(|p| p.value > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[f64]) -> Vec<Point> {
        v.iter()
            .enumerate()
            .map(|(i, v)| Point {
                label: format!("d{i}"),
                value: *v,
            })
            .collect()
    }

    #[test]
    fn axis_tops_are_round_and_cover_the_data() {
        for (max, want) in [
            (0.0, 4.0),
            (3.0, 4.0),
            (9.0, 10.0),
            (130.0, 200.0),
            (0.7, 0.8),
        ] {
            let (top, step) = nice_max(max);
            assert!(top >= max, "{max}: {top}");
            assert!((top - want).abs() < 1e-9, "{max}: got {top}, want {want}");
            assert!((top - 4.0 * step).abs() < 1e-9);
        }
    }

    #[test]
    fn bars_draw_one_rect_per_point_inside_the_frame() {
        let svg = bars("Starts", "per day", &pts(&[1.0, 5.0, 0.0, 3.0])).into_string();
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(!svg.contains("style="), "the CSP forbids inline style");
        assert!(svg.contains("role=\"img\""));
        assert!(!svg.contains("y=\"-"), "no bar above the frame");
    }

    #[test]
    fn line_has_a_vertex_per_point_and_escapes_labels() {
        let mut p = pts(&[2.0, 4.0]);
        p[0].label = "<b>".into();
        let svg = line("Hours", "h", &p).into_string();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("M") && svg.contains(" L"));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
    }

    #[test]
    fn an_all_zero_series_draws_nothing() {
        assert!(bars("x", "y", &pts(&[0.0, 0.0])).into_string().is_empty());
        assert!(line("x", "y", &[]).into_string().is_empty());
    }

    #[test]
    fn ticks_keep_quarter_steps() {
        assert_eq!(fmt_tick(0.25), "0.25");
        assert_eq!(fmt_tick(2.5), "2.5");
        assert_eq!(fmt_tick(12_000.0), "12k");
    }

    /// The x positions and widths of the labels a chart prints.
    fn printed_labels(svg: &str) -> Vec<(f64, f64)> {
        svg.split("<text class=\"tick\" x=\"")
            .skip(1)
            .filter(|part| part.contains("text-anchor=\"middle\""))
            .map(|part| {
                let x: f64 = part[..part.find('"').unwrap()].parse().unwrap();
                let label = &part[part.find('>').unwrap() + 1..part.find("</text>").unwrap()];
                (x, label_width(label))
            })
            .collect()
    }

    #[test]
    fn axis_labels_never_collide_whatever_their_length() {
        for n in [1, 2, 5, 8, 9, 24, 31, 90, 366, 731] {
            for len in [3, 6, 12, 20] {
                let p: Vec<Point> = (0..n)
                    .map(|i| Point {
                        label: format!("{i:0>len$}"),
                        value: 1.0,
                    })
                    .collect();
                let svg = bars("x", "y", &p).into_string();
                let labels = printed_labels(&svg);
                assert!(!labels.is_empty(), "{n} points, {len} chars");
                for w in labels.windows(2) {
                    let ((x1, w1), (x2, w2)) = (w[0], w[1]);
                    assert!(
                        x2 - x1 >= (w1 + w2) / 2.0 + LABEL_GAP - 1e-6,
                        "{n} points of {len} chars: labels at {x1} and {x2} overlap"
                    );
                }
            }
        }
    }

    #[test]
    fn labels_thin_out_on_long_series() {
        let svg = bars("x", "y", &pts(&[1.0; 48])).into_string();
        let labels = svg.matches("text-anchor=\"middle\"").count();
        assert!((6..=8).contains(&labels), "{labels} labels");
    }
}
