//! The invented file system a simulated container sees: a fixed tree of directories and
//! a handful of files whose contents come from the [`ShellContext`] (`/etc/hostname`,
//! `/etc/os-release`, `/etc/resolv.conf`, `/proc/<pid>/status`, the cgroup memory limit).
//! Everything is generated on demand and read-only; it must never touch the host's files.

use super::ShellContext;
use super::programs;

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    /// A directory and the sorted names of its entries.
    Directory(Vec<String>),
    File(Vec<u8>),
}

/// Joins a path to the working directory and removes `.`, `..` and repeated slashes.
pub(super) fn resolve(working_directory: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{working_directory}/{path}")
    };
    let mut components: Vec<&str> = Vec::new();
    for component in joined.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                components.pop();
            }
            other => components.push(other),
        }
    }
    format!("/{}", components.join("/"))
}

/// Looks up an absolute, normalised path.
pub(super) fn lookup(context: &ShellContext, path: &str) -> Option<Node> {
    let directory = |names: &[&str]| {
        let mut names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        names.sort();
        Some(Node::Directory(names))
    };
    let file = |text: String| Some(Node::File(text.into_bytes()));
    match path {
        "/" => directory(&[
            "bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run",
            "sbin", "srv", "sys", "tmp", "usr", "var",
        ]),
        "/bin" | "/usr/bin" => directory(&programs::names(&context.image)),
        "/usr" => directory(&["bin", "lib", "local", "sbin", "share"]),
        "/var" => directory(&["cache", "lib", "log", "run", "tmp"]),
        "/dev" => directory(&["null", "random", "tty", "urandom", "zero"]),
        "/dev/null" | "/dev/random" | "/dev/tty" | "/dev/urandom" | "/dev/zero" => {
            file(String::new())
        }
        "/etc" => {
            let mut names = vec!["group", "hostname", "hosts", "passwd", "resolv.conf"];
            if os_release(&context.image).is_some() {
                names.push("os-release");
            }
            directory(&names)
        }
        "/etc/hostname" => file(format!("{}\n", context.hostname)),
        "/etc/hosts" => file(hosts()),
        "/etc/resolv.conf" => file(format!(
            "search {}.svc.cluster.local svc.cluster.local cluster.local\n\
             nameserver 10.96.0.10\noptions ndots:5\n",
            context.namespace
        )),
        "/etc/passwd" => file(format!(
            "root:x:0:0:root:/root:{}\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
            login_shell(&context.image)
        )),
        "/etc/group" => file("root:x:0:\nnobody:x:65534:\n".into()),
        "/etc/os-release" => os_release(&context.image).map(|text| Node::File(text.into())),
        "/sys" => directory(&["fs"]),
        "/sys/fs" => directory(&["cgroup"]),
        "/sys/fs/cgroup" => directory(&["cpu.max", "memory.current", "memory.max"]),
        "/sys/fs/cgroup/memory.max" => file(match context.memory_limit_bytes {
            Some(limit) => format!("{limit}\n"),
            None => "max\n".into(),
        }),
        "/sys/fs/cgroup/memory.current" => file(format!("{}\n", resident_kilobytes() * 1024)),
        "/sys/fs/cgroup/cpu.max" => file("max 100000\n".into()),
        "/proc" => {
            let pids: Vec<String> = context
                .processes
                .iter()
                .map(|(pid, _)| pid.to_string())
                .collect();
            let mut names: Vec<&str> = pids.iter().map(String::as_str).collect();
            names.extend(["meminfo", "uptime"]);
            directory(&names)
        }
        "/proc/meminfo" => file(
            "MemTotal:       16384000 kB\nMemFree:         8192000 kB\n\
             MemAvailable:   12288000 kB\n"
                .into(),
        ),
        "/proc/uptime" => file("3600.00 7000.00\n".into()),
        "/home" | "/lib" | "/media" | "/mnt" | "/opt" | "/root" | "/run" | "/sbin" | "/srv"
        | "/tmp" | "/usr/lib" | "/usr/local" | "/usr/sbin" | "/usr/share" | "/var/cache"
        | "/var/lib" | "/var/log" | "/var/run" | "/var/tmp" => directory(&[]),
        other => process_entry(context, other),
    }
}

fn process_entry(context: &ShellContext, path: &str) -> Option<Node> {
    let rest = path.strip_prefix("/proc/")?;
    let (pid, entry) = match rest.split_once('/') {
        Some((pid, entry)) => (pid, Some(entry)),
        None => (rest, None),
    };
    let pid: u32 = pid.parse().ok()?;
    let command_line = context
        .processes
        .iter()
        .find(|(candidate, _)| *candidate == pid)
        .map(|(_, command_line)| command_line.as_str())?;
    match entry {
        None => Some(Node::Directory(vec![
            "cmdline".into(),
            "environ".into(),
            "status".into(),
        ])),
        Some("cmdline") => {
            let mut bytes = Vec::new();
            for argument in command_line.split_whitespace() {
                bytes.extend_from_slice(argument.as_bytes());
                bytes.push(0);
            }
            Some(Node::File(bytes))
        }
        Some("environ") => {
            let mut bytes = Vec::new();
            for (name, value) in &context.env {
                bytes.extend_from_slice(format!("{name}={value}").as_bytes());
                bytes.push(0);
            }
            Some(Node::File(bytes))
        }
        Some("status") => Some(Node::File(process_status(pid, command_line).into_bytes())),
        Some(_) => None,
    }
}

/// The short name the kernel keeps for a process: its program's base name, at most 15 bytes.
pub(super) fn process_name(command_line: &str) -> String {
    let program = command_line.split_whitespace().next().unwrap_or_default();
    let base = program.rsplit('/').next().unwrap_or(program);
    let base = base.trim_end_matches(':');
    base.chars()
        .scan(0, |length, character| {
            *length += character.len_utf8();
            (*length <= 15).then_some(character)
        })
        .collect()
}

fn process_status(pid: u32, command_line: &str) -> String {
    let parent = if pid == 1 { 0 } else { 1 };
    format!(
        "Name:\t{name}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{pid}\nNgid:\t0\n\
         Pid:\t{pid}\nPPid:\t{parent}\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n\
         FDSize:\t64\nGroups:\t0\nVmRSS:\t{rss:>8} kB\nThreads:\t1\n",
        name = process_name(command_line),
        rss = resident_kilobytes(),
    )
}

fn resident_kilobytes() -> u64 {
    8192
}

fn hosts() -> String {
    "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n\
     ::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n\
     fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
        .into()
}

fn login_shell(image: &str) -> &'static str {
    if super::shell_available(image, "bash") {
        "/bin/bash"
    } else {
        "/bin/sh"
    }
}

fn os_release(image: &str) -> Option<&'static str> {
    let image = image.to_ascii_lowercase();
    if image.contains("busybox") {
        None
    } else if image.contains("alpine") {
        Some(
            "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n\
             PRETTY_NAME=\"Alpine Linux v3.20\"\nHOME_URL=\"https://alpinelinux.org/\"\n",
        )
    } else if image.contains("ubuntu") {
        Some(
            "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\n\
             VERSION=\"24.04.1 LTS (Noble Numbat)\"\nVERSION_CODENAME=noble\nID=ubuntu\n\
             ID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\n",
        )
    } else {
        Some(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
             VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\n\
             ID=debian\nHOME_URL=\"https://www.debian.org/\"\n",
        )
    }
}
