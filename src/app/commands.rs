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
        summary: "Show the logs",
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
