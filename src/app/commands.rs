//! The command registry: one table of everything a user can ask for, with
//! its palette name, help line, default keys, the rights it needs and whether
//! it changes the cluster. The keymap, the help screen and the palette are
//! all generated from it.

/// Every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandId {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    Back,
    Filter,
    Palette,
    Help,
    Yaml,
    Logs,
    SortNext,
    SortReverse,
    Pods,
    Workloads,
    Namespaces,
    Contexts,
    Nodes,
    AllNamespaces,
    NextContainer,
    LogFollow,
    LogPrevious,
    LogTimestamps,
    LogWrap,
    LogSince,
    LogTail,
    LogSave,
    LogFilter,
    LogFilterOut,
    NextMatch,
    PreviousMatch,
    Debug,
    Exec,
    Quit,
}

/// A right a command needs, checked before it is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    pub verb: &'static str,
    pub resource: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Danger {
    ReadOnly,
    Mutates,
    Dangerous,
}

#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub id: CommandId,
    pub name: &'static str,
    pub summary: &'static str,
    pub keys: &'static [&'static str],
    pub needs: &'static [Permission],
    pub danger: Danger,
}

const fn read_only(
    id: CommandId,
    name: &'static str,
    summary: &'static str,
    keys: &'static [&'static str],
) -> Command {
    Command {
        id,
        name,
        summary,
        keys,
        needs: &[],
        danger: Danger::ReadOnly,
    }
}

pub const COMMANDS: &[Command] = &[
    read_only(CommandId::Up, "up", "Move up", &["up", "k"]),
    read_only(CommandId::Down, "down", "Move down", &["down", "j"]),
    read_only(CommandId::Top, "top", "Go to the first row", &["g", "home"]),
    read_only(
        CommandId::Bottom,
        "bottom",
        "Go to the last row",
        &["G", "end"],
    ),
    read_only(
        CommandId::PageUp,
        "page-up",
        "Move up a page",
        &["pageup", "ctrl-b"],
    ),
    read_only(
        CommandId::PageDown,
        "page-down",
        "Move down a page",
        &["pagedown", "ctrl-f"],
    ),
    read_only(CommandId::Open, "open", "Open the selected row", &["enter"]),
    read_only(CommandId::Back, "back", "Go back", &["esc"]),
    read_only(
        CommandId::Filter,
        "filter",
        "Filter the list (fuzzy)",
        &["/"],
    ),
    read_only(
        CommandId::Palette,
        "palette",
        "Open the command palette",
        &[":"],
    ),
    read_only(CommandId::Help, "help", "Show the keys", &["?"]),
    Command {
        id: CommandId::Yaml,
        name: "yaml",
        summary: "Show the object as YAML",
        keys: &["y"],
        needs: &[Permission {
            verb: "get",
            resource: "pods",
        }],
        danger: Danger::ReadOnly,
    },
    Command {
        id: CommandId::Logs,
        name: "logs",
        summary: "Show the logs, or of a selector: `logs app=web`",
        keys: &["l"],
        needs: &[Permission {
            verb: "get",
            resource: "pods/log",
        }],
        danger: Danger::ReadOnly,
    },
    read_only(
        CommandId::SortNext,
        "sort",
        "Sort by the next column",
        &[">"],
    ),
    read_only(
        CommandId::SortReverse,
        "reverse",
        "Reverse the sort order",
        &["<"],
    ),
    Command {
        id: CommandId::Pods,
        name: "pods",
        summary: "List pods",
        keys: &["1"],
        needs: &[Permission {
            verb: "list",
            resource: "pods",
        }],
        danger: Danger::ReadOnly,
    },
    read_only(
        CommandId::Workloads,
        "deploy",
        "List workloads (deployments, statefulsets, daemonsets, jobs)",
        &["2"],
    ),
    read_only(
        CommandId::Namespaces,
        "ns",
        "List namespaces, or switch: `ns NAME`",
        &["3"],
    ),
    read_only(
        CommandId::Contexts,
        "ctx",
        "List contexts, or switch: `ctx NAME`",
        &["4"],
    ),
    read_only(CommandId::Nodes, "nodes", "List nodes", &["5"]),
    read_only(
        CommandId::AllNamespaces,
        "all",
        "Show every namespace",
        &["0"],
    ),
    read_only(
        CommandId::NextContainer,
        "container",
        "Select the next container",
        &["tab"],
    ),
    read_only(
        CommandId::LogFollow,
        "follow",
        "Follow newest / pause",
        &["f"],
    ),
    read_only(
        CommandId::LogPrevious,
        "previous",
        "Previous instance",
        &["p"],
    ),
    read_only(
        CommandId::LogTimestamps,
        "timestamps",
        "Show or hide timestamps",
        &["t"],
    ),
    read_only(CommandId::LogWrap, "wrap", "Wrap long lines", &["w"]),
    read_only(
        CommandId::LogSince,
        "since",
        "Since 1m/5m/15m/1h/all",
        &["S"],
    ),
    read_only(
        CommandId::LogTail,
        "tail",
        "Tail: lines to start with",
        &["T"],
    ),
    read_only(
        CommandId::LogSave,
        "save",
        "Save the lines shown",
        &["ctrl-s"],
    ),
    read_only(
        CommandId::LogFilter,
        "grep",
        "Show only matching lines",
        &["&"],
    ),
    read_only(
        CommandId::LogFilterOut,
        "grep-v",
        "Hide matching lines",
        &["!"],
    ),
    read_only(CommandId::NextMatch, "next", "Next match", &["n"]),
    read_only(CommandId::PreviousMatch, "prev", "Previous match", &["N"]),
    Command {
        id: CommandId::Debug,
        name: "debug",
        summary: "Add a debug container",
        keys: &["d"],
        needs: &[
            Permission {
                verb: "patch",
                resource: "pods/ephemeralcontainers",
            },
            Permission {
                verb: "create",
                resource: "pods/attach",
            },
        ],
        danger: Danger::Mutates,
    },
    Command {
        id: CommandId::Exec,
        name: "exec",
        summary: "Run a shell in a container",
        keys: &["s"],
        needs: &[Permission {
            verb: "create",
            resource: "pods/exec",
        }],
        danger: Danger::Mutates,
    },
    read_only(CommandId::Quit, "quit", "Quit", &["q", "ctrl-c"]),
];

