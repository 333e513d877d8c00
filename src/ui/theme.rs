//! Styles: sixteen ANSI colours at most (what a jump host's terminal has),
//! or none at all (`NO_COLOR`, or `--no-color`), where bold and reverse
//! carry the meaning. Colour is never the only signal: health is also text.

use ratatui::style::{Color, Modifier, Style};

use crate::model::pod_status::Health;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn colored() -> Theme {
        Theme { color: true }
    }

    pub fn monochrome() -> Theme {
        Theme { color: false }
    }

    /// Colour unless `NO_COLOR` is set (https://no-color.org).
    pub fn from_environment() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    pub fn health(&self, health: Health) -> Style {
        match health {
            Health::Healthy => Style::default(),
            Health::Completed => self.fg(Color::DarkGray),
            Health::Progressing => self.fg(Color::Yellow),
            Health::Failing => self.fg(Color::Red).add_modifier(if self.color {
                Modifier::empty()
            } else {
                Modifier::BOLD
            }),
        }
    }

    pub fn header(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn badge(&self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    pub fn column_header(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn matched(&self) -> Style {
        self.fg(Color::Cyan)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }

    pub fn warning(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

/// The text marker of a health, for screens without colour.
pub fn health_marker(health: Health) -> &'static str {
    match health {
        Health::Healthy => " ",
        Health::Completed => "-",
        Health::Progressing => "~",
        Health::Failing => "!",
    }
}
