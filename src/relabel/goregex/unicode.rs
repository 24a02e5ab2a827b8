//! Unicode data: Go's tables, rebuilt from regex-syntax's (Unicode 16) tables
//! restricted to the code points assigned in Go's Unicode version.

use super::ranges::{clean_class, in_class, negate_class};
use super::regexp::*;
use super::GoVersion;
use regex_syntax::hir::{Class, HirKind};
use std::sync::OnceLock;

pub(super) struct UnicodeData {
    unicode15: bool,
    /// Code points assigned in this Unicode version (no surrogates).
    assigned: Vec<Rune>,
    /// Go's `unicode.SimpleFold` for every code point that has case variants,
    /// sorted by code point.
    pub(super) folds: Vec<(Rune, Rune)>,
    min_fold: Rune,
    max_fold: Rune,
    /// Letters (L) and decimal digits (Nd), for `$name` in templates.
    pub(super) name_chars: Vec<(u32, u32)>,
}

pub(super) fn unicode_data(unicode15: bool) -> &'static UnicodeData {
    static U13: OnceLock<UnicodeData> = OnceLock::new();
    static U15: OnceLock<UnicodeData> = OnceLock::new();
    let cell = if unicode15 { &U15 } else { &U13 };
    cell.get_or_init(|| UnicodeData::build(unicode15))
}

/// A Unicode class from regex-syntax, as flat Go-style ranges.
fn rust_class(query: &str) -> Vec<Rune> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(query);
    let mut out = Vec::new();
    if let Ok(hir) = hir {
        match hir.kind() {
            HirKind::Class(Class::Unicode(c)) => {
                for r in c.ranges() {
                    out.push(r.start() as Rune);
                    out.push(r.end() as Rune);
                }
            }
            // A class of one code point comes back as a literal.
            HirKind::Literal(lit) => {
                if let Some(c) = std::str::from_utf8(&lit.0)
                    .ok()
                    .and_then(|s| s.chars().next())
                {
                    out.push(c as Rune);
                    out.push(c as Rune);
                }
            }
            _ => {}
        }
    }
    out
}

fn intersect(a: &[Rune], b: &[Rune]) -> Vec<Rune> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i + 1 < a.len() && j + 1 < b.len() {
        let lo = a[i].max(b[j]);
        let hi = a[i + 1].min(b[j + 1]);
        if lo <= hi {
            out.push(lo);
            out.push(hi);
        }
        if a[i + 1] < b[j + 1] {
            i += 2;
        } else {
            j += 2;
        }
    }
    out
}

fn union(parts: &[&[Rune]]) -> Vec<Rune> {
    clean_class(parts.concat())
}

const SURROGATES: &[Rune] = &[0xD800, 0xDFFF];

/// Go's `unicode.Categories` keys before Go 1.25.
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// (code point, Go's table, regex-syntax's table) for code points whose
/// general category or script changed after Unicode 15.0 / 13.0.
const MOVED_15: &[(Rune, &str, &str)] = &[(0x1171E, "Mn", "Mc")];
const MOVED_13: &[(Rune, &str, &str)] = &[
    (0x1171E, "Mn", "Mc"),
    (0x1734, "Mn", "Mc"),
    (0x16FE2, "Common", "Han"),
    (0x16FE3, "Common", "Han"),
];

/// The keys of Go's `unicode.FoldCategory` and `unicode.FoldScript`.
const FOLD_CATEGORIES: &[&str] = &["L", "Ll", "Lt", "Lu", "M", "Mn"];
const FOLD_SCRIPTS: &[&str] = &["Common", "Greek", "Inherited"];

/// Go's `unicode.Scripts` keys (Unicode 15.0).
const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// Scripts added in Unicode 14 and 15 (absent from Go before 1.21).
const SCRIPTS_SINCE_14: &[&str] = &[
    "Cypro_Minoan",
    "Kawi",
    "Nag_Mundari",
    "Old_Uyghur",
    "Tangsa",
    "Toto",
    "Vithkuqi",
];

