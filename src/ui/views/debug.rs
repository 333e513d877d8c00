//! The debug pop-ups: the debug dialog (fields, Pod Security advice, the
//! pod's existing ephemeral containers, the container spec that will be
//! sent and the equivalent `kubectl debug`), the progress of a new debug
//! container, and the exec dialog. Reads the state, never changes it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::debug::{DebugDialog, DebugFlow, DebugProgress, ExecDialog, Field, Shell};
use crate::app::state::AppState;
use crate::model::debug::Profile;
use crate::model::pod_security::{Advice, Enforcement};
use crate::model::safe_text::SafeText;
use crate::protocol::debug::ContainerProgress;
use crate::ui::theme::Theme;
use crate::ui::widgets::popup::centered;

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    match &state.debug.flow {
        Some(DebugFlow::Dialog(dialog)) => draw_dialog(frame, area, dialog, theme),
        Some(DebugFlow::Progress(progress)) => draw_progress(frame, area, progress, theme),
        Some(DebugFlow::Exec(dialog)) => draw_exec(frame, area, dialog, theme),
        None => {}
    }
}

/// A form row: marker, label, value and a dim hint.
fn row(
    focused: bool,
    label: &str,
    value: String,
    hint: &str,
    editing: bool,
    theme: &Theme,
) -> Line<'static> {
    let marker = if focused { "›" } else { " " };
    let mut spans = vec![
        Span::styled(format!("{marker} {label:<9}"), theme.title()),
        Span::styled(
            value,
            if focused {
                theme.selected()
            } else {
                Style::default()
            },
        ),
    ];
    if focused && editing {
        spans.push(Span::raw("█"));
    }
    if focused && !hint.is_empty() {
        spans.push(Span::styled(format!("  {hint}"), theme.dim()));
    }
    Line::from(spans)
}

fn advice_line(dialog: &DebugDialog, theme: &Theme) -> Line<'static> {
    let namespace = dialog.namespace.as_str();
    let profile = dialog.profile.name();
    match dialog.advice() {
        Advice::Pending => Line::from(Span::styled(
            "  Pod Security: reading the namespace…".to_string(),
            theme.dim(),
        )),
        Advice::Unknown(reason) => Line::from(Span::styled(
            format!(
                "? Pod Security level of {namespace} unknown: {}",
                reason.as_str()
            ),
            theme.warning(),
        )),
        Advice::Passes => {
            let text = match &dialog.enforcement {
                Enforcement::Enforced(level) => {
                    let chosen = if dialog.profile_chosen || dialog.profile == Profile::General {
                        ""
                    } else {
                        " (chosen for this namespace)"
                    };
                    format!(
                        "✓ {namespace} enforces Pod Security {}: {profile} passes{chosen}",
                        level.name()
                    )
                }
                _ => format!("✓ {namespace} enforces no Pod Security level"),
            };
            Line::from(Span::styled(text, theme.dim()))
        }
        Advice::Rejected {
            level,
            reasons,
            instead,
        } => {
            let choice = match instead {
                Some(other) => format!(" Choose {} instead.", other.name()),
                None => " No profile passes with this run-as user.".to_string(),
            };
            Line::from(Span::styled(
                format!(
                    "⚠ {namespace} enforces Pod Security {}: {profile} will be rejected ({}).{choice}",
                    level.name(),
                    reasons.join("; ")
                ),
                theme.warning(),
            ))
        }
    }
}

/// Rows `lines` take when wrapped at `width` (words may wrap a little
/// earlier than characters, hence the spare row).
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let rows: usize = lines
        .iter()
        .map(|line| line.width().div_ceil(width).max(1))
        .sum();
    u16::try_from(rows + 1).unwrap_or(u16::MAX)
}

/// The dialog's fields, one a line, and the Pod Security advice.
fn field_lines(dialog: &DebugDialog, theme: &Theme) -> Vec<Line<'static>> {
    let focus = dialog.focus;
    let target = dialog
        .containers
        .get(dialog.target)
        .map_or_else(|| "(none)".to_string(), SafeText::to_string);
    let count = dialog.containers.len();
    let mut lines = vec![
        row(
            focus == Field::Image,
            "Image",
            dialog.image.shown().to_string(),
            "←→ recent images",
            true,
            theme,
        ),
        row(
            focus == Field::Target,
            "Target",
            target,
            &format!("←→ {count} container(s)"),
            false,
            theme,
        ),
        row(
            focus == Field::Profile,
            "Profile",
            format!(
                "{}{}  {}",
                dialog.profile.name(),
                if dialog.profile.dangerous() {
                    " (dangerous)"
                } else {
                    ""
                },
                dialog.profile.summary()
            ),
            "←→",
            false,
            theme,
        ),
        row(
            focus == Field::Command,
            "Command",
            dialog.command.shown().to_string(),
            "",
            true,
            theme,
        ),
        row(
            focus == Field::RunAs,
            "Run as",
            if dialog.run_as_user.is_empty() && focus != Field::RunAs {
                "(the image's user)".to_string()
            } else {
                dialog.run_as_user.shown().to_string()
            },
            "numeric user ID",
            true,
            theme,
        ),
        advice_line(dialog, theme),
    ];
    if dialog.profile == Profile::Restricted && dialog.run_as_user.as_typed().trim().is_empty() {
        lines.push(Line::from(Span::styled(
            "  restricted sets runAsNonRoot: an image that runs as root will not start; set Run as (e.g. 65534)"
                .to_string(),
            theme.dim(),
        )));
    }
    lines
}

