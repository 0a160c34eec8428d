//! The timeline as a picture: the events on a vertical time axis, drawn as SVG in code and
//! rendered to PNG in-process (resvg) with an embedded font, so the same events always give
//! the same bytes and nothing outside the binary is needed.
//!
//! Dated events sit at their dates (a month is [`PX_PER_MONTH`] pixels, but never closer
//! than [`ROW`] to the event before); undated ones follow the event before them in the
//! story's order, drawn hollow and marked "undated".

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use jedi_engine::Event;
use resvg::{tiny_skia, usvg};

use crate::limits::{truncate, TIMELINE_LABEL};

/// The picture's width in pixels: twice what Discord shows in an embed, for sharpness.
pub const WIDTH: u32 = 1000;
/// The least distance between two events, in pixels (one line of label).
pub const ROW: f32 = 56.0;
/// Pixels per month between dated events.
pub const PX_PER_MONTH: f32 = 32.0;
/// The file name the picture is sent as.
pub const FILE_NAME: &str = "timeline.png";

/// Where the axis starts, below the title.
const TOP: f32 = 110.0;
/// Room under the last event for the credit line.
const BOTTOM: f32 = 80.0;
/// The axis's x.
const AXIS_X: f32 = 190.0;
/// The font, embedded: DejaVu Sans (see `assets/fonts/LICENSE-DejaVu.txt`).
const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";

/// Month abbreviations for dated events' labels.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// The SVG built did not parse (a bug).
    #[error("the timeline picture's SVG is invalid: {0}")]
    Svg(#[from] usvg::Error),
    /// No pixmap of that size.
    #[error("the timeline picture would be too large ({0} px high)")]
    Size(u32),
    /// PNG encoding failed.
    #[error("cannot encode the timeline picture: {0}")]
    Png(String),
}

/// One event placed on the axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The event's id.
    pub id: String,
    /// Its y, in pixels.
    pub y: f32,
    /// Its date as drawn ("Oct 2019"), or "undated".
    pub date: String,
    /// Its label as drawn.
    pub label: String,
    /// Whether the article dates it.
    pub dated: bool,
}

/// Where everything goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The events, top to bottom.
    pub events: Vec<Placed>,
    /// The picture's height in pixels.
    pub height: u32,
}

/// Months since year 0 of an event's date, from its sort key (`YYYYMMDD`), when the
/// article dates it to a month.
fn months(event: &Event) -> Option<i64> {
    if !event.dated {
        return None;
    }
    let year = event.sort / 10_000;
    let month = (event.sort / 100) % 100;
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

/// The date drawn beside an event.
fn date_label(event: &Event) -> String {
    match (months(event), event.year) {
        (Some(m), _) => format!("{} {}", MONTHS[(m % 12) as usize], m / 12),
        (None, Some(year)) if event.dated => year.to_string(),
        _ => "undated".to_string(),
    }
}

/// An event's label: its own, else its sentence cut at a word.
fn label(event: &Event) -> String {
    if let Some(label) = &event.label {
        return truncate(label, TIMELINE_LABEL);
    }
    if event.event.chars().count() <= TIMELINE_LABEL {
        return event.event.clone();
    }
    let cut: String = event.event.chars().take(TIMELINE_LABEL - 1).collect();
    let at_word = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", at_word.trim_end_matches([',', ';', ':']))
}

/// Places `events` (in timeline order) on the axis.
pub fn layout(events: &[&Event]) -> Layout {
    let mut placed: Vec<Placed> = Vec::with_capacity(events.len());
    let mut last_dated: Option<(i64, f32)> = None;
    for event in events {
        let after = placed.last().map(|p| p.y + ROW);
        let by_date = match (months(event), last_dated) {
            (Some(m), Some((before, y))) => Some(y + (m - before).max(0) as f32 * PX_PER_MONTH),
            _ => None,
        };
        let y = match (after, by_date) {
            (None, _) => TOP,
            (Some(after), Some(by_date)) => after.max(by_date),
            (Some(after), None) => after,
        };
        if let Some(m) = months(event) {
            last_dated = Some((m, y));
        }
        placed.push(Placed {
            id: event.id.clone(),
            y,
            date: date_label(event),
            label: label(event),
            dated: event.dated,
        });
    }
    let last = placed.last().map_or(TOP, |p| p.y);
    Layout {
        events: placed,
        height: (last + BOTTOM).ceil() as u32,
    }
}

/// `text` safe inside an SVG element or attribute.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The picture's title.
pub const TITLE: &str = "Timeline";

/// The picture as SVG: the title, the axis, one marker, date and label per event, and
/// `credit` at the bottom.
pub fn timeline_svg(events: &[&Event], credit: &str) -> String {
    let layout = layout(events);
    let (width, height) = (WIDTH, layout.height);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"{FONT_FAMILY}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"40\" y=\"60\" font-size=\"34\" fill=\"#1f2328\">{}</text>\n",
        xml_escape(TITLE)
    );
    if let (Some(first), Some(last)) = (layout.events.first(), layout.events.last()) {
        let _ = writeln!(
            svg,
            "<line x1=\"{AXIS_X}\" y1=\"{}\" x2=\"{AXIS_X}\" y2=\"{}\" stroke=\"#8c959f\" stroke-width=\"4\"/>",
            first.y - 20.0,
            last.y + 20.0
        );
    }
    for event in &layout.events {
        let y = event.y;
        let (marker, date_colour) = if event.dated {
            ("fill=\"#2f81f7\" stroke=\"#2f81f7\"", "#1f2328")
        } else {
            ("fill=\"#ffffff\" stroke=\"#8c959f\"", "#6e7781")
        };
        let _ = writeln!(
            svg,
            "<g id=\"{id}\">\
             <circle cx=\"{AXIS_X}\" cy=\"{y}\" r=\"10\" stroke-width=\"4\" {marker}/>\
             <text x=\"{dx}\" y=\"{ty}\" font-size=\"22\" text-anchor=\"end\" fill=\"{date_colour}\">{date}</text>\
             <text x=\"{lx}\" y=\"{ty}\" font-size=\"25\" fill=\"#1f2328\">{label}</text></g>",
            id = xml_escape(&event.id),
            dx = AXIS_X - 26.0,
            lx = AXIS_X + 28.0,
            ty = y + 8.0,
            date = xml_escape(&event.date),
            label = xml_escape(&event.label),
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"40\" y=\"{}\" font-size=\"20\" fill=\"#6e7781\">{}</text>\n</svg>",
        height - 30,
        xml_escape(credit)
    );
    svg
}

/// The embedded font, loaded once.
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut options = usvg::Options {
            font_family: FONT_FAMILY.to_string(),
            ..usvg::Options::default()
        };
        options.fontdb_mut().load_font_data(FONT.to_vec());
        options
    })
}

