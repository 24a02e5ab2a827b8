//! Nesting depth and alias expansion, bounded by [`Limits`].

use saphyr_parser::Span as PSpan;

use super::builder::{Builder, Frame};
use super::LoadError;
use crate::yaml::Span;

/// Bounds that keep hostile input from exhausting memory or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum nesting of collections.
    pub max_depth: usize,
    /// Maximum number of nodes produced by alias expansion, per stream.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
        }
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

    /// A copy of the anchored node, counted against the expansion limit.
    pub(super) fn alias(&mut self, id: usize, pspan: PSpan) -> Result<(), LoadError> {
        let span = self.span(pspan);
        let Some((node, count)) = self.anchors.get(&id).cloned() else {
            return Err(Self::err(
                span,
                "alias to an unknown anchor",
                "unknown anchor",
            ));
        };
        self.alias_nodes = self.alias_nodes.saturating_add(count);
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
        self.complete(node, count, 0)
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