/// Go 1.25's `unicode.CategoryAliases`.
const CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("Cased_Letter", "LC"),
    ("Close_Punctuation", "Pe"),
    ("Combining_Mark", "M"),
    ("Connector_Punctuation", "Pc"),
    ("Control", "Cc"),
    ("Currency_Symbol", "Sc"),
    ("Dash_Punctuation", "Pd"),
    ("Decimal_Number", "Nd"),
    ("Enclosing_Mark", "Me"),
    ("Final_Punctuation", "Pf"),
    ("Format", "Cf"),
    ("Initial_Punctuation", "Pi"),
    ("Letter", "L"),
    ("Letter_Number", "Nl"),
    ("Line_Separator", "Zl"),
    ("Lowercase_Letter", "Ll"),
    ("Mark", "M"),
    ("Math_Symbol", "Sm"),
    ("Modifier_Letter", "Lm"),
    ("Modifier_Symbol", "Sk"),
    ("Nonspacing_Mark", "Mn"),
    ("Number", "N"),
    ("Open_Punctuation", "Ps"),
    ("Other", "C"),
    ("Other_Letter", "Lo"),
    ("Other_Number", "No"),
    ("Other_Punctuation", "Po"),
    ("Other_Symbol", "So"),
    ("Paragraph_Separator", "Zp"),
    ("Private_Use", "Co"),
    ("Punctuation", "P"),
    ("Separator", "Z"),
    ("Space_Separator", "Zs"),
    ("Spacing_Mark", "Mc"),
    ("Surrogate", "Cs"),
    ("Symbol", "S"),
    ("Titlecase_Letter", "Lt"),
    ("Unassigned", "Cn"),
    ("Uppercase_Letter", "Lu"),
    ("cntrl", "Cc"),
    ("digit", "Nd"),
    ("punct", "P"),
];

/// Go 1.25's `canonicalName`: first letter upper case, the rest lower case,
/// without `_`, `-` and spaces.
fn canonical_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut first = true;
    for &c in name.as_bytes() {
        match c {
            b'_' | b'-' | b' ' => continue,
            _ if first => {
                first = false;
                out.push(char::from(c.to_ascii_uppercase()));
            }
            _ => out.push(char::from(c.to_ascii_lowercase())),
        }
    }
    // Non-ASCII bytes were pushed one by one; such names never match anyway.
    out
}

impl UnicodeData {
    fn build(unicode15: bool) -> UnicodeData {
        let age = if unicode15 { "15.0" } else { "13.0" };
        let assigned = rust_class(&format!(r"\p{{age={age}}}"));
        // Every code point with a case variant changes when case folded, or is
        // the fold target of one that does.
        let mut folds = Vec::new();
        let cwcf = intersect(&rust_class(r"\p{Changes_When_Casefolded}"), &assigned);
        let mut orbits: Vec<Vec<Rune>> = Vec::new();
        for p in cwcf.chunks_exact(2) {
            for c in p[0]..=p[1] {
                let Some(ch) = char::from_u32(c as u32) else {
                    continue;
                };
                let mut cls = regex_syntax::hir::ClassUnicode::new([
                    regex_syntax::hir::ClassUnicodeRange::new(ch, ch),
                ]);
                cls.case_fold_simple();
                let mut orbit: Vec<Rune> = Vec::new();
                for r in cls.ranges() {
                    for x in r.start() as Rune..=r.end() as Rune {
                        if in_class(&assigned, x) {
                            orbit.push(x);
                        }
                    }
                }
                // U+FB05 and U+FB06 became case variants only in Unicode 15.1.
                if orbit.len() > 1 && orbit != [0xFB05, 0xFB06] {
                    orbits.push(orbit);
                }
            }
        }
        orbits.sort();
        orbits.dedup();
        for o in &orbits {
            for (i, &c) in o.iter().enumerate() {
                folds.push((c, o[(i + 1) % o.len()]));
            }
        }
        folds.sort_unstable();
        folds.dedup_by_key(|f| f.0);
        let min_fold = folds.first().map_or(0, |f| f.0);
        let max_fold = folds.last().map_or(0, |f| f.0);
        let mut data = UnicodeData {
            unicode15,
            assigned,
            folds,
            min_fold,
            max_fold,
            name_chars: Vec::new(),
        };
        let version = if unicode15 {
            GoVersion::Go1_21
        } else {
            GoVersion::Go1_19
        };
        let letters = union(&[&data.category("L", version), &data.category("Nd", version)]);
        data.name_chars = letters
            .chunks_exact(2)
            .map(|p| (p[0] as u32, p[1] as u32))
            .collect();
        data
    }

    /// Go's `unicode.SimpleFold`: the next code point in `r`'s case orbit.
    pub(super) fn simple_fold(&self, r: Rune) -> Rune {
        match self.folds.binary_search_by_key(&r, |f| f.0) {
            Ok(i) => self.folds[i].1,
            Err(_) => r,
        }
    }

