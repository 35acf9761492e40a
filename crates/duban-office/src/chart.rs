//! Charts for the bulletin as PNG images, drawn here pixel by pixel: Word and WPS both show PNG, while SVG
//! in .docx is shown only by recent Word. Bars and axes need no more than rectangles; figures are drawn
//! with a small built-in digit font, and names go in the caption and the tables beside the chart (no font
//! file is needed, so the output is the same on every machine).

use crate::Error;

/// Palette indices. The palette is small so the PNG is indexed and small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Ink {
    White = 0,
    Axis = 1,
    Grid = 2,
    Text = 3,
    Completed = 4,
    OnTrack = 5,
    Lagging = 6,
    NotReported = 7,
    Overdue = 8,
    Bar = 9,
    Marker = 10,
}

const PALETTE: [[u8; 3]; 11] = [
    [255, 255, 255],
    [64, 64, 64],
    [221, 221, 221],
    [34, 34, 34],
    [30, 110, 60],   // 已完成: dark green
    [102, 187, 106], // 正常推进: green
    [240, 180, 30],  // 滞后: yellow
    [158, 158, 158], // 未报送: grey
    [198, 40, 40],   // 逾期: red
    [46, 117, 182],  // bars: blue
    [20, 20, 20],    // markers
];

/// The status colours in the order of [`StatusCounts`](duban_model::StatusCounts)' fields.
pub const STATUS_INKS: [Ink; 5] = [Ink::Completed, Ink::OnTrack, Ink::Lagging, Ink::NotReported, Ink::Overdue];

