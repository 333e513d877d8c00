//! The layering rule of the source tree: the model, the state machine
//! (`src/app`), the screens (`src/ui`) and the protocol between them
//! (`src/protocol`, once it exists) name no Kubernetes client, no HTTP, no
//! sockets, and none of the program's outer modules (the cluster runner,
//! the history, the wiring, the terminal, the simulator). `k8s_openapi`'s
//! types are read by the model's projections only. The history
//! (`src/history`) names neither the state machine, the screens nor the
//! cluster calls.
//!
//! Every file is read as Rust tokens, so comments and string literals do
//! not count, and a forbidden path is found in a `use` line, in a grouped
//! import (`use crate::{cluster, model}`, over several lines too), in a
//! fully qualified path in code, and behind `super::`.

use std::path::{Path, PathBuf};

/// The directories checked, and whether each must exist with Rust files in
/// it (so that the check cannot pass by reading nothing).
const LAYERS: [(&str, bool); 4] = [
    ("src/model", true),
    ("src/app", true),
    ("src/ui", true),
    ("src/protocol", false),
];

/// Paths no layer may name, by their first segments.
const FORBIDDEN: &[&str] = &[
    "kube",
    "kube_client",
    "kube_core",
    "kube_runtime",
    "hyper",
    "hyper_util",
    "tokio::net",
    "ktriage_sim",
    "crate::cluster",
    "crate::history",
    "crate::run",
    "crate::terminal",
    "crate::sim",
];

/// Allowed in `src/model` (its projections read the API's types), forbidden
/// in the other layers.
const MODEL_ONLY: &[&str] = &["k8s_openapi"];

/// Known violations, one per file and forbidden path, each allowing every
/// use of that path in that file. Remove an entry once its file obeys the
/// rule: an entry that matches nothing fails the test too.
const KNOWN: &[(&str, &str)] = &[];

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Other,
}

/// The tokens of a Rust file with their line numbers, without comments and
/// without the contents of string, byte string and character literals.
fn tokens(text: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if let Some(end) = raw_string_end(&chars, i) {
            line += chars[i..end].iter().filter(|&&c| c == '\n').count();
            out.push((Token::Other, line));
            i = end;
        } else if c == '"' || ((c == 'b' || c == 'c') && at(i + 1) == '"') {
            i += if c == '"' { 1 } else { 2 };
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    line += 1;
                }
                i += 1;
            }
            out.push((Token::Other, line));
            i += 1;
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            // A character literal, or else a lifetime or label.
            let start = if c == 'b' { i + 1 } else { i };
            if at(start + 1) == '\\' {
                // Past the backslash and the escaped character.
                i = start + 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(start + 2) == '\'' {
                i = start + 3;
            } else {
                i = start + 1;
            }
            out.push((Token::Other, line));
        } else if c.is_alphabetic() || c == '_' {
            // `r#name` is the identifier `name`.
            if c == 'r' && at(i + 1) == '#' && (at(i + 2).is_alphabetic() || at(i + 2) == '_') {
                i += 2;
            }
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Other, line));
        } else {
            let token = match c {
                ':' if at(i + 1) == ':' => {
                    i += 1;
                    Token::PathSep
                }
                '{' => Token::Open,
                '}' => Token::Close,
                ',' => Token::Comma,
                ';' => Token::Semi,
                '*' => Token::Star,
                _ => Token::Other,
            };
            out.push((token, line));
            i += 1;
        }
    }
    out
}

/// Where a raw (byte or C) string literal starting at `i` ends, if one does.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// A path named in a file: its segments, its line, and whether it was
/// imported (`use`, `extern crate`) or written in code.
#[derive(Debug)]
struct Named {
    segments: Vec<String>,
    line: usize,
    imported: bool,
}

