//! The simulated shell's grammar: splits a script into simple commands joined by `;`,
//! newlines, `&&` and `||`, with single and double quotes, backslash escapes, comments and
//! `$NAME`, `${NAME}`, `$?` and `$0` references. Expansion happens later, at run time, so
//! this module only describes words; it must not look up variables or run anything.

/// One piece of a word: literal text, or a reference expanded at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    Literal(String),
    Variable(String),
    LastStatus,
}

/// A piece of a word, and whether it stood inside quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Part {
    pub piece: Piece,
    pub quoted: bool,
}

/// A word before expansion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Word {
    pub parts: Vec<Part>,
}

/// When a command runs, given the status of the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Condition {
    Always,
    IfSucceeded,
    IfFailed,
}

/// A simple command: its words and the condition that joins it to the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Command {
    pub condition: Condition,
    pub words: Vec<Word>,
}

/// Why a script could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum SyntaxError {
    UnterminatedQuote,
    BadSubstitution,
    Unexpected(&'static str),
    Unsupported(&'static str),
}

impl SyntaxError {
    /// The text a busybox shell prints after `sh: `.
    pub fn message(&self) -> String {
        match self {
            SyntaxError::UnterminatedQuote => "syntax error: unterminated quoted string".into(),
            SyntaxError::BadSubstitution => "syntax error: bad substitution".into(),
            SyntaxError::Unexpected(token) => format!("syntax error: unexpected \"{token}\""),
            SyntaxError::Unsupported(what) => {
                format!("{what} are not supported by this simulated shell")
            }
        }
    }
}

struct Parser<'a> {
    characters: std::iter::Peekable<std::str::Chars<'a>>,
    commands: Vec<Command>,
    words: Vec<Word>,
    word: Option<Word>,
    condition: Condition,
}