/// Commands that act only in the log view (the help screen shows them
/// there, and hides them elsewhere).
pub fn logs_only(id: CommandId) -> bool {
    matches!(
        id,
        CommandId::LogFollow
            | CommandId::LogPrevious
            | CommandId::LogTimestamps
            | CommandId::LogWrap
            | CommandId::LogSince
            | CommandId::LogTail
            | CommandId::LogSave
            | CommandId::LogFilter
            | CommandId::LogFilterOut
    )
}

/// Whether the help screen of `view` lists a command.
pub fn listed_in(view: super::state::View, id: CommandId) -> bool {
    use super::state::View;
    match view {
        View::Logs => !lists_only(id),
        View::Yaml => !logs_only(id) && id != CommandId::NextContainer,
        View::PodDetail => {
            !logs_only(id) && !matches!(id, CommandId::NextMatch | CommandId::PreviousMatch)
        }
        _ => {
            !logs_only(id)
                && !matches!(
                    id,
                    CommandId::NextMatch | CommandId::PreviousMatch | CommandId::NextContainer
                )
        }
    }
}

/// Commands that mean nothing in the log view.
pub fn lists_only(id: CommandId) -> bool {
    matches!(
        id,
        CommandId::Open
            | CommandId::Yaml
            | CommandId::Logs
            | CommandId::SortNext
            | CommandId::SortReverse
            | CommandId::AllNamespaces
            | CommandId::NextContainer
            | CommandId::Debug
            | CommandId::Exec
    )
}

/// The registry entry of a command.
pub fn command(id: CommandId) -> &'static Command {
    COMMANDS.iter().find(|c| c.id == id).unwrap_or(&COMMANDS[0])
}

/// Find a command by palette name (or a short alias users know from kubectl).
pub fn by_name(name: &str) -> Option<&'static Command> {
    let name = match name {
        "po" | "pod" => "pods",
        "deployments" | "deployment" | "workloads" | "sts" | "ds" | "jobs" => "deploy",
        "namespace" | "namespaces" => "ns",
        "context" | "contexts" => "ctx",
        "node" | "no" => "nodes",
        "q" | "q!" => "quit",
        other => other,
    };
    COMMANDS.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keys_are_unique() {
        let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        assert!(names.windows(2).all(|pair| pair[0] != pair[1]));
        let mut keys: Vec<&str> = COMMANDS
            .iter()
            .flat_map(|c| c.keys.iter().copied())
            .collect();
        keys.sort_unstable();
        assert!(keys.windows(2).all(|pair| pair[0] != pair[1]), "{keys:?}");
    }

    #[test]
    fn kubectl_aliases_resolve() {
        assert_eq!(by_name("po").map(|c| c.id), Some(CommandId::Pods));
        assert_eq!(
            by_name("deployments").map(|c| c.id),
            Some(CommandId::Workloads)
        );
        assert_eq!(by_name("no").map(|c| c.id), Some(CommandId::Nodes));
        assert!(by_name("nope").is_none());
    }
}