/// The pod's ephemeral containers, which the dialog can attach to.
fn existing_lines(dialog: &DebugDialog, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    let focus = dialog.focus;
    if !dialog.inspected {
        lines.push(Line::from(Span::styled(
            "  Reading the pod's ephemeral containers…".to_string(),
            theme.dim(),
        )));
    } else if dialog.existing.is_empty() {
        lines.push(Line::from(Span::styled(
            "  No ephemeral containers in the pod yet (once added they cannot be removed)."
                .to_string(),
            theme.dim(),
        )));
    } else {
        lines.push(Line::from(Span::raw(
            "  Already in the pod (they cannot be removed; Enter on a running one attaches):"
                .to_string(),
        )));
        for (index, existing) in dialog.existing.iter().enumerate() {
            let focused = focus == Field::Existing(index);
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{}   ", if focused { "›" } else { " " }),
                    theme.title(),
                ),
                Span::styled(
                    format!(
                        "{}  {}  {}",
                        existing.name.as_str(),
                        existing.image.as_str(),
                        existing.progress.label().as_str()
                    ),
                    if focused {
                        theme.selected()
                    } else {
                        Style::default()
                    },
                ),
            ]));
        }
    }
}

/// What will be sent, and the same as a `kubectl debug` command line.
fn spec_lines(dialog: &DebugDialog, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    let spec = dialog.spec();
    lines.push(Line::from(Span::styled(
        "  Sends (strategic-merge PATCH of pods/ephemeralcontainers):".to_string(),
        theme.title(),
    )));
    lines.push(Line::from(format!("  {}", spec.shown_container().as_str())));
    lines.push(Line::from(Span::styled(
        "  Same as:".to_string(),
        theme.title(),
    )));
    lines.push(Line::from(format!("  {}", spec.kubectl_command().as_str())));
}

fn draw_dialog(frame: &mut Frame, area: Rect, dialog: &DebugDialog, theme: &Theme) {
    let mut lines = field_lines(dialog, theme);
    existing_lines(dialog, theme, &mut lines);
    spec_lines(dialog, theme, &mut lines);

    let status: Line = if dialog.confirming {
        Line::from(Span::styled(
            "sysadmin runs a privileged container with full access to the node. Press y to add it, any other key to go back."
                .to_string(),
            theme.error(),
        ))
    } else if dialog.sending {
        Line::from(Span::styled("Sending the patch…".to_string(), theme.dim()))
    } else if let Some(error) = &dialog.error {
        Line::from(Span::styled(error.as_str().to_string(), theme.error()))
    } else {
        Line::from("")
    };
    let hints = Line::from(Span::styled(
        "Tab/↑↓ field  ←→ choose  Enter add and attach  Esc cancel".to_string(),
        theme.dim(),
    ));
    let width = area.width.saturating_sub(2).min(108);
    // The error or question comes before the spec when space is short.
    let footer_height = if status.width() == 0 {
        1
    } else {
        (wrapped_height(std::slice::from_ref(&status), width) + 1).min(8)
    };
    let outer = centered(
        area,
        110,
        wrapped_height(&lines, width) + footer_height + 2,
        1,
    );
    frame.render_widget(Clear, outer);
    let title = format!(
        " Debug pod {}/{} ",
        dialog.namespace.as_str(),
        dialog.pod.as_str()
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let [body, footer] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(footer_height)]).areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    let footer_lines = if status.width() == 0 {
        vec![hints]
    } else {
        vec![status, hints]
    };
    frame.render_widget(
        Paragraph::new(footer_lines).wrap(Wrap { trim: false }),
        footer,
    );
}

