//! Charts drawn on the server as SVG: readable without JavaScript and in print. Colours are given as SVG
//! attributes (not `style`), so the pages' Content-Security-Policy needs no inline styles. Every text that
//! may come from the records is escaped.

use std::fmt::Write as _;

/// Status colours, in the order of the status counts (completed, on track, lagging, not reported, overdue):
/// green family for done/on track, yellow behind 序时, grey not reported, red overdue.
pub const STATUS_COLOURS: [&str; 5] = ["#1e6e3c", "#4caf50", "#f0b41e", "#9e9e9e", "#c62828"];

/// Text in SVG: the same escaping as the Word documents' XML (attributes are double-quoted).
use duban_office::docx::xml_text as esc;

fn f(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// One horizontal stacked bar per row (label, counts by status), scaled to the largest row. `legend` names
/// the five statuses.
pub fn progress_bars(rows: &[(String, [i64; 5])], legend: &[String; 5], title: &str) -> String {
    let label_w = 260.0;
    let bar_w = 440.0;
    let row_h = 28.0;
    let top = 8.0;
    let width = label_w + bar_w + 50.0;
    // The legend runs from under the bars and wraps when a language's names are long.
    let text_w = |t: &str| t.chars().map(|c| if c.is_ascii() { 7.0 } else { 13.0 }).sum::<f64>();
    let mut legend_at = Vec::with_capacity(5);
    let (mut lx, mut line) = (label_w, 0usize);
    for name in legend {
        let w = 16.0 + text_w(name) + 14.0;
        if lx + w > width && lx > label_w {
            lx = label_w;
            line += 1;
        }
        legend_at.push((lx, line));
        lx += w;
    }
    let height = top + rows.len() as f64 * row_h + 16.0 + 18.0 * (line + 1) as f64;
    let max = rows.iter().map(|(_, c)| c.iter().sum::<i64>()).max().unwrap_or(0).max(1) as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
        f(width),
        f(height),
        esc(title)
    );
    let _ = write!(s, "<title>{}</title>", esc(title));
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let short: String = label.chars().take(18).collect();
        let short = if label.chars().count() > 18 { format!("{short}…") } else { short };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#222\">{}</text>",
            f(label_w - 8.0),
            f(y + 18.0),
            esc(&short)
        );
        let mut x = label_w;
        for (n, colour) in counts.iter().zip(STATUS_COLOURS) {
            if *n <= 0 {
                continue;
            }
            let w = bar_w * *n as f64 / max;
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"20\" fill=\"{colour}\"><title>{n}</title></rect>",
                f(x),
                f(y + 4.0),
                f(w)
            );
            if w >= 18.0 {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#fff\">{n}</text>",
                    f(x + w / 2.0),
                    f(y + 18.0)
                );
            }
            x += w;
        }
    }
    let ly0 = top + rows.len() as f64 * row_h + 16.0;
    for ((name, colour), (lx, line)) in legend.iter().zip(STATUS_COLOURS).zip(legend_at) {
        let ly = ly0 + 18.0 * line as f64;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#222\">{}</text>",
            f(lx),
            f(ly - 10.0),
            f(lx + 16.0),
            f(ly),
            esc(name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A small bar for a ratio (0–1) with the figure beside it.
pub fn status_bar(ratio: f64, label: &str) -> String {
    let w = (ratio.clamp(0.0, 1.0) * 100.0).round();
    let colour = if ratio >= 0.999 {
        STATUS_COLOURS[0]
    } else if ratio >= 0.8 {
        STATUS_COLOURS[1]
    } else if ratio >= 0.5 {
        STATUS_COLOURS[2]
    } else {
        STATUS_COLOURS[4]
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"minibar\" viewBox=\"0 0 150 14\" role=\"img\" aria-label=\"{l}\">\
         <rect x=\"0\" y=\"2\" width=\"100\" height=\"10\" fill=\"#e6e6e6\"/><rect x=\"0\" y=\"2\" width=\"{w}\" height=\"10\" fill=\"{colour}\"/>\
         <text x=\"106\" y=\"12\" font-size=\"11\" fill=\"#222\">{l}</text></svg>",
        l = esc(label),
    )
}

/// A point on a time line: days since the chart's start, and a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub day: f64,
    pub value: f64,
}

/// Actual values against the expected (序时) line, with the forecast to the deadline dashed and the target
/// as a level. `span_days` is the time axis; `labels` name the axis's start and end.
pub fn line_chart(
    actual: &[Point],
    expected: &[Point],
    forecast: Option<(Point, Point)>,
    target: f64,
    span_days: f64,
    labels: (&str, &str),
    names: [&str; 4],
) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 260.0, 64.0, 16.0, 16.0, 48.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max = actual
        .iter()
        .chain(expected)
        .map(|p| p.value)
        .chain(forecast.iter().map(|(_, b)| b.value))
        .fold(target, f64::max)
        .max(1e-9)
        * 1.05;
    let x = |d: f64| left + pw * (d / span_days.max(1.0)).clamp(0.0, 1.0);
    let y = |v: f64| top + ph - ph * (v / max).clamp(0.0, 1.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
        f(w),
        f(h),
        esc(names[0])
    );
    for q in 0..=4 {
        let v = max / 1.05 * q as f64 / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{l}\" x2=\"{r}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"#e3e3e3\"/><text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">{}</text>",
            esc(&compact(v)),
            l = f(left),
            r = f(w - right),
            yy = f(y(v)),
            tx = f(left - 6.0),
            ty = f(y(v) + 4.0)
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{}\" x2=\"{}\" y1=\"{t}\" y2=\"{t}\" stroke=\"#1e6e3c\" stroke-dasharray=\"2 3\"/>",
        f(left),
        f(w - right),
        t = f(y(target))
    );
    let path =
        |pts: &[Point]| pts.iter().map(|p| format!("{},{}", f(x(p.day)), f(y(p.value)))).collect::<Vec<_>>().join(" ");
    if !expected.is_empty() {
        let _ =
            write!(s, "<polyline points=\"{}\" fill=\"none\" stroke=\"#9e9e9e\" stroke-width=\"2\"/>", path(expected));
    }
    if let Some((a, b)) = forecast {
        let _ = write!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#2e75b6\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
            f(x(a.day)),
            f(y(a.value)),
            f(x(b.day)),
            f(y(b.value))
        );
    }
    if !actual.is_empty() {
        let _ =
            write!(s, "<polyline points=\"{}\" fill=\"none\" stroke=\"#2e75b6\" stroke-width=\"3\"/>", path(actual));
        for p in actual {
            let _ = write!(s, "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#2e75b6\"/>", f(x(p.day)), f(y(p.value)));
        }
    }
    let _ = write!(
        s,
        "<line x1=\"{l}\" x2=\"{r}\" y1=\"{b}\" y2=\"{b}\" stroke=\"#444\"/><text x=\"{l}\" y=\"{ty}\" font-size=\"11\" fill=\"#555\">{}</text><text x=\"{r}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">{}</text>",
        esc(labels.0),
        esc(labels.1),
        l = f(left),
        r = f(w - right),
        b = f(top + ph),
        ty = f(top + ph + 16.0)
    );
    // Legend: actual, expected, forecast.
    let ly = h - 10.0;
    let _ = write!(
        s,
        "<line x1=\"{a}\" x2=\"{a2}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"#2e75b6\" stroke-width=\"3\"/><text x=\"{at}\" y=\"{ty}\" font-size=\"12\" fill=\"#222\">{}</text>\
         <line x1=\"{b}\" x2=\"{b2}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"#9e9e9e\" stroke-width=\"2\"/><text x=\"{bt}\" y=\"{ty}\" font-size=\"12\" fill=\"#222\">{}</text>\
         <line x1=\"{c}\" x2=\"{c2}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"#2e75b6\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"{ct}\" y=\"{ty}\" font-size=\"12\" fill=\"#222\">{}</text>",
        esc(names[1]),
        esc(names[2]),
        esc(names[3]),
        a = f(left),
        a2 = f(left + 24.0),
        at = f(left + 30.0),
        b = f(left + 170.0),
        b2 = f(left + 194.0),
        bt = f(left + 200.0),
        c = f(left + 340.0),
        c2 = f(left + 364.0),
        ct = f(left + 370.0),
        yy = f(ly - 4.0),
        ty = f(ly)
    );
    s.push_str("</svg>");
    s
}