/// A 5×7 digit font of our own: each row is five bits, the high bit on the left.
fn glyph(c: char) -> Option<[u8; 7]> {
    Some(match c {
        '0' => [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
        '1' => [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
        '2' => [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
        '3' => [0b11110, 0b00001, 0b00001, 0b01110, 0b00001, 0b00001, 0b11110],
        '4' => [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
        '5' => [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
        '6' => [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
        '7' => [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
        '8' => [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
        '9' => [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
        '%' => [0b11001, 0b11010, 0b00010, 0b00100, 0b01000, 0b01011, 0b10011],
        '.' => [0, 0, 0, 0, 0, 0b01100, 0b01100],
        '-' => [0, 0, 0, 0b11111, 0, 0, 0],
        ' ' => [0; 7],
        _ => return None,
    })
}

/// An indexed-colour picture.
#[derive(Debug, Clone)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    pub fn new(width: u32, height: u32) -> Canvas {
        Canvas { width, height, pixels: vec![Ink::White as u8; (width * height) as usize] }
    }

    pub fn ink_at(&self, x: u32, y: u32) -> Option<u8> {
        if x < self.width && y < self.height { self.pixels.get((y * self.width + x) as usize).copied() } else { None }
    }

    /// Fills a rectangle, clipped to the canvas.
    pub fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, ink: Ink) {
        let x0 = x.clamp(0, i64::from(self.width));
        let y0 = y.clamp(0, i64::from(self.height));
        let x1 = (x + w).clamp(0, i64::from(self.width));
        let y1 = (y + h).clamp(0, i64::from(self.height));
        for yy in y0..y1 {
            let row = (yy * i64::from(self.width)) as usize;
            for xx in x0..x1 {
                if let Some(p) = self.pixels.get_mut(row + xx as usize) {
                    *p = ink as u8;
                }
            }
        }
    }

    /// The width `text` takes at `scale`.
    pub fn text_width(text: &str, scale: i64) -> i64 {
        let n = text.chars().filter(|c| glyph(*c).is_some()).count() as i64;
        if n == 0 { 0 } else { n * 6 * scale - scale }
    }

    /// Draws digits (and % . -) with their top left at (x, y); other characters are skipped.
    pub fn text(&mut self, x: i64, y: i64, text: &str, scale: i64, ink: Ink) {
        let mut cx = x;
        for c in text.chars() {
            let Some(rows) = glyph(c) else { continue };
            for (ry, bits) in rows.iter().enumerate() {
                for col in 0..5 {
                    if bits & (0b10000 >> col) != 0 {
                        self.rect(cx + col * scale, y + ry as i64 * scale, scale, scale, ink);
                    }
                }
            }
            cx += 6 * scale;
        }
    }

    /// The picture as an indexed PNG. The encoder's output depends only on the pixels.
    pub fn png(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.width, self.height);
            enc.set_color(png::ColorType::Indexed);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_palette(PALETTE.iter().flatten().copied().collect::<Vec<u8>>());
            // 96 dpi, so Word sizes the picture as the drawing says.
            enc.set_pixel_dims(Some(png::PixelDimensions { xppu: 3780, yppu: 3780, unit: png::Unit::Meter }));
            let mut w = enc.write_header().map_err(png_error)?;
            w.write_image_data(&self.pixels).map_err(png_error)?;
            w.finish().map_err(png_error)?;
        }
        Ok(out)
    }
}

fn png_error(e: png::EncodingError) -> Error {
    Error::internal(format!("drawing a chart: {e}"))
}

/// Horizontal stacked bars, one per row (part of the plan), segments in the status colours; each row is
/// labelled with its number (1, 2, …) and each segment wide enough with its count.
pub fn status_bars(rows: &[[i64; 5]]) -> Canvas {
    let scale = 3;
    let left = 70i64;
    let right = 40i64;
    let top = 30i64;
    let bar_h = 44i64;
    let gap = 26i64;
    let width = 1200i64;
    let height = top * 2 + rows.len().max(1) as i64 * (bar_h + gap);
    let mut c = Canvas::new(width as u32, height as u32);
    let span = width - left - right;
    let max = rows.iter().map(|r| r.iter().sum::<i64>()).max().unwrap_or(0).max(1);
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as i64 * (bar_h + gap);
        let label = (i + 1).to_string();
        c.text(left - 16 - Canvas::text_width(&label, scale), y + (bar_h - 7 * scale) / 2, &label, scale, Ink::Text);
        let mut x = left;
        let mut acc = 0i64;
        for (n, ink) in row.iter().zip(STATUS_INKS) {
            if *n <= 0 {
                continue;
            }
            acc += n;
            // Segment ends are rounded from the running total, so the segments add up to the bar exactly.
            let end = left + span * acc / max;
            c.rect(x, y, end - x, bar_h, ink);
            let figure = n.to_string();
            let tw = Canvas::text_width(&figure, scale);
            if end - x >= tw + 8 {
                let text_ink = if ink == Ink::Lagging || ink == Ink::OnTrack { Ink::Text } else { Ink::White };
                c.text(x + (end - x - tw) / 2, y + (bar_h - 7 * scale) / 2, &figure, scale, text_ink);
            }
            x = end;
        }
    }
    c.rect(left, top - 10, 2, height - 2 * top + 10, Ink::Axis);
    c
}

/// Vertical bars of rates (0–1), one per unit in rank order, numbered below (1, 5, 10, … when crowded); a black tick on each
/// bar marks the second rate (timeliness). Grid lines at 0, 25, 50, 75 and 100 %.
pub fn rate_bars(rates: &[(f64, f64)]) -> Canvas {
    let width = 1200i64;
    let height = 520i64;
    let left = 110i64;
    let right = 20i64;
    let top = 20i64;
    let bottom = 50i64;
    let mut c = Canvas::new(width as u32, height as u32);
    let plot_h = height - top - bottom;
    let plot_w = width - left - right;
    for q in 0..=4 {
        let y = top + plot_h - plot_h * q / 4;
        c.rect(left, y, plot_w, 1, Ink::Grid);
        let label = format!("{}%", q * 25);
        c.text(left - 12 - Canvas::text_width(&label, 3), y - 10, &label, 3, Ink::Text);
    }
    let n = rates.len().max(1) as i64;
    let slot = plot_w / n;
    let bar_w = (slot * 2 / 3).max(2);
    // Every rank is numbered when there is room; otherwise the 1st and every 5th.
    let every = slot >= 40;
    for (i, (rate, second)) in rates.iter().enumerate() {
        let x = left + i as i64 * slot + (slot - bar_w) / 2;
        let h = (plot_h as f64 * rate.clamp(0.0, 1.0)).round() as i64;
        c.rect(x, top + plot_h - h, bar_w, h, Ink::Bar);
        let m = (plot_h as f64 * second.clamp(0.0, 1.0)).round() as i64;
        c.rect(x - 2, top + plot_h - m - 2, bar_w + 4, 4, Ink::Marker);
        let label = (i + 1).to_string();
        if every || i == 0 || (i + 1) % 5 == 0 {
            let tw = Canvas::text_width(&label, 3);
            c.text(x + (bar_w - tw) / 2, top + plot_h + 12, &label, 3, Ink::Text);
        }
    }
    c.rect(left, top + plot_h, plot_w, 2, Ink::Axis);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_segments_are_proportional_and_coloured_by_status() {
        // One part with 2 completed, 1 on track, 1 lagging; another with 4 overdue.
        let c = status_bars(&[[2, 1, 1, 0, 0], [0, 0, 0, 0, 4]]);
        let span = 1200 - 70 - 40;
        let y = 30 + 2; // inside the first bar, above the figures
        assert_eq!(c.ink_at((70 + 5) as u32, y), Some(Ink::Completed as u8)); // right of the axis line
        assert_eq!(c.ink_at((70 + span / 2 + 1) as u32, y), Some(Ink::OnTrack as u8));
        assert_eq!(c.ink_at((70 + span * 3 / 4 + 1) as u32, y), Some(Ink::Lagging as u8));
        assert_eq!(c.ink_at((70 + span - 1) as u32, y), Some(Ink::Lagging as u8));
        let y2 = 30 + 70 + 2;
        assert_eq!(c.ink_at((70 + span - 1) as u32, y2), Some(Ink::Overdue as u8));
        assert_eq!(c.ink_at((70 + span + 2) as u32, y2), Some(Ink::White as u8));
    }

    #[test]
    fn rate_bars_reach_their_rate() {
        let c = rate_bars(&[(1.0, 0.5), (0.5, 0.5)]);
        let plot_h = 520 - 20 - 50;
        let slot = (1200 - 110 - 20) / 2;
        let x_full = (110 + slot / 2) as u32;
        let x_half = (110 + slot + slot / 2) as u32;
        assert_eq!(c.ink_at(x_full, 20 + 1), Some(Ink::Bar as u8));
        assert_eq!(c.ink_at(x_half, 20 + 1), Some(Ink::White as u8));
        assert_eq!(c.ink_at(x_half, (20 + plot_h / 2 + 10) as u32), Some(Ink::Bar as u8));
    }

    #[test]
    fn png_is_deterministic_and_decodes() {
        let a = status_bars(&[[3, 2, 1, 0, 1]]).png().unwrap();
        let b = status_bars(&[[3, 2, 1, 0, 1]]).png().unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        let dec = png::Decoder::new(std::io::Cursor::new(a));
        let reader = dec.read_info().unwrap();
        assert_eq!(reader.info().width, 1200);
    }
}