/// Read one use tree starting at `i`, below `prefix`; leaves go to `out`.
fn use_tree(tokens: &[(Token, usize)], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Named>) {
    let mut segments = prefix;
    let mut line = tokens.get(*i).map_or(0, |(_, line)| *line);
    let mut first = true;
    while let Some((token, at)) = tokens.get(*i) {
        match token {
            Token::PathSep => *i += 1,
            Token::Ident(word) if word == "as" => {
                *i += 2;
                break;
            }
            Token::Ident(word) => {
                if first {
                    line = *at;
                    first = false;
                }
                segments.push(word.clone());
                *i += 1;
            }
            Token::Star => {
                *i += 1;
                break;
            }
            Token::Open => {
                *i += 1;
                loop {
                    use_tree(tokens, i, segments.clone(), out);
                    match tokens.get(*i).map(|(token, _)| token) {
                        Some(Token::Comma) => *i += 1,
                        Some(Token::Close) => {
                            *i += 1;
                            return;
                        }
                        _ => return,
                    }
                    if let Some((Token::Close, _)) = tokens.get(*i) {
                        *i += 1;
                        return;
                    }
                }
            }
            _ => break,
        }
    }
    if !segments.is_empty() {
        out.push(Named {
            segments,
            line,
            imported: true,
        });
    }
}

/// Every path a file names: each leaf of its use trees, each `extern
/// crate`, and each path of two or more segments (or with a leading `::`)
/// in code.
fn named_paths(text: &str) -> Vec<Named> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let word = match &tokens[i].0 {
            Token::Ident(word) => Some(word.as_str()),
            _ => None,
        };
        let after_sep = i > 0 && tokens[i - 1].0 == Token::PathSep;
        if word == Some("use") && !after_sep {
            i += 1;
            use_tree(&tokens, &mut i, Vec::new(), &mut out);
            continue;
        }
        if word == Some("extern")
            && tokens.get(i + 1).map(|(token, _)| token) == Some(&Token::Ident("crate".into()))
        {
            if let Some((Token::Ident(name), line)) = tokens.get(i + 2) {
                out.push(Named {
                    segments: vec![name.clone()],
                    line: *line,
                    imported: true,
                });
            }
            i += 3;
            continue;
        }
        let starts_path = match &tokens[i].0 {
            Token::Ident(_) => !after_sep,
            Token::PathSep => {
                matches!(tokens.get(i + 1), Some((Token::Ident(_), _)))
                    && !matches!(tokens.get(i.wrapping_sub(1)), Some((Token::Ident(_), _)))
            }
            _ => false,
        };
        if !starts_path {
            i += 1;
            continue;
        }
        let line = tokens[i].1;
        let leading = tokens[i].0 == Token::PathSep;
        let mut segments = Vec::new();
        if leading {
            i += 1;
        }
        while let Some((Token::Ident(word), _)) = tokens.get(i) {
            segments.push(word.clone());
            if tokens.get(i + 1).map(|(token, _)| token) == Some(&Token::PathSep)
                && matches!(tokens.get(i + 2), Some((Token::Ident(_), _)))
            {
                i += 2;
            } else {
                i += 1;
                break;
            }
        }
        if segments.len() >= 2 || leading {
            out.push(Named {
                segments,
                line,
                imported: false,
            });
        }
    }
    out
}

/// The module a file is (`src/app/debug/mod.rs`: `crate::app::debug`).
fn module_of(relative: &Path) -> Vec<String> {
    let mut module = vec!["crate".to_string()];
    let parts: Vec<String> = relative
        .iter()
        .skip(1)
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    for (index, part) in parts.iter().enumerate() {
        if index + 1 == parts.len() {
            let stem = part.trim_end_matches(".rs");
            if stem != "mod" && stem != "lib" {
                module.push(stem.to_string());
            }
        } else {
            module.push(part.clone());
        }
    }
    module
}

/// `super::` and `self::` paths made absolute from the file's module.
fn absolute(segments: &[String], module: &[String]) -> Vec<String> {
    let relative = matches!(segments.first().map(String::as_str), Some("super" | "self"));
    if !relative {
        return segments.to_vec();
    }
    let mut path = module.to_vec();
    let mut rest = segments;
    while let Some(first) = rest.first() {
        match first.as_str() {
            "super" => {
                if path.len() > 1 {
                    path.pop();
                }
            }
            "self" => {}
            _ => break,
        }
        rest = &rest[1..];
    }
    path.extend(rest.iter().cloned());
    path
}

/// The forbidden path `segments` starts with, if any.
fn forbidden_in(segments: &[String], in_model: bool) -> Option<&'static str> {
    let rules = FORBIDDEN
        .iter()
        .chain(MODEL_ONLY.iter().filter(|_| !in_model));
    rules.copied().find(|rule| {
        let rule: Vec<&str> = rule.split("::").collect();
        segments.len() >= rule.len() && rule.iter().zip(segments).all(|(a, b)| *a == b)
    })
}

