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
    PreviousContainer,
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
    History,
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

/// Where a command acts: a set of views, and whether it also acts while a
/// prompt, a dialog or the help takes the keys. The keys, the help screen
/// and the palette all read it, so a command is offered exactly where it
/// does something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope(u8);

impl Scope {
    /// The pods, workloads, namespaces, contexts and nodes lists.
    pub const LISTS: Scope = Scope(1);
    pub const DETAIL: Scope = Scope(1 << 1);
    pub const YAML: Scope = Scope(1 << 2);
    pub const LOGS: Scope = Scope(1 << 3);
    /// Every view.
    pub const VIEWS: Scope = Scope(0b10_1111);
    /// Every view except the log view.
    pub const OBJECTS: Scope = Scope(0b0111);
    pub const HISTORY: Scope = Scope(1 << 5);
    /// Also while text is typed into a prompt or a dialog is open, through
    /// a key that cannot be typed (`Ctrl-c`).
    pub const PROMPTS: Scope = Scope(1 << 4);

    pub const fn with(self, other: Scope) -> Scope {
        Scope(self.0 | other.0)
    }

    pub const fn includes(self, other: Scope) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether the command acts in `view`.
    pub fn acts_in(self, view: super::state::View) -> bool {
        use super::state::View;
        let needed = match view {
            View::Pods | View::Workloads | View::Namespaces | View::Contexts | View::Nodes => {
                Scope::LISTS
            }
            View::PodDetail => Scope::DETAIL,
            View::Yaml => Scope::YAML,
            View::Logs => Scope::LOGS,
            View::History => Scope::HISTORY,
        };
        self.includes(needed)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub id: CommandId,
    pub name: &'static str,
    pub summary: &'static str,
    pub keys: &'static [&'static str],
    pub needs: &'static [Permission],
    pub danger: Danger,
    pub scope: Scope,
}

impl Command {
    /// Whether the command acts in `view` (and is listed in its help and palette).
    pub fn acts_in(&self, view: super::state::View) -> bool {
        self.scope.acts_in(view)
    }
}

const fn read_only(
    id: CommandId,
    name: &'static str,
    summary: &'static str,
    keys: &'static [&'static str],
    scope: Scope,
) -> Command {
    Command {
        id,
        name,
        summary,
        keys,
        needs: &[],
        danger: Danger::ReadOnly,
        scope,
    }
}

pub const COMMANDS: &[Command] = &[
    read_only(CommandId::Up, "up", "Move up", &["up", "k"], Scope::VIEWS),
    read_only(
        CommandId::Down,
        "down",
        "Move down",
        &["down", "j"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::Top,
        "top",
        "Go to the first row",
        &["g", "home"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::Bottom,
        "bottom",
        "Go to the last row",
        &["G", "end"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::PageUp,
        "page-up",
        "Move up a page",
        &["pageup", "ctrl-b"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::PageDown,
        "page-down",
        "Move down a page",
        &["pagedown", "ctrl-f"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::Open,
        "open",
        "Open the selected row",
        &["enter"],
        Scope::OBJECTS.with(Scope::HISTORY),
    ),
    read_only(CommandId::Back, "back", "Go back", &["esc"], Scope::VIEWS),
    read_only(
        CommandId::Filter,
        "filter",
        "Filter the list (fuzzy)",
        &["/"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::Palette,
        "palette",
        "Open the command palette",
        &[":"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::Help,
        "help",
        "Show the keys",
        &["?"],
        Scope::VIEWS,
    ),
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
        scope: Scope::OBJECTS,
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
        scope: Scope::OBJECTS,
    },
    read_only(
        CommandId::SortNext,
        "sort",
        "Sort by the next column",
        &[">"],
        Scope::OBJECTS,
    ),
    read_only(
        CommandId::SortReverse,
        "reverse",
        "Reverse the sort order",
        &["<"],
        Scope::OBJECTS,
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
        scope: Scope::VIEWS,
    },
    read_only(
        CommandId::Workloads,
        "deploy",
        "List workloads (deployments, statefulsets, daemonsets, jobs)",
        &["2"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::Namespaces,
        "ns",
        "List namespaces, or switch: `ns NAME`",
        &["3"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::Contexts,
        "ctx",
        "List contexts, or switch: `ctx NAME`",
        &["4"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::Nodes,
        "nodes",
        "List nodes",
        &["5"],
        Scope::VIEWS,
    ),
    read_only(
        CommandId::AllNamespaces,
        "all",
        "Show every namespace",
        &["0"],
        Scope::OBJECTS,
    ),
    read_only(
        CommandId::NextContainer,
        "container",
        "Select the next container",
        &["tab", "right"],
        Scope::DETAIL,
    ),
    read_only(
        CommandId::PreviousContainer,
        "container-back",
        "Select the previous container",
        &["left"],
        Scope::DETAIL,
    ),
    read_only(
        CommandId::LogFollow,
        "follow",
        "Follow newest / pause",
        &["f"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::LogPrevious,
        "previous",
        "Previous instance",
        &["p"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::LogTimestamps,
        "timestamps",
        "Show or hide timestamps",
        &["t"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::LogWrap,
        "wrap",
        "Wrap long lines",
        &["w"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::LogSince,
        "since",
        "Since 1m/5m/15m/1h/all",
        &["S"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::LogTail,
        "tail",
        "Tail: lines to start with",
        &["T"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::LogSave,
        "save",
        "Save the lines shown",
        &["ctrl-s"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::LogFilter,
        "grep",
        "Show only matching lines",
        &["&"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::LogFilterOut,
        "grep-v",
        "Hide matching lines",
        &["!"],
        Scope::LOGS,
    ),
    read_only(
        CommandId::NextMatch,
        "next",
        "Next match",
        &["n"],
        Scope::LOGS.with(Scope::YAML),
    ),
    read_only(
        CommandId::PreviousMatch,
        "prev",
        "Previous match",
        &["N"],
        Scope::LOGS.with(Scope::YAML),
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
        scope: Scope::OBJECTS,
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
        scope: Scope::OBJECTS,
    },
    read_only(
        CommandId::History,
        "history",
        "Restart history of the pod, container or workload",
        &["h"],
        Scope::LISTS.with(Scope::DETAIL),
    ),
    read_only(
        CommandId::Quit,
        "quit",
        "Quit",
        &["q", "ctrl-c"],
        Scope::VIEWS.with(Scope::PROMPTS),
    ),
];

// The table lists every command once, in the order of `CommandId`, so a
// command's entry is found by its number; the build fails otherwise.
const _: () = {
    assert!(COMMANDS.len() == CommandId::Quit as usize + 1);
    let mut index = 0;
    while index < COMMANDS.len() {
        assert!(COMMANDS[index].id as usize == index);
        index += 1;
    }
};

/// The registry entry of a command.
pub fn command(id: CommandId) -> &'static Command {
    &COMMANDS[id as usize]
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
