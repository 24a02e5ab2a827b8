//! The few styles kdm's terminal reports use, and painting text with them.

use std::borrow::Cow;

use anstyle::{AnsiColor, Style};

use crate::yaml::escape_controls;

/// Headings and summaries.
pub const TITLE: Style = Style::new().bold();
/// Passed, kept, added.
pub const GOOD: Style = AnsiColor::Green.on_default();
/// Failed, errors, removed.
pub const BAD: Style = AnsiColor::Red.on_default();
/// Dropped.
pub const DROPPED: Style = AnsiColor::Yellow.on_default();
/// Changed values.
pub const CHANGED: Style = AnsiColor::Cyan.on_default();

/// `text` in `style` when `color` is on, else as it is.
pub fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

/// `text` as a terminal may see it: every control character escaped as
/// [`escape_controls`] writes it, except line breaks and, when `color` is
/// on, the SGR sequences (`ESC [ … m`) that [`paint`] and miette colour
/// with. The last guard for text printed in the human format, whatever
/// field of the input it came from.
pub fn terminal_safe(text: &str, color: bool) -> Cow<'_, str> {
    let b = text.as_bytes();
    let risky = |&c: &u8| (c < 0x20 && c != b'\n') || c == 0x7f || c == 0xc2;
    if !b.iter().any(risky) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\n' || !c.is_control() {
            out.push(c);
            continue;
        }
        if let Some(n) = sgr_len(&b[i..]).filter(|_| color) {
            out.push_str(&text[i..i + n]);
            // The rest of the sequence is ASCII: one char per byte.
            for _ in 1..n {
                chars.next();
            }
            continue;
        }
        out.push_str(&escape_controls(&text[i..i + c.len_utf8()]));
    }
    Cow::Owned(out)
}

/// The length of the SGR sequence `b` starts with (`ESC [` digits and
/// separators `m`), if it starts with one.
fn sgr_len(b: &[u8]) -> Option<usize> {
    let params = b.strip_prefix(b"\x1b[")?;
    let n = params
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b';' || *c == b':'))?;
    (params[n] == b'm').then_some(n + 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminals_see_only_line_breaks_and_colours() {
        let text = "ok\n\x1b[31mred\x1b[0m \x1b]0;title\x07 \u{9b}2J\tend\r";
        assert_eq!(
            terminal_safe(text, true),
            "ok\n\x1b[31mred\x1b[0m \\u{1b}]0;title\\u{7} \\u{9b}2J\\tend\\r"
        );
        assert_eq!(
            terminal_safe(text, false),
            "ok\n\\u{1b}[31mred\\u{1b}[0m \\u{1b}]0;title\\u{7} \\u{9b}2J\\tend\\r"
        );
        assert!(matches!(terminal_safe("plain é\n", true), Cow::Borrowed(_)));
        assert_eq!(terminal_safe("\x1b[", true), "\\u{1b}[");
        assert_eq!(terminal_safe("\x1b[1;38:5m", true), "\x1b[1;38:5m");
    }

    #[test]
    fn styles_are_plain_ansi_sequences() {
        assert_eq!(paint(true, GOOD, "ok"), "\x1b[32mok\x1b[0m");
        assert_eq!(paint(true, TITLE, "job"), "\x1b[1mjob\x1b[0m");
        assert_eq!(paint(false, BAD, "FAIL"), "FAIL");
    }
}