/// A violation: file, line, the forbidden path, and how it was named.
#[derive(Debug)]
struct Violation {
    file: String,
    line: usize,
    rule: &'static str,
    imported: bool,
    written: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.imported { "imports" } else { "uses" };
        write!(f, "{}:{}: {verb} {}", self.file, self.line, self.rule)?;
        if !self.written.starts_with(self.rule) {
            write!(f, " (as {})", self.written)?;
        }
        Ok(())
    }
}

/// The violations of one file, named `relative` (from the package root).
fn check_file(relative: &Path, text: &str) -> Vec<Violation> {
    let in_model = relative.starts_with("src/model");
    check_file_against(relative, text, |path| forbidden_in(path, in_model))
}

/// The paths of one file that `rule` forbids.
fn check_file_against(
    relative: &Path,
    text: &str,
    rule: impl Fn(&[String]) -> Option<&'static str>,
) -> Vec<Violation> {
    let module = module_of(relative);
    named_paths(text)
        .into_iter()
        .filter_map(|named| {
            let path = absolute(&named.segments, &module);
            rule(&path).map(|rule| Violation {
                file: relative.to_string_lossy().replace('\\', "/"),
                line: named.line,
                rule,
                imported: named.imported,
                written: named.segments.join("::"),
            })
        })
        .collect()
}

fn rust_files(directory: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(directory)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, files)?;
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// The checker itself finds what it must, and only that.
fn check_the_checker() -> Vec<String> {
    let planted = "\
use crate::cluster;
use crate::{
    model,
    run::event_loop,
};
// use crate::terminal;
/* use crate::sim; */
const TEXT: &str = \"crate::history\";
fn f() { let _ = tokio::net::TcpStream::connect; ::kube::Client::new(); }
use super::super::sim::Cluster;
use k8s_openapi::api::core::v1::Pod;
";
    let expected = [
        "src/app/planted.rs:1: imports crate::cluster",
        "src/app/planted.rs:4: imports crate::run",
        "src/app/planted.rs:9: uses tokio::net",
        "src/app/planted.rs:9: uses kube",
        "src/app/planted.rs:10: imports crate::sim (as super::super::sim::Cluster)",
        "src/app/planted.rs:11: imports k8s_openapi",
    ];
    let found: Vec<String> = check_file(Path::new("src/app/planted.rs"), planted)
        .iter()
        .map(ToString::to_string)
        .collect();
    let in_model: Vec<String> = check_file(
        Path::new("src/model/planted.rs"),
        "use k8s_openapi::api::core::v1::Pod;\n",
    )
    .iter()
    .map(ToString::to_string)
    .collect();
    let mut problems = Vec::new();
    if found != expected {
        problems.push(format!(
            "the checker is broken: on a planted file it found {found:#?}, not {expected:#?}"
        ));
    }
    if !in_model.is_empty() {
        problems.push(format!(
            "the checker is broken: it refuses k8s_openapi in the model: {in_model:?}"
        ));
    }
    problems
}

