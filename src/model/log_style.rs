//! Styles that log lines ask for with ANSI SGR sequences (`ESC [ ... m`),
//! reduced to what a theme can map: one of the 16 ANSI colours for the
//! foreground and background, and five attributes. This module owns the SGR
//! parameter rules and the 256-colour and true-colour reduction; it holds no
//! terminal or ratatui types, and never passes a sequence through.

use std::ops::Range;

/// One of the 16 ANSI colours; the discriminant is its SGR index (0 to 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum AnsiColor {
    Black = 0,
    Red = 1,
    Green = 2,
    Yellow = 3,
    Blue = 4,
    Magenta = 5,
    Cyan = 6,
    White = 7,
    BrightBlack = 8,
    BrightRed = 9,
    BrightGreen = 10,
    BrightYellow = 11,
    BrightBlue = 12,
    BrightMagenta = 13,
    BrightCyan = 14,
    BrightWhite = 15,
}

const ALL_COLORS: [AnsiColor; 16] = [
    AnsiColor::Black,
    AnsiColor::Red,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Blue,
    AnsiColor::Magenta,
    AnsiColor::Cyan,
    AnsiColor::White,
    AnsiColor::BrightBlack,
    AnsiColor::BrightRed,
    AnsiColor::BrightGreen,
    AnsiColor::BrightYellow,
    AnsiColor::BrightBlue,
    AnsiColor::BrightMagenta,
    AnsiColor::BrightCyan,
    AnsiColor::BrightWhite,
];

/// The xterm default values of the 16 colours, used only to find the
/// nearest one to a 256-colour or true-colour request.
const PALETTE: [[i32; 3]; 16] = [
    [0, 0, 0],
    [205, 0, 0],
    [0, 205, 0],
    [205, 205, 0],
    [0, 0, 238],
    [205, 0, 205],
    [0, 205, 205],
    [229, 229, 229],
    [127, 127, 127],
    [255, 0, 0],
    [0, 255, 0],
    [255, 255, 0],
    [92, 92, 255],
    [255, 0, 255],
    [0, 255, 255],
    [255, 255, 255],
];

/// The six channel levels of the 6x6x6 cube of the 256-colour palette.
const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

impl AnsiColor {
    /// The colour with SGR index `index` (0 to 15).
    pub fn from_index(index: u8) -> Option<AnsiColor> {
        ALL_COLORS.get(usize::from(index)).copied()
    }

    /// The SGR index, 0 to 15.
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The nearest of the 16 colours to entry `number` of the 256-colour
    /// palette: 0 to 15 are themselves, 16 to 231 the colour cube, 232 to 255
    /// the grey ramp.
    pub fn from_256(number: u8) -> AnsiColor {
        match number {
            0..=15 => ALL_COLORS[usize::from(number)],
            16..=231 => {
                let cube = number - 16;
                AnsiColor::nearest_rgb(
                    CUBE_LEVELS[usize::from(cube / 36)],
                    CUBE_LEVELS[usize::from(cube / 6 % 6)],
                    CUBE_LEVELS[usize::from(cube % 6)],
                )
            }
            232..=255 => {
                let grey = 8 + 10 * (number - 232);
                AnsiColor::nearest_rgb(grey, grey, grey)
            }
        }
    }

    /// The nearest of the 16 colours to a true colour, by a distance that
    /// weighs green most and blue more than red, as the eye does.
    pub fn nearest_rgb(red: u8, green: u8, blue: u8) -> AnsiColor {
        let target = [i32::from(red), i32::from(green), i32::from(blue)];
        let distance = |entry: &[i32; 3]| {
            let [dr, dg, db] = [0, 1, 2].map(|channel| entry[channel] - target[channel]);
            2 * dr * dr + 4 * dg * dg + 3 * db * db
        };
        let mut best = AnsiColor::Black;
        let mut best_distance = i32::MAX;
        for (color, entry) in ALL_COLORS.iter().zip(PALETTE.iter()) {
            let candidate = distance(entry);
            if candidate < best_distance {
                best = *color;
                best_distance = candidate;
            }
        }
        best
    }
}

/// A set of text attributes, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Attributes(u8);

impl Attributes {
    pub const BOLD: Attributes = Attributes(1);
    pub const DIM: Attributes = Attributes(1 << 1);
    pub const ITALIC: Attributes = Attributes(1 << 2);
    pub const UNDERLINE: Attributes = Attributes(1 << 3);
    pub const REVERSE: Attributes = Attributes(1 << 4);

    pub const fn empty() -> Attributes {
        Attributes(0)
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when every attribute of `other` is set here.
    pub const fn contains(self, other: Attributes) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, other: Attributes) {
        self.0 |= other.0;
    }

    pub fn remove(&mut self, other: Attributes) {
        self.0 &= !other.0;
    }
}

/// The style a log line asked for over some of its text. Three bytes; the
/// default is the terminal's own style (no colour, no attribute).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AnsiStyle {
    pub fg: Option<AnsiColor>,
    pub bg: Option<AnsiColor>,
    pub attributes: Attributes,
}