/// Reads a script into commands.
pub(super) fn parse(script: &str) -> Result<Vec<Command>, SyntaxError> {
    let mut parser = Parser {
        characters: script.chars().peekable(),
        commands: Vec::new(),
        words: Vec::new(),
        word: None,
        condition: Condition::Always,
    };
    parser.run()?;
    Ok(parser.commands)
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), SyntaxError> {
        while let Some(character) = self.characters.next() {
            match character {
                ' ' | '\t' | '\r' => self.end_word(),
                '\n' => self.end_command(Condition::Always, "\n")?,
                ';' => self.end_command(Condition::Always, ";")?,
                '#' if self.word.is_none() => self.skip_comment(),
                '\'' => self.single_quoted()?,
                '"' => self.double_quoted()?,
                '\\' => match self.characters.next() {
                    Some('\n') => {}
                    Some(escaped) => self.push_literal(escaped, false),
                    None => self.push_literal('\\', false),
                },
                '$' => self.reference(false)?,
                '~' if self.word.is_none() => self.tilde(),
                '&' => {
                    if self.characters.next_if_eq(&'&').is_some() {
                        self.end_command(Condition::IfSucceeded, "&&")?;
                    } else {
                        return Err(SyntaxError::Unsupported("background jobs"));
                    }
                }
                '|' => {
                    if self.characters.next_if_eq(&'|').is_some() {
                        self.end_command(Condition::IfFailed, "||")?;
                    } else {
                        return Err(SyntaxError::Unsupported("pipes"));
                    }
                }
                '<' | '>' => return Err(SyntaxError::Unsupported("redirections")),
                '`' | '(' | ')' => return Err(SyntaxError::Unsupported("subshells")),
                other => self.push_literal(other, false),
            }
        }
        self.end_word();
        if !self.words.is_empty() {
            self.finish_command();
        } else if self.condition != Condition::Always {
            return Err(SyntaxError::Unexpected("end of file"));
        }
        Ok(())
    }

    fn skip_comment(&mut self) {
        while self
            .characters
            .next_if(|character| *character != '\n')
            .is_some()
        {}
    }

    fn single_quoted(&mut self) -> Result<(), SyntaxError> {
        self.word.get_or_insert_with(Word::default);
        loop {
            match self.characters.next() {
                Some('\'') => return Ok(()),
                Some(character) => self.push_literal(character, true),
                None => return Err(SyntaxError::UnterminatedQuote),
            }
        }
    }

    fn double_quoted(&mut self) -> Result<(), SyntaxError> {
        self.word.get_or_insert_with(Word::default);
        loop {
            match self.characters.next() {
                Some('"') => return Ok(()),
                Some('\\') => match self.characters.next() {
                    Some('\n') => {}
                    Some(escaped @ ('$' | '"' | '\\')) => self.push_literal(escaped, true),
                    Some('`') => self.push_literal('`', true),
                    Some(other) => {
                        self.push_literal('\\', true);
                        self.push_literal(other, true);
                    }
                    None => return Err(SyntaxError::UnterminatedQuote),
                },
                Some('$') => self.reference(true)?,
                Some('`') => return Err(SyntaxError::Unsupported("subshells")),
                Some(character) => self.push_literal(character, true),
                None => return Err(SyntaxError::UnterminatedQuote),
            }
        }
    }

    fn reference(&mut self, quoted: bool) -> Result<(), SyntaxError> {
        let piece = match self.characters.peek().copied() {
            Some('?') => {
                self.characters.next();
                Piece::LastStatus
            }
            Some('{') => {
                self.characters.next();
                let mut name = String::new();
                loop {
                    match self.characters.next() {
                        Some('}') => break,
                        Some(character) if is_name_character(character) => name.push(character),
                        _ => return Err(SyntaxError::BadSubstitution),
                    }
                }
                if name.is_empty() {
                    return Err(SyntaxError::BadSubstitution);
                }
                Piece::Variable(name)
            }
            Some('(') => return Err(SyntaxError::Unsupported("subshells")),
            Some(digit) if digit.is_ascii_digit() => {
                self.characters.next();
                Piece::Variable(digit.to_string())
            }
            Some(first) if is_name_character(first) && !first.is_ascii_digit() => {
                let mut name = String::new();
                while let Some(character) = self.characters.next_if(|c| is_name_character(*c)) {
                    name.push(character);
                }
                Piece::Variable(name)
            }
            _ => Piece::Literal("$".into()),
        };
        self.word
            .get_or_insert_with(Word::default)
            .parts
            .push(Part { piece, quoted });
        Ok(())
    }

    fn tilde(&mut self) {
        let at_word_end = matches!(
            self.characters.peek(),
            None | Some('/' | ' ' | '\t' | '\n' | ';' | '&' | '|')
        );
        let piece = if at_word_end {
            Piece::Variable("HOME".into())
        } else {
            Piece::Literal("~".into())
        };
        self.word
            .get_or_insert_with(Word::default)
            .parts
            .push(Part {
                piece,
                quoted: at_word_end,
            });
    }

    fn push_literal(&mut self, character: char, quoted: bool) {
        let word = self.word.get_or_insert_with(Word::default);
        if let Some(Part {
            piece: Piece::Literal(text),
            quoted: last_quoted,
        }) = word.parts.last_mut()
            && *last_quoted == quoted
        {
            text.push(character);
            return;
        }
        word.parts.push(Part {
            piece: Piece::Literal(character.to_string()),
            quoted,
        });
    }

    fn end_word(&mut self) {
        if let Some(word) = self.word.take() {
            self.words.push(word);
        }
    }

    fn end_command(&mut self, next: Condition, token: &'static str) -> Result<(), SyntaxError> {
        self.end_word();
        if !self.words.is_empty() {
            self.finish_command();
            self.condition = next;
            return Ok(());
        }
        match token {
            "\n" => Ok(()),
            _ => Err(SyntaxError::Unexpected(token)),
        }
    }

    fn finish_command(&mut self) {
        self.commands.push(Command {
            condition: self.condition,
            words: std::mem::take(&mut self.words),
        });
        self.condition = Condition::Always;
    }
}

fn is_name_character(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '_'
}