#[test]
fn model_app_ui_and_protocol_name_no_client_io_or_outer_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = check_the_checker();
    let mut violations = Vec::new();
    for (layer, required) in LAYERS {
        let directory = root.join(layer);
        let mut files = Vec::new();
        if directory.is_dir()
            && let Err(error) = rust_files(&directory, &mut files)
        {
            problems.push(format!("{layer}: cannot be read: {error}"));
        }
        if files.is_empty() {
            if required {
                problems.push(format!("{layer}: missing or holds no Rust file"));
            }
            continue;
        }
        files.sort();
        for file in files {
            let relative = file.strip_prefix(root).unwrap_or(&file);
            match std::fs::read_to_string(&file) {
                Ok(text) => violations.extend(check_file(relative, &text)),
                Err(error) => problems.push(format!("{}: {error}", relative.display())),
            }
        }
    }
    let known = |violation: &Violation| {
        KNOWN
            .iter()
            .any(|(file, rule)| violation.file == *file && violation.rule == *rule)
    };
    for violation in violations.iter().filter(|violation| !known(violation)) {
        problems.push(violation.to_string());
    }
    for (file, rule) in KNOWN {
        if !violations
            .iter()
            .any(|violation| violation.file == *file && violation.rule == *rule)
        {
            problems.push(format!(
                "{file}: no longer names {rule}: remove it from KNOWN in {}",
                file!()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "src/model, src/app, src/ui and src/protocol must not name {} (nor, outside \
         src/model, {}):\n{}",
        FORBIDDEN.join(", "),
        MODEL_ONLY.join(", "),
        problems.join("\n")
    );
}

/// What the history (`src/history`) may not name: the state machine, the
/// screens, the cluster calls, the wiring and the terminal. It reads and
/// answers with the model's types only.
const HISTORY_FORBIDDEN: &[&str] = &[
    "crate::app",
    "crate::ui",
    "crate::cluster",
    "crate::run",
    "crate::terminal",
    "kube",
    "ktriage_sim",
];

#[test]
fn the_history_names_no_state_machine_screen_or_cluster_call() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rule = |path: &[String]| {
        HISTORY_FORBIDDEN.iter().copied().find(|rule| {
            let rule: Vec<&str> = rule.split("::").collect();
            path.len() >= rule.len() && rule.iter().zip(path).all(|(a, b)| *a == b)
        })
    };
    let planted = check_file_against(
        Path::new("src/history/planted.rs"),
        "use crate::model::restart::Gap;\nuse super::super::app::state;\nfn f() { crate::ui::draw(); }\n",
        rule,
    );
    let planted: Vec<String> = planted.iter().map(ToString::to_string).collect();
    assert_eq!(
        planted,
        [
            "src/history/planted.rs:2: imports crate::app (as super::super::app::state)",
            "src/history/planted.rs:3: uses crate::ui"
        ],
        "the checker is broken"
    );
    let mut files = Vec::new();
    let listed = rust_files(&root.join("src/history"), &mut files);
    assert!(
        listed.is_ok() && !files.is_empty(),
        "src/history holds no Rust file"
    );
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        problems.extend(
            check_file_against(relative, &text, rule)
                .iter()
                .map(ToString::to_string),
        );
    }
    assert!(
        problems.is_empty(),
        "src/history must not name {}:\n{}",
        HISTORY_FORBIDDEN.join(", "),
        problems.join("\n")
    );
}

/// The constructors that neutralise raw text into `SafeText`. The screens
/// take text that is already `SafeText` (cluster text and typed text alike)
/// and make none: raw text cannot reach a view, so no draw-time cleaning is
/// needed. Tests of the screens may build hostile text.
const NEUTRALISERS: &[&str] = &["from_untrusted", "lines_from_untrusted"];

#[test]
fn screens_take_safe_text_and_make_none() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let listed = rust_files(&root.join("src/ui"), &mut files);
    assert!(
        listed.is_ok() && !files.is_empty(),
        "src/ui holds no Rust file"
    );
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file);
        if relative.to_string_lossy().ends_with("_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (token, line) in tokens(&text) {
            if let Token::Ident(name) = token
                && NEUTRALISERS.contains(&name.as_str())
            {
                problems.push(format!("{}:{line}: calls {name}", relative.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "views take SafeText and do not clean text while drawing:\n{}",
        problems.join("\n")
    );
}

/// The rooms on the I/O side, and what they may not name: they report
/// `protocol` events and never reach into the state machine or the screens.
const IO_ROOMS: [(&str, bool); 2] = [("src/cluster", true), ("src/history", false)];
const IO_FORBIDDEN: &[&str] = &["crate::app", "crate::ui"];

#[test]
fn the_io_rooms_name_neither_the_state_machine_nor_the_screens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for (room, required) in IO_ROOMS {
        let mut files = Vec::new();
        let directory = root.join(room);
        if directory.is_dir()
            && let Err(error) = rust_files(&directory, &mut files)
        {
            problems.push(format!("{room}: cannot be read: {error}"));
        }
        if files.is_empty() && required {
            problems.push(format!("{room}: missing or holds no Rust file"));
        }
        files.sort();
        for file in files {
            let relative = file.strip_prefix(root).unwrap_or(&file);
            let module = module_of(relative);
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for named in named_paths(&text) {
                let path = absolute(&named.segments, &module);
                for rule in IO_FORBIDDEN {
                    let rule_segments: Vec<&str> = rule.split("::").collect();
                    if path.len() >= rule_segments.len()
                        && rule_segments.iter().zip(&path).all(|(a, b)| *a == b)
                    {
                        problems.push(format!(
                            "{}:{}: names {rule}",
                            relative.display(),
                            named.line
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "src/cluster and src/history must not name {}:\n{}",
        IO_FORBIDDEN.join(", "),
        problems.join("\n")
    );
}