fn progress_line(progress: &ContainerProgress, theme: &Theme) -> Vec<Line<'static>> {
    let (marker, style) = match progress {
        ContainerProgress::Running => ("✓", Style::default()),
        ContainerProgress::Terminated { exit_code: 0, .. } => ("■", theme.warning()),
        ContainerProgress::Terminated { .. } => ("✗", theme.error()),
        ContainerProgress::Waiting { reason, .. }
            if matches!(
                reason.as_str(),
                "ErrImagePull"
                    | "ImagePullBackOff"
                    | "InvalidImageName"
                    | "CreateContainerConfigError"
                    | "CreateContainerError"
                    | "RunContainerError"
            ) =>
        {
            ("✗", theme.error())
        }
        _ => ("…", theme.dim()),
    };
    let mut lines = vec![Line::from(Span::styled(
        format!("  {marker} {}", progress.label().as_str()),
        style,
    ))];
    let message = match progress {
        ContainerProgress::Waiting { message, .. }
        | ContainerProgress::Terminated { message, .. } => message.as_str(),
        _ => "",
    };
    if !message.is_empty() {
        lines.push(Line::from(Span::styled(format!("      {message}"), style)));
    }
    lines
}

fn draw_progress(frame: &mut Frame, area: Rect, progress: &DebugProgress, theme: &Theme) {
    let mut lines = vec![
        Line::from(format!(
            "  Image {}   Profile {}",
            progress.image.shown().as_str(),
            progress.profile.name()
        )),
        Line::from(Span::styled(
            format!(
                "  Audit-Id {}",
                progress
                    .audit_id
                    .as_ref()
                    .map_or_else(|| "(none returned)".to_string(), SafeText::to_string)
            ),
            theme.dim(),
        )),
        Line::from(""),
        Line::from("  ✓ Added to the pod"),
    ];
    for seen in &progress.seen {
        lines.extend(progress_line(seen, theme));
    }
    let ended = matches!(
        progress.progress,
        Some(ContainerProgress::Terminated { .. })
    );
    if progress.progress.is_none() || progress.seen.is_empty() {
        lines.push(Line::from(Span::styled(
            "  … waiting for the kubelet".to_string(),
            theme.dim(),
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        if ended {
            "  The container ended before it could be attached. Esc closes.".to_string()
        } else {
            "  Attaches once it runs. Esc stops waiting (the container stays in the pod)."
                .to_string()
        },
        theme.dim(),
    )));
    let width = area.width.saturating_sub(2).min(98);
    let outer = centered(area, 100, wrapped_height(&lines, width) + 2, 1);
    frame.render_widget(Clear, outer);
    let title = format!(
        " Debug container {} in {}/{} ",
        progress.container.as_str(),
        progress.namespace.as_str(),
        progress.pod.as_str()
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn draw_exec(frame: &mut Frame, area: Rect, dialog: &ExecDialog, theme: &Theme) {
    let outer = centered(area, 90, 10, 1);
    frame.render_widget(Clear, outer);
    let title = format!(
        " Exec in pod {}/{} ",
        dialog.namespace.as_str(),
        dialog.pod.as_str()
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let container = dialog
        .containers
        .get(dialog.container)
        .map_or_else(|| "(none)".to_string(), SafeText::to_string);
    let choice = |shell: Shell, label: String| {
        let chosen = dialog.shell == shell;
        Span::styled(
            format!("{} {label}  ", if chosen { "(•)" } else { "( )" }),
            if chosen {
                theme.selected()
            } else {
                Style::default()
            },
        )
    };
    let custom = if dialog.shell == Shell::Custom {
        format!("custom: {}█", dialog.custom.shown().as_str())
    } else {
        "custom".to_string()
    };
    let command = dialog.shown_command();
    let lines = vec![
        Line::from(vec![
            Span::styled("  Container ".to_string(), theme.title()),
            Span::raw(container.clone()),
            Span::styled(
                format!("  ←→ {} container(s)", dialog.containers.len()),
                theme.dim(),
            ),
        ]),
        Line::from(vec![
            Span::styled("  Command   ".to_string(), theme.title()),
            choice(Shell::Sh, "sh".to_string()),
            choice(Shell::Bash, "bash".to_string()),
            choice(Shell::Custom, custom),
        ]),
        Line::from(""),
        Line::from(Span::styled("  Same as:".to_string(), theme.title())),
        Line::from(format!(
            "  kubectl exec -it -n={} {} -c={} -- {}",
            dialog.namespace.as_str(),
            dialog.pod.as_str(),
            container,
            command.as_str()
        )),
        Line::from(""),
        Line::from(Span::styled(
            "  ↑↓ command  ←→ container  Enter run  Esc cancel  (Ctrl-P Ctrl-Q detaches)"
                .to_string(),
            theme.dim(),
        )),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
