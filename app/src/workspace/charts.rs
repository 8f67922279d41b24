//! Small server-rendered SVG charts: readable without JavaScript, described for screen
//! readers (`role="img"` with a title and the data in words), styled by the site's
//! CSS. Hand-written because these two shapes (a line over months, bars by bucket)
//! need no more, and the text is laid out by the browser, not by font metrics on the
//! server.

use crate::email::templates::escape_html as esc;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 28.0;
const RIGHT: f64 = 24.0;

/// One named series of values (`None` = no value that month).
pub struct Series<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub values: Vec<Option<f64>>,
}

fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= max)
        .unwrap_or(max)
}

fn axis(max: f64, unit: &str) -> String {
    let mut out = String::new();
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = TOP + (H - TOP - BOTTOM) * (1.0 - f64::from(i) / 4.0);
        out.push_str(&format!(
            r#"<line class="grid" x1="{LEFT}" x2="{W}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}{unit}</text>"#,
            LEFT - 6.0,
            y + 4.0,
            short(v)
        ));
    }
    out
}

/// 1,234,567 → "1.2M"; 12,345 → "12k"; 0.25 → "0.25" (small axes keep their fractions).
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a > 0.0 && a < 10.0 && v.fract() != 0.0 {
        format!("{v:.2}").trim_end_matches('0').to_owned()
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// A line chart over `labels` (months).
pub fn lines(title: &str, labels: &[String], series: &[Series<'_>], unit: &str) -> String {
    let max = nice_max(
        series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0_f64, |m, v| m.max(*v)),
    );
    let n = labels.len().max(2) as f64;
    let x = |i: usize| LEFT + (W - LEFT - RIGHT) * i as f64 / (n - 1.0);
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v.max(0.0) / max);
    let mut body = axis(max, unit);
    // At most about eight labels, always including the last month.
    let stride = labels.len().div_ceil(8).max(1);
    for (i, label) in labels.iter().enumerate() {
        if !(labels.len() - 1 - i).is_multiple_of(stride) {
            continue;
        }
        body.push_str(&format!(
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            H - 8.0,
            esc(label)
        ));
    }
    let mut described = Vec::new();
    // The legend, above the plot: a stroke sample and the series name.
    if series.len() > 1 {
        let mut lx = LEFT;
        for s in series {
            body.push_str(&format!(
                r#"<line class="series {c}" x1="{lx:.1}" x2="{:.1}" y1="10" y2="10"/><text class="legend" x="{:.1}" y="14">{}</text>"#,
                lx + 16.0,
                lx + 20.0,
                esc(s.name),
                c = esc(s.class),
            ));
            lx += 28.0 + 7.0 * s.name.len() as f64;
        }
    }
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        body.push_str(&format!(
            r#"<polyline class="series {}" fill="none" points="{}"><title>{}</title></polyline>"#,
            esc(s.class),
            points.join(" "),
            esc(s.name)
        ));
        let last = s.values.iter().rev().flatten().next();
        described.push(format!(
            "{} now {}",
            s.name,
            last.map_or("n/a".to_owned(), |v| format!("{}{unit}", short(*v)))
        ));
    }
    svg(title, &described.join("; "), &body)
}

/// A bar chart, one bar per label.
pub fn bars(title: &str, labels: &[&str], values: &[f64], unit: &str) -> String {
    let max = nice_max(values.iter().fold(0.0_f64, |m, v| m.max(*v)));
    let slot = (W - LEFT) / values.len().max(1) as f64;
    let mut body = axis(max, unit);
    let mut described = Vec::new();
    for (i, (label, value)) in labels.iter().zip(values).enumerate() {
        let h = (H - TOP - BOTTOM) * value.max(0.0) / max;
        let x = LEFT + slot * i as f64 + slot * 0.2;
        body.push_str(&format!(
            r#"<rect class="bar" x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"><title>{}: {}{unit}</title></rect><text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            H - BOTTOM - h,
            slot * 0.6,
            esc(label),
            short(*value),
            x + slot * 0.3,
            H - 8.0,
            esc(label)
        ));
        described.push(format!("{label}: {}{unit}", short(*value)));
    }
    svg(title, &described.join("; "), &body)
}

fn svg(title: &str, description: &str, body: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><desc>{d}</desc>{body}</svg>"#,
        t = esc(title),
        d = esc(description)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_described_and_escape_their_text() {
        let svg = lines(
            "Cycle <days>",
            &["Jan".into(), "Feb".into(), "Mar".into()],
            &[Series {
                name: "DSO",
                class: "dso",
                values: vec![Some(40.0), None, Some(45.5)],
            }],
            "d",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>Cycle &lt;days&gt;</title>"));
        assert!(svg.contains("DSO now 46d"), "{svg}");
        assert_eq!(svg.matches("<polyline").count(), 1);
        let bars = bars("Overdue", &["0-30", "90+"], &[1500.0, 0.0], "");
        assert!(bars.contains("0-30: 1.5k"));
        assert_eq!(bars.matches("<rect").count(), 2);
    }

    #[test]
    fn axes_round_up_to_a_readable_maximum() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(87.0), 100.0);
        assert_eq!(nice_max(120.0), 200.0);
        assert_eq!(nice_max(2400.0), 2500.0);
        assert_eq!(short(1_234_567.0), "1.2M");
        assert_eq!(short(12_345.0), "12k");
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(2.5), "2.5");
        assert_eq!(short(7.0), "7");
    }

    #[test]
    fn long_time_axes_label_about_eight_months_ending_with_the_last() {
        let labels: Vec<String> = (1..=30).map(|m| format!("M{m}")).collect();
        let svg = lines(
            "Long",
            &labels,
            &[Series {
                name: "x",
                class: "s1",
                values: vec![Some(1.0); 30],
            }],
            "",
        );
        let shown = labels
            .iter()
            .filter(|l| svg.contains(&format!(">{l}<")))
            .count();
        assert!((6..=8).contains(&shown), "{shown}");
        assert!(svg.contains(">M30<"));
    }
}
