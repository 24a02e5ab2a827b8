//! Go's `syntax.Regexp` parse tree: its node, ops and flags (Go's `regexp.go`).

pub(super) type Rune = i32;
pub(super) const MAX_RUNE: Rune = 0x10FFFF;
pub(super) const RUNE_ERROR: Rune = 0xFFFD;

// Flags (Go's syntax.Flags); the parser always runs with syntax.Perl.
pub(super) const FOLD_CASE: u16 = 1;
pub(super) const CLASS_NL: u16 = 1 << 2;
pub(super) const DOT_NL: u16 = 1 << 3;
pub(super) const ONE_LINE: u16 = 1 << 4;
pub(super) const NON_GREEDY: u16 = 1 << 5;
pub(super) const PERL_X: u16 = 1 << 6;
pub(super) const UNICODE_GROUPS: u16 = 1 << 7;
pub(super) const WAS_DOLLAR: u16 = 1 << 8;
pub(super) const PERL: u16 = CLASS_NL | ONE_LINE | PERL_X | UNICODE_GROUPS;

// Ops, numbered as in Go: the parser compares them numerically.
pub(super) const OP_NO_MATCH: u8 = 1;
pub(super) const OP_EMPTY_MATCH: u8 = 2;
pub(super) const OP_LITERAL: u8 = 3;
pub(super) const OP_CHAR_CLASS: u8 = 4;
pub(super) const OP_ANY_CHAR_NOT_NL: u8 = 5;
pub(super) const OP_ANY_CHAR: u8 = 6;
pub(super) const OP_BEGIN_LINE: u8 = 7;
pub(super) const OP_END_LINE: u8 = 8;
pub(super) const OP_BEGIN_TEXT: u8 = 9;
pub(super) const OP_END_TEXT: u8 = 10;
pub(super) const OP_WORD_BOUNDARY: u8 = 11;
pub(super) const OP_NO_WORD_BOUNDARY: u8 = 12;
pub(super) const OP_CAPTURE: u8 = 13;
pub(super) const OP_STAR: u8 = 14;
pub(super) const OP_PLUS: u8 = 15;
pub(super) const OP_QUEST: u8 = 16;
pub(super) const OP_REPEAT: u8 = 17;
pub(super) const OP_CONCAT: u8 = 18;
pub(super) const OP_ALTERNATE: u8 = 19;
pub(super) const OP_PSEUDO: u8 = 128;
pub(super) const OP_LEFT_PAREN: u8 = OP_PSEUDO;
pub(super) const OP_VERTICAL_BAR: u8 = OP_PSEUDO + 1;

/// Go's `syntax.Regexp`, stored in an arena so that node identity (which the
/// parser's limit bookkeeping relies on) is preserved.
#[derive(Debug, Clone, Default)]
pub(super) struct Node {
    pub(super) op: u8,
    pub(super) flags: u16,
    pub(super) sub: Vec<usize>,
    pub(super) rune: Vec<Rune>,
    pub(super) min: i32,
    pub(super) max: i32,
    pub(super) cap: i32,
    pub(super) name: String,
    /// Byte offset of a `(` (for error offsets only).
    pub(super) src: usize,
}