fn compact(v: f64) -> String {
    if v >= 10_000.0 { format!("{}万", f(v / 10_000.0)) } else { f(v) }
}

/// Units × periods, each cell shaded by a rate (0–1); `None` for nothing owed.
pub fn heat_map(units: &[String], periods: &[String], cells: &[Vec<Option<f64>>], title: &str) -> String {
    let (label_w, cell_w, cell_h, top) = (200.0, 44.0, 20.0, 24.0);
    let width = label_w + cell_w * periods.len() as f64 + 10.0;
    let height = top + cell_h * units.len() as f64 + 6.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heat\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        f(width),
        f(height),
        esc(title),
        esc(title)
    );
    for (j, p) in periods.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"16\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">{}</text>",
            f(label_w + cell_w * j as f64 + cell_w / 2.0),
            esc(p)
        );
    }
    for (i, u) in units.iter().enumerate() {
        let y = top + cell_h * i as f64;
        let short: String = u.chars().take(14).collect();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\" fill=\"#222\">{}</text>",
            f(label_w - 6.0),
            f(y + 14.0),
            esc(&short)
        );
        for (j, cell) in cells.get(i).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate() {
            let x = label_w + cell_w * j as f64;
            let (fill, text) = match cell {
                None => ("#f5f5f5".to_string(), String::new()),
                Some(r) => (shade(*r), format!("{}", (r * 100.0).round())),
            };
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#fff\"><title>{text}</title></rect>",
                f(x),
                f(y),
                f(cell_w - 1.0),
                f(cell_h - 1.0)
            );
            if !text.is_empty() {
                let ink = if cell.is_some_and(|r| r >= 0.6) { "#fff" } else { "#222" };
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{ink}\">{text}</text>",
                    f(x + cell_w / 2.0),
                    f(y + 14.0)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// From red (0) through yellow to green (1).
fn shade(r: f64) -> String {
    let r = r.clamp(0.0, 1.0);
    let (a, b, t) = if r < 0.5 {
        ((198, 40, 40), (240, 180, 30), r / 0.5)
    } else {
        ((240, 180, 30), (30, 110, 60), (r - 0.5) / 0.5)
    };
    let mix = |x: i32, y: i32| (x as f64 + (y - x) as f64 * t).round() as i32;
    format!("#{:02x}{:02x}{:02x}", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legend() -> [String; 5] {
        ["已完成", "正常推进", "滞后", "未报送", "逾期"].map(String::from)
    }

    #[test]
    fn progress_bars_snapshot() {
        let svg = progress_bars(
            &[("一、推动城市群发展".into(), [1, 3, 1, 0, 0]), ("二、<b>县城</b>".into(), [0, 1, 0, 1, 2])],
            &legend(),
            "各部分任务状态",
        );
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn line_chart_snapshot() {
        let actual = [Point { day: 31.0, value: 8_000.0 }, Point { day: 59.0, value: 15_000.0 }];
        let expected = [Point { day: 0.0, value: 0.0 }, Point { day: 365.0, value: 88_000.0 }];
        let forecast = Some((Point { day: 59.0, value: 15_000.0 }, Point { day: 365.0, value: 80_000.0 }));
        let svg = line_chart(
            &actual,
            &expected,
            forecast,
            88_000.0,
            365.0,
            ("1月", "12月"),
            ["保障性租赁住房", "实际", "序时", "预测"],
        );
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn heat_map_snapshot() {
        let svg = heat_map(
            &["西安市政府".into(), "省发展改革委".into()],
            &["1月".into(), "2月".into()],
            &[vec![Some(1.0), Some(0.5)], vec![None, Some(0.0)]],
            "报送完整率",
        );
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn a_long_legend_wraps_inside_the_picture() {
        let legend = ["Completed", "On track", "Behind schedule", "Not reported", "Overdue"].map(String::from);
        let svg = progress_bars(&[("Part one".into(), [1, 1, 1, 1, 1])], &legend, "Progress");
        let width: f64 = svg.split("viewBox=\"0 0 ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        for part in svg.split("<text x=\"").skip(1) {
            let x: f64 = part.split('"').next().unwrap().parse().unwrap();
            let label = part.split('>').nth(1).unwrap().split('<').next().unwrap();
            assert!(x + label.len() as f64 * 7.0 <= width + 1.0, "{label} at {x} runs past {width}");
        }
        assert!(svg.contains(">Overdue</text>"));
    }

    #[test]
    fn text_in_charts_is_escaped() {
        let svg = progress_bars(&[("<script>alert(1)</script>".into(), [1, 0, 0, 0, 0])], &legend(), "t\"x");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("t&quot;x"));
    }

    #[test]
    fn shades_run_from_red_to_green() {
        assert_eq!(shade(0.0), "#c62828");
        assert_eq!(shade(0.5), "#f0b41e");
        assert_eq!(shade(1.0), "#1e6e3c");
    }
}
