//! A shell's variables: names, values and which of them are exported to the programs it
//! starts, in the order they were first set (which is the order `env` prints). It must
//! not expand words or run anything.

#[derive(Debug, Clone)]
struct Variable {
    name: String,
    value: String,
    exported: bool,
}

/// The variables of one shell process.
#[derive(Debug, Clone, Default)]
pub(super) struct Variables {
    entries: Vec<Variable>,
}

impl Variables {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|variable| variable.name == name)
            .map(|variable| variable.value.as_str())
    }

    pub fn is_exported(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|variable| variable.name == name && variable.exported)
    }

    /// Sets a value; a variable once exported stays exported.
    pub fn set(&mut self, name: &str, value: &str, exported: bool) {
        match self
            .entries
            .iter_mut()
            .find(|variable| variable.name == name)
        {
            Some(variable) => {
                variable.value = value.to_string();
                variable.exported = variable.exported || exported;
            }
            None => self.entries.push(Variable {
                name: name.to_string(),
                value: value.to_string(),
                exported,
            }),
        }
    }

    pub fn remove(&mut self, names: &[String]) {
        self.entries
            .retain(|variable| !names.contains(&variable.name));
    }

    /// The exported variables as `(name, value)` pairs: a program's environment.
    pub fn environment(&self) -> Vec<(String, String)> {
        self.entries
            .iter()
            .filter(|variable| variable.exported)
            .map(|variable| (variable.name.clone(), variable.value.clone()))
            .collect()
    }

    /// What a child shell inherits: the exported variables only.
    pub fn inherited(&self) -> Variables {
        Variables {
            entries: self
                .entries
                .iter()
                .filter(|variable| variable.exported)
                .cloned()
                .collect(),
        }
    }
}

/// Splits `NAME=value` when NAME is a valid variable name.
pub(super) fn split_assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    is_name(name).then_some((name, value))
}

pub(super) fn is_name(text: &str) -> bool {
    let mut characters = text.chars();
    characters
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && characters.all(|character| character.is_ascii_alphanumeric() || character == '_')
}
