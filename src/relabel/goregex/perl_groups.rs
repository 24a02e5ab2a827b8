//! Go's `perl_groups.go`: the `\d\s\w` and `[:name:]` classes (ASCII only).

use super::regexp::Rune;

pub(super) struct Group {
    pub(super) name: &'static str,
    pub(super) sign: i32,
    pub(super) class: &'static [Rune],
}

const DIGIT: &[Rune] = &[0x30, 0x39];
const SPACE: &[Rune] = &[0x9, 0xa, 0xc, 0xd, 0x20, 0x20];
const WORD: &[Rune] = &[0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];

static PERL_GROUPS: [Group; 6] = [
    Group {
        name: "d",
        sign: 1,
        class: DIGIT,
    },
    Group {
        name: "D",
        sign: -1,
        class: DIGIT,
    },
    Group {
        name: "s",
        sign: 1,
        class: SPACE,
    },
    Group {
        name: "S",
        sign: -1,
        class: SPACE,
    },
    Group {
        name: "w",
        sign: 1,
        class: WORD,
    },
    Group {
        name: "W",
        sign: -1,
        class: WORD,
    },
];

pub(super) fn perl_group_at(b: &[u8], t: usize) -> Option<(&'static Group, usize)> {
    if b.get(t) != Some(&b'\\') {
        return None;
    }
    let c = *b.get(t + 1)?;
    PERL_GROUPS
        .iter()
        .find(|g| g.name.as_bytes() == [c])
        .map(|g| (g, t + 2))
}

macro_rules! posix {
    ($($name:literal => $class:expr),* $(,)?) => {
        [$(
            Group { name: concat!("[:", $name, ":]"), sign: 1, class: $class },
            Group { name: concat!("[:^", $name, ":]"), sign: -1, class: $class },
        )*]
    };
}

pub(super) static POSIX_GROUPS: [Group; 28] = posix! {
    "alnum" => &[0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
    "alpha" => &[0x41, 0x5a, 0x61, 0x7a],
    "ascii" => &[0x0, 0x7f],
    "blank" => &[0x9, 0x9, 0x20, 0x20],
    "cntrl" => &[0x0, 0x1f, 0x7f, 0x7f],
    "digit" => DIGIT,
    "graph" => &[0x21, 0x7e],
    "lower" => &[0x61, 0x7a],
    "print" => &[0x20, 0x7e],
    "punct" => &[0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
    "space" => &[0x9, 0xd, 0x20, 0x20],
    "upper" => &[0x41, 0x5a],
    "word" => WORD,
    "xdigit" => &[0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};
