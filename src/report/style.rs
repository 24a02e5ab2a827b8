//! The few styles kdm's terminal reports use, and painting text with them.

use anstyle::{AnsiColor, Style};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_are_plain_ansi_sequences() {
        assert_eq!(paint(true, GOOD, "ok"), "\x1b[32mok\x1b[0m");
        assert_eq!(paint(true, TITLE, "job"), "\x1b[1mjob\x1b[0m");
        assert_eq!(paint(false, BAD, "FAIL"), "FAIL");
    }
}
