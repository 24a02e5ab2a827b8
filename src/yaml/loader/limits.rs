//! Nesting depth and alias expansion, bounded by [`Limits`].

use saphyr_parser::Span as PSpan;

use super::builder::{Builder, Frame};
use super::LoadError;
use crate::yaml::Span;

/// Bounds that keep hostile input from exhausting memory or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum nesting of collections, aliases expanded: everything that
    /// walks a tree recursively relies on it.
    pub max_depth: usize,
    /// Maximum number of nodes produced by alias expansion, per stream.
    pub max_alias_nodes: usize,
    /// Maximum bytes of scalars copied by alias expansion per stream, as a
    /// multiple of the input's size...
    pub max_alias_ratio: usize,
    /// ...and at most this many: a few thousand aliases of one large
    /// scalar stay under the node limit but not under this one.
    pub max_alias_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
            max_alias_ratio: 64,
            max_alias_bytes: 256 << 20,
        }
    }
}

impl Limits {
    /// The expansion bound in bytes for an input of `input_len` bytes.
    pub fn alias_bytes(&self, input_len: usize) -> usize {
        self.max_alias_ratio
            .saturating_mul(input_len)
            .min(self.max_alias_bytes)
    }
}

impl Builder<'_> {
    pub(super) fn push_frame(&mut self, frame: Frame, span: Span) -> Result<(), LoadError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Self::err(
                span,
                format!(
                    "YAML nesting is deeper than {} levels",
                    self.limits.max_depth
                ),
                "too deep",
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// A copy of the anchored node, counted against the expansion limits
    /// (checked before the copy is made) and nested no deeper than
    /// `max_depth`.
    pub(super) fn alias(&mut self, id: usize, pspan: PSpan) -> Result<(), LoadError> {
        let span = self.span(pspan);
        let Some(&(_, size)) = self.anchors.get(&id) else {
            return Err(Self::err(
                span,
                "alias to an unknown anchor",
                "unknown anchor",
            ));
        };
        if self.stack.len().saturating_add(size.height) > self.limits.max_depth {
            return Err(Self::err(
                span,
                format!(
                    "YAML nesting is deeper than {} levels once this alias is expanded",
                    self.limits.max_depth
                ),
                "too deep when expanded",
            ));
        }
        self.alias_nodes = self.alias_nodes.saturating_add(size.nodes);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(Self::err(
                span,
                format!(
                    "aliases expand to more than {} nodes (possible \"billion laughs\" input)",
                    self.limits.max_alias_nodes
                ),
                "expansion limit reached here",
            ));
        }
        self.alias_bytes = self.alias_bytes.saturating_add(size.bytes);
        let max_bytes = self.limits.alias_bytes(self.original.len());
        if self.alias_bytes > max_bytes {
            return Err(Self::err(
                span,
                format!(
                    "aliases expand to more than {} of text ({} times the input, at most {}; possible \"billion laughs\" input)",
                    human_bytes(max_bytes),
                    self.limits.max_alias_ratio,
                    human_bytes(self.limits.max_alias_bytes),
                ),
                "expansion limit reached here",
            ));
        }
        let node = self.anchors[&id].0.clone();
        self.complete(node, size, 0)
    }
}

/// `1.5 MiB`, `300 KiB`, `12 bytes`.
fn human_bytes(n: usize) -> String {
    match n {
        0..1024 => format!("{n} bytes"),
        1024..1_048_576 => format!("{} KiB", n / 1024),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::load;

    #[test]
    fn alias_bomb_is_bounded() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = load(&s).unwrap_err();
        assert!(err.message.contains("billion laughs"), "{}", err.message);
    }

    #[test]
    fn aliases_expand() {
        let docs = load("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(
            docs[0].get("b").unwrap().get("k").unwrap().as_str(),
            Some("v")
        );
    }

    #[test]
    fn nesting_is_bounded_after_alias_expansion() {
        // Each alias adds one level: 300 deep once expanded, from a few KB
        // and well under the node limit.
        let mut s = String::from("x0: &a0 [1]\n");
        for i in 1..=300 {
            s.push_str(&format!("x{i}: &a{i} [*a{}]\n", i - 1));
        }
        let err = load(&s).unwrap_err();
        assert!(err.message.contains("deeper than 256"), "{}", err.message);
        let line = s.lines().position(|l| l.starts_with("x255:")).unwrap();
        let at = s.find("*a254").unwrap();
        assert_eq!(err.span.start, at, "at the alias on line {}", line + 1);
        // 255 levels of expansion under the limit load.
        let ok: String = s.lines().take(255).map(|l| format!("{l}\n")).collect();
        assert!(load(&ok).is_ok());
        // Ten brackets a line: the depth limit stops it first.
        let mut s = String::from("a0: &a0 1\n");
        for i in 1..400 {
            s.push_str(&format!("a{i}: &a{i} [[[[[[[[[[*a{}]]]]]]]]]]\n", i - 1));
        }
        assert!(s.len() < 16 << 10);
        let err = load(&s).unwrap_err();
        assert!(err.message.contains("deeper than 256"), "{}", err.message);
    }

    #[test]
    fn alias_bytes_are_bounded() {
        let big = "y".repeat(1 << 20);
        let mut s = format!("a: &x \"{big}\"\nb:\n");
        s.push_str(&"- *x\n".repeat(3000));
        let err = load(&s).unwrap_err();
        assert!(
            err.message.contains("64 times the input"),
            "{}",
            err.message
        );
        // Refused at the first copy past 64 times the input.
        let copies = 64 * s.len() / (1 << 20) + 1;
        let first_alias = s.find("*x").unwrap();
        assert_eq!(err.span.start, first_alias + (copies - 1) * "- *x\n".len());
        // A small file keeps what small files need.
        assert!(load("a: &x {k: [v, w]}\nb: *x\nc: *x\n").is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "[".repeat(10_000);
        let err = load(&s).unwrap_err();
        assert!(
            err.message.contains("deeper than") || err.message.contains("recursion limit"),
            "{}",
            err.message
        );
        let s = (0..10_000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect::<String>();
        assert!(load(&s).is_err());
    }
}