impl AnsiStyle {
    /// True for the default style, which needs no span.
    pub fn is_plain(&self) -> bool {
        *self == AnsiStyle::default()
    }

    pub fn bold(&self) -> bool {
        self.attributes.contains(Attributes::BOLD)
    }

    pub fn dim(&self) -> bool {
        self.attributes.contains(Attributes::DIM)
    }

    pub fn italic(&self) -> bool {
        self.attributes.contains(Attributes::ITALIC)
    }

    pub fn underline(&self) -> bool {
        self.attributes.contains(Attributes::UNDERLINE)
    }

    pub fn reverse(&self) -> bool {
        self.attributes.contains(Attributes::REVERSE)
    }

    /// Applies the parameters of one SGR sequence, the bytes between `ESC [`
    /// and `m`, which must be digits, `;` and `:` only. Parameters are
    /// separated by `;`, sub-parameters by `:`; an empty parameter is 0, so
    /// `ESC [ m` resets. Extended colours are accepted in both forms
    /// (`38;5;n`, `38;2;r;g;b`, `38:5:n`, `38:2:r:g:b`, `38:2:id:r:g:b`) and
    /// reduced to the nearest of the 16 colours; codes this model does not
    /// keep (blink, strike-through, underline colour, fonts) are skipped.
    pub fn apply_sgr(&mut self, parameters: &[u8]) {
        let mut groups = parameters.split(|byte| *byte == b';');
        while let Some(group) = groups.next() {
            let mut subparameters = group.split(|byte| *byte == b':').map(number);
            let code = subparameters.next().flatten().unwrap_or(0);
            match code {
                0 => *self = AnsiStyle::default(),
                1 => self.attributes.insert(Attributes::BOLD),
                2 => self.attributes.insert(Attributes::DIM),
                3 => self.attributes.insert(Attributes::ITALIC),
                4 => self.attributes.insert(Attributes::UNDERLINE),
                7 => self.attributes.insert(Attributes::REVERSE),
                22 => {
                    self.attributes.remove(Attributes::BOLD);
                    self.attributes.remove(Attributes::DIM);
                }
                23 => self.attributes.remove(Attributes::ITALIC),
                24 => self.attributes.remove(Attributes::UNDERLINE),
                27 => self.attributes.remove(Attributes::REVERSE),
                30..=37 => self.fg = color_at(code - 30),
                39 => self.fg = None,
                40..=47 => self.bg = color_at(code - 40),
                49 => self.bg = None,
                90..=97 => self.fg = color_at(code - 90 + 8),
                100..=107 => self.bg = color_at(code - 100 + 8),
                38 | 48 | 58 => {
                    let color = if group.contains(&b':') {
                        extended_color(&mut subparameters, true)
                    } else {
                        extended_color(&mut (&mut groups).map(number), false)
                    };
                    match (code, color) {
                        (38, Some(color)) => self.fg = Some(color),
                        (48, Some(color)) => self.bg = Some(color),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
}

fn color_at(index: u16) -> Option<AnsiColor> {
    u8::try_from(index).ok().and_then(AnsiColor::from_index)
}

/// A decimal parameter; `None` when empty. Saturates instead of overflowing.
fn number(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() {
        return None;
    }
    let value = digits.iter().fold(0u32, |value, digit| {
        (value * 10 + u32::from(digit.wrapping_sub(b'0'))).min(u32::from(u16::MAX))
    });
    u16::try_from(value).ok()
}

/// Reads the rest of an extended colour (after 38, 48 or 58): `5;n` or
/// `2;r;g;b`. In the colon form (`colon`) a colour-space id may come before
/// r, g, b; it is there when four values follow the 2. Takes only what it
/// needs from `values`, so a following `;`-separated code is not lost.
fn extended_color(values: &mut dyn Iterator<Item = Option<u16>>, colon: bool) -> Option<AnsiColor> {
    let channel = |value: Option<u16>| u8::try_from(value.unwrap_or(0)).ok();
    match values.next().flatten()? {
        5 => values.next().and_then(channel).map(AnsiColor::from_256),
        2 => {
            let mut rgb = [values.next()?, values.next()?, values.next()?];
            if colon && let Some(blue) = values.next() {
                rgb = [rgb[1], rgb[2], blue];
            }
            let [red, green, blue] = rgb.map(channel);
            Some(AnsiColor::nearest_rgb(red?, green?, blue?))
        }
        _ => None,
    }
}

/// A styled byte range of a line's display text. Spans of one line are in
/// order, do not overlap and are never empty; text outside every span has
/// the default style. Offsets are `u16` because a line's display text is
/// capped at [`MAX_LINE_BYTES`](crate::model::log_line::MAX_LINE_BYTES).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StyleSpan {
    pub start: u16,
    pub end: u16,
    pub style: AnsiStyle,
}

impl StyleSpan {
    /// The byte range of the display text this span covers.
    pub fn range(&self) -> Range<usize> {
        usize::from(self.start)..usize::from(self.end)
    }
}