/// The picture as PNG bytes (the same events always give the same bytes).
pub fn timeline_png(events: &[&Event], credit: &str) -> Result<Vec<u8>, PictureError> {
    let svg = timeline_svg(events, credit);
    let tree = usvg::Tree::from_str(&svg, options())?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or(PictureError::Size(size.height()))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|error| PictureError::Png(error.to_string()))
}

/// A rendered picture, shared between the replies that send it.
pub type Png = Arc<Vec<u8>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, sort: i64, dated: bool, label: Option<&str>) -> Event {
        Event {
            id: id.into(),
            sort,
            date: "as the article says".into(),
            dated,
            year: dated.then_some((sort / 10_000) as i32),
            event: "Something happened in the story, told at some length so that it must be cut somewhere.".into(),
            label: label.map(str::to_string),
            sources: Vec::new(),
        }
    }

    #[test]
    fn dated_events_sit_at_their_dates_and_undated_ones_follow_the_story() {
        let events = [
            event("a", 20180100, true, Some("First")),
            event("b", 20180101, false, Some("Right after")),
            event("c", 20180200, true, Some("A month on, pushed down")),
            event("d", 20190100, true, Some("A year on")),
        ];
        let refs: Vec<&Event> = events.iter().collect();
        let layout = layout(&refs);
        let y: Vec<f32> = layout.events.iter().map(|p| p.y).collect();
        assert_eq!(y[0], TOP);
        assert_eq!(y[1], TOP + ROW);
        // One month is less than a row: it follows the row above.
        assert_eq!(y[2], TOP + 2.0 * ROW);
        // Eleven months after "c"'s date, measured from where "c" is drawn.
        assert_eq!(y[3], y[2] + 11.0 * PX_PER_MONTH);
        assert_eq!(layout.events[0].date, "Jan 2018");
        assert_eq!(layout.events[1].date, "undated");
        assert_eq!(layout.height, (y[3] + BOTTOM).ceil() as u32);
    }

    #[test]
    fn a_missing_label_is_the_event_cut_at_a_word() {
        let e = event("a", 20180100, true, None);
        let label = label(&e);
        assert!(label.chars().count() <= TIMELINE_LABEL, "{label}");
        assert!(label.ends_with('…') && !label.ends_with(" …"), "{label}");
    }

    #[test]
    fn every_event_of_the_data_is_drawn_in_order_with_its_label() {
        let kb = crate::data::embedded().unwrap();
        let events = kb.timeline_between(None, None);
        let svg = timeline_svg(&events, &kb.source().attribution);
        let mut at = 0;
        for event in &events {
            let group = format!("<g id=\"{}\">", xml_escape(&event.id));
            let found = svg[at..].find(&group).map(|i| i + at);
            assert!(found.is_some(), "{} missing or out of order", event.id);
            at = found.unwrap();
            assert!(svg[at..].contains(&xml_escape(&label(event))));
        }
        let layout = layout(&events);
        assert!(layout.events.windows(2).all(|w| w[1].y >= w[0].y + ROW));
        assert!(layout.height < 4 * WIDTH, "{}", layout.height);
    }

    #[test]
    fn text_is_escaped_in_the_svg() {
        let e = event("a", 20180100, true, Some("<AT&T> \"wins\""));
        let svg = timeline_svg(&[&e], "R & D");
        assert!(svg.contains("&lt;AT&amp;T&gt; &quot;wins&quot;"), "{svg}");
        assert!(svg.contains("R &amp; D"), "{svg}");
        assert!(usvg::Tree::from_str(&svg, options()).is_ok());
    }
}