    pub(super) fn min_fold_rune(&self, r: Rune) -> Rune {
        if r < self.min_fold || r > self.max_fold {
            return r;
        }
        let mut m = r;
        let mut f = self.simple_fold(r);
        while f != r {
            m = m.min(f);
            f = self.simple_fold(f);
        }
        m
    }

    /// `tab` plus every code point in the case orbit of one of its members.
    pub(super) fn fold_closure(&self, tab: &[Rune]) -> Vec<Rune> {
        let mut extra = Vec::new();
        for &(c, _) in &self.folds {
            if in_class(tab, c) {
                extra.push(c);
                extra.push(c);
                let mut f = self.simple_fold(c);
                while f != c {
                    extra.push(f);
                    extra.push(f);
                    f = self.simple_fold(f);
                }
            }
        }
        union(&[tab, &extra])
    }

    /// Code points whose category or script changed after Go's Unicode version.
    fn moved(&self, name: &str, mut tab: Vec<Rune>) -> Vec<Rune> {
        let moved: &[(Rune, &str, &str)] = if self.unicode15 { MOVED_15 } else { MOVED_13 };
        for &(c, was, now) in moved {
            if name == now {
                tab = intersect(&tab, &negate_class(vec![c, c]));
            } else if name == was {
                tab = union(&[&tab, &[c, c]]);
            }
        }
        tab
    }

    fn category(&self, name: &str, version: GoVersion) -> Vec<Rune> {
        let gc = |n: &str| {
            let tab = intersect(&rust_class(&format!(r"\p{{gc={n}}}")), &self.assigned);
            self.moved(n, tab)
        };
        match name {
            "Cs" => SURROGATES.to_vec(),
            "Cn" => {
                // Unassigned in Rust's tables, or assigned after Go's version.
                let unassigned = negate_class(self.assigned.clone());
                let not_surrogate = negate_class(SURROGATES.to_vec());
                union(&[
                    &rust_class(r"\p{gc=Cn}"),
                    &intersect(&unassigned, &not_surrogate),
                ])
            }
            // Go's C lacked unassigned code points until 1.25.
            "C" => {
                let mut parts = vec![gc("Cc"), gc("Cf"), gc("Co"), SURROGATES.to_vec()];
                if version.loose_class_names() {
                    parts.push(self.category("Cn", version));
                }
                let refs: Vec<&[Rune]> = parts.iter().map(Vec::as_slice).collect();
                union(&refs)
            }
            "LC" => union(&[&gc("Lu"), &gc("Ll"), &gc("Lt")]),
            _ => gc(name),
        }
    }

    fn script(&self, name: &str) -> Vec<Rune> {
        let tab = intersect(&rust_class(&format!(r"\p{{sc={name}}}")), &self.assigned);
        self.moved(name, tab)
    }

    fn has_script(&self, name: &str) -> bool {
        SCRIPTS.contains(&name) && (self.unicode15 || !SCRIPTS_SINCE_14.contains(&name))
    }

    /// Go's `unicodeTable`: the class for a `\p{name}`, whether it is to be
    /// inverted, and whether Go has a folding table for it; None if Go does
    /// not know the name.
    pub(super) fn table(&self, name: &str, version: GoVersion) -> Option<(Vec<Rune>, i32, bool)> {
        let cat = |n: &str| {
            let fold = FOLD_CATEGORIES.contains(&n);
            (self.category(n, version), 1, fold)
        };
        let script = |n: &str| (self.script(n), 1, FOLD_SCRIPTS.contains(&n));
        if !version.loose_class_names() {
            if name == "Any" {
                return Some((vec![0, MAX_RUNE], 1, true));
            }
            if CATEGORIES.contains(&name) {
                return Some(cat(name));
            }
            if self.has_script(name) {
                return Some(script(name));
            }
            return None;
        }
        let name = canonical_name(name);
        match name.as_str() {
            "Any" => return Some((vec![0, MAX_RUNE], 1, true)),
            "Assigned" => return Some((self.category("Cn", version), -1, true)),
            "Ascii" => return Some((vec![0, 0x7F], 1, true)),
            "Lc" => return Some(cat("LC")),
            _ => {}
        }
        if CATEGORIES.contains(&name.as_str()) || name == "Cn" {
            return Some(cat(&name));
        }
        if self.has_script(&name) {
            return Some(script(&name));
        }
        CATEGORY_ALIASES
            .iter()
            .find(|(alias, _)| canonical_name(alias) == name)
            .map(|(_, actual)| cat(actual))
    }
}
