//! Columns of byte offsets, linear overall: characters are counted from
//! the nearest checkpoint on the line rather than from the line start, so
//! a minified JSON file (one 8 MB line with 100,000 findings) is not
//! counted from its start for every finding.

/// Bytes between column checkpoints on a line: the most a lookup counts.
const CHECKPOINT: usize = 4096;

#[derive(Debug)]
pub(super) struct Columns {
    /// Whether the text is all ASCII: then a column is a byte difference.
    ascii: bool,
    /// For lines longer than a checkpoint: (byte offset, characters since
    /// its line start) every `CHECKPOINT` bytes or so, in offset order.
    checkpoints: Vec<(usize, usize)>,
    /// Bytes counted by lookups, for the test that keeps them bounded.
    #[cfg(test)]
    counted: std::sync::atomic::AtomicUsize,
}

impl Columns {
    /// `starts` are the text's line starts, the first one 0.
    pub(super) fn new(text: &str, starts: &[usize]) -> Columns {
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            for (line, &start) in starts.iter().enumerate() {
                let end = starts.get(line + 1).copied().unwrap_or(text.len());
                let (mut at, mut col) = (start, 0);
                while end - at > CHECKPOINT {
                    let mut next = at + CHECKPOINT;
                    while !text.is_char_boundary(next) {
                        next += 1;
                    }
                    col += text[at..next].chars().count();
                    at = next;
                    checkpoints.push((at, col));
                }
            }
        }
        Columns {
            ascii,
            checkpoints,
            #[cfg(test)]
            counted: Default::default(),
        }
    }

    /// The characters in `text[line_start..byte]`, `line_start` being the
    /// start of the line holding `byte` (a character boundary).
    pub(super) fn count(&self, text: &str, line_start: usize, byte: usize) -> usize {
        if self.ascii {
            return byte.saturating_sub(line_start);
        }
        // The last checkpoint at or before `byte`, if it is on this line.
        let (from, col) = match self.checkpoints.partition_point(|&(at, _)| at <= byte) {
            0 => (line_start, 0),
            i => match self.checkpoints[i - 1] {
                (at, col) if at >= line_start => (at, col),
                _ => (line_start, 0),
            },
        };
        #[cfg(test)]
        self.counted.fetch_add(
            byte.saturating_sub(from),
            std::sync::atomic::Ordering::Relaxed,
        );
        col + text.get(from..byte).map_or(0, |s| s.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    fn starts(text: &str) -> Vec<usize> {
        let mut s = vec![0];
        s.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        s
    }

    #[test]
    fn agrees_with_counting_from_the_line_start() {
        let long: String = "aé€😀bc".repeat(3000);
        for text in [
            "a: é\nbb: x\n".to_string(),
            format!("{long}\nx: y\n{long}é"),
            format!("ascii {}\nline\n", "z".repeat(10_000)),
            format!("\n\n{long}\n"),
        ] {
            let starts = starts(&text);
            let columns = Columns::new(&text, &starts);
            let offsets = text.char_indices().map(|(b, _)| b).chain([text.len()]);
            for byte in offsets.step_by(7).chain([text.len()]) {
                let line_start = starts[starts.partition_point(|&s| s <= byte) - 1];
                let want = text[line_start..byte].chars().count();
                assert_eq!(columns.count(&text, line_start, byte), want, "{byte}");
            }
        }
    }

    #[test]
    fn lookups_on_one_long_line_count_a_bounded_stretch() {
        // A minified 4 MB line with a non-ASCII character: 100,000 lookups
        // spread over it would count 200 GB from the line start.
        let text = format!("{}é{}", "{\"k\":1},".repeat(250_000), "x".repeat(2_000_000));
        let columns = Columns::new(&text, &[0]);
        let lookups = 100_000;
        for i in 0..lookups {
            let mut at = i * (text.len() / lookups);
            while !text.is_char_boundary(at) {
                at += 1;
            }
            assert!(columns.count(&text, 0, at) <= at);
        }
        let counted = columns.counted.load(Ordering::Relaxed);
        assert!(
            counted <= lookups * CHECKPOINT,
            "{counted} bytes counted for {lookups} lookups"
        );
    }
}
