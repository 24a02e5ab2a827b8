//! Kubernetes' syntax rules for names (`k8s.io/apimachinery/pkg/util/validation`):
//! DNS-1123 subdomains, qualified names (label and annotation keys), label
//! values and IANA service names (port names). The `*_errors` functions word
//! the API server's messages shortly; lengths are in bytes, as Go's `len`
//! counts them.

const NAME_MAX: usize = 63;
const SUBDOMAIN_MAX: usize = 253;
const LABEL_VALUE_MAX: usize = 63;
const IANA_SERVICE_NAME_MAX: usize = 15;

/// `IsDNS1123Subdomain`: at most 253 characters, dot-separated parts of
/// lowercase alphanumerics and '-', each starting and ending alphanumeric.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= SUBDOMAIN_MAX && has_subdomain_charset(s)
}

fn has_subdomain_charset(s: &str) -> bool {
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    s.split('.').all(|part| {
        let b = part.as_bytes();
        match (b.first(), b.last()) {
            (Some(first), Some(last)) => {
                alnum(first) && alnum(last) && b.iter().all(|c| alnum(c) || *c == b'-')
            }
            _ => false,
        }
    })
}

/// The problems of a DNS-1123 subdomain (empty when valid).
pub fn dns1123_subdomain_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > SUBDOMAIN_MAX {
        errs.push(format!(
            "must be no more than {SUBDOMAIN_MAX} characters (it has {})",
            s.len()
        ));
    }
    if !has_subdomain_charset(s) {
        errs.push(
            "must be a lowercase RFC 1123 subdomain: lowercase alphanumeric characters, \
             '-' or '.', each dot-separated part starting and ending with an alphanumeric \
             character"
                .to_string(),
        );
    }
    errs
}

/// The name part of a qualified name: 1 to 63 characters of
/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
pub fn is_qualified_name_part(s: &str) -> bool {
    s.len() <= NAME_MAX && has_name_charset(s)
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, not empty.
fn has_name_charset(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `IsQualifiedName` (label and annotation keys): an optional DNS-1123
/// subdomain prefix and `/`, then a name of at most 63 characters. Returns
/// the problems (empty when valid).
pub fn qualified_name_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let name = match key.split_once('/') {
        None => key,
        Some((prefix, name)) if !name.contains('/') => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix)
                        .into_iter()
                        .map(|e| format!("prefix part {e}")),
                );
            }
            name
        }
        Some(_) => {
            return vec!["a qualified name may contain at most one '/' \
                         (an optional DNS subdomain prefix, '/', and a name)"
                .to_string()];
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
        return errs;
    }
    if name.len() > NAME_MAX {
        errs.push(format!(
            "name part must be no more than {NAME_MAX} characters (it has {})",
            name.len()
        ));
    }
    if !has_name_charset(name) {
        errs.push(
            "name part must consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character"
                .to_string(),
        );
    }
    errs
}

/// `IsValidLabelValue`: empty, or at most 63 characters of the name charset.
pub fn is_label_value(value: &str) -> bool {
    value.is_empty() || is_qualified_name_part(value)
}

/// The problems of a label value (empty when valid).
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.is_empty() {
        return errs;
    }
    if value.len() > LABEL_VALUE_MAX {
        errs.push(format!(
            "must be no more than {LABEL_VALUE_MAX} characters (it has {})",
            value.len()
        ));
    }
    if !has_name_charset(value) {
        errs.push(
            "must be empty or consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character"
                .to_string(),
        );
    }
    errs
}

/// Why `name` is not an IANA service name (RFC 6335 5.1, Kubernetes'
/// `IsValidPortName`), if it is not: the first problem found.
pub fn iana_service_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    if name.len() > IANA_SERVICE_NAME_MAX {
        return Some("is longer than 15 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("may contain only lowercase letters, digits and '-'");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some("must contain at least one letter");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("must not begin or end with '-'");
    }
    if name.contains("--") {
        return Some("must not contain '--'");
    }
    None
}

/// `IsDNS1123Label` (container, volume and port names, namespaces): the
/// API server's message when `s` is not one.
pub fn dns1123_label_problem(s: &str) -> Option<String> {
    if s.len() > NAME_MAX {
        return Some(format!("must be no more than {NAME_MAX} characters"));
    }
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let ok = match (b.first(), b.last()) {
        (Some(f), Some(l)) => alnum(f) && alnum(l) && b.iter().all(|c| alnum(c) || *c == b'-'),
        _ => false,
    };
    (!ok).then(|| {
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', \
         and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', \
         regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            .to_string()
    })
}

/// `IsDNS1035Label` (Service names): a DNS-1123 label starting with a letter.
pub fn dns1035_label_problem(s: &str) -> Option<String> {
    if s.len() > NAME_MAX {
        return Some(format!("must be no more than {NAME_MAX} characters"));
    }
    let b = s.as_bytes();
    let ok = b.first().is_some_and(u8::is_ascii_lowercase) && dns1123_label_problem(s).is_none();
    (!ok).then(|| {
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with \
         an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or \
         'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
            .to_string()
    })
}

/// `IsConfigMapKey` (ConfigMap data keys, `items[].key`).
pub fn config_map_key_problem(s: &str) -> Option<String> {
    if s.len() > SUBDOMAIN_MAX {
        return Some(format!("must be no more than {SUBDOMAIN_MAX} characters"));
    }
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Some(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' \
             (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is \
             '[-._a-zA-Z0-9]+')"
                .to_string(),
        );
    }
    match s {
        "." => Some("must not be '.'".to_string()),
        ".." => Some("must not be '..'".to_string()),
        _ if s.starts_with("..") => Some("must not start with '..'".to_string()),
        _ => None,
    }
}

/// `IsValidPathSegmentName` (RBAC object names): any name a URL path can hold.
pub fn path_segment_problem(s: &str) -> Option<String> {
    match s {
        "." | ".." => Some(format!("may not be '{s}'")),
        _ if s.contains('/') => Some("may not contain '/'".to_string()),
        _ if s.contains('%') => Some("may not contain '%'".to_string()),
        _ => None,
    }
}

/// `IsEnvVarName` in its relaxed form (GA in 1.34): printable ASCII but '='.
pub fn env_var_name_problem(s: &str) -> Option<String> {
    let ok = !s.is_empty() && s.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'=');
    (!ok).then(|| {
        "a valid environment variable name must consist only of printable ASCII characters \
         other than '='"
            .to_string()
    })
}

/// `IsCIdentifier`: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_c_identifier(s: &str) -> bool {
    let b = s.as_bytes();
    b.first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_key(k: &str) -> bool {
        qualified_name_errors(k).is_empty()
    }

    #[test]
    fn qualified_names() {
        let valid = [
            "app",
            "App_Name.v2",
            "app.kubernetes.io/name",
            "a/b",
            "9",
            // apimachinery's TestIsQualifiedName
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "now-with-dashes/now-with-dashes",
            "now.with.dots/simple",
            "now-with.dashes-and.dots/simple",
            "1-num.2-num/3-num",
            "1234/5678",
            "1.2.3.4/5678",
            "Uppercase_Is_OK_123",
            "example.com/Uppercase_Is_OK_123",
            "requests.storage-foo",
        ];
        for k in valid {
            assert!(ok_key(k), "{k:?} is valid");
        }
        assert!(ok_key(&"n".repeat(63)));
        assert!(ok_key(&format!("{}/{}", "a".repeat(253), "b".repeat(63))));
        let invalid = [
            "",
            "app.kubernetes.io/",
            "/name",
            "a/b/c",
            "app-",
            "-app",
            "_app",
            "my app",
            "app:name",
            "Example.com/name",
            "example-.com/name",
            "example..com/name",
            "exa_mple.com/name",
            "ünïcode",
            // apimachinery's TestIsQualifiedName
            "nospecialchars%^=@",
            "cantendwithadash-",
            "-cantstartwithadash-",
            "only/one/slash",
            "Example.com/abc",
            "example_com/abc",
            "example.com/",
            "/simple",
        ];
        for k in invalid {
            assert!(!ok_key(k), "{k:?} is invalid");
        }
        assert!(!ok_key(&"n".repeat(64)));
        assert!(!ok_key(&format!("{}/abc", "a".repeat(254))));
    }

    #[test]
    fn name_parts() {
        assert!(is_qualified_name_part("app.kubernetes.io"));
        assert!(is_qualified_name_part(&"n".repeat(63)));
        assert!(!is_qualified_name_part(&"n".repeat(64)));
        assert!(!is_qualified_name_part(""));
        assert!(!is_qualified_name_part("a/b"));
        assert!(!is_qualified_name_part("-a"));
    }

    #[test]
    fn prefix_length_boundary() {
        // 253 = 4 labels of 63 bytes joined by 3 dots, minus 2.
        let label = "a".repeat(63);
        let p253 = format!("{label}.{label}.{label}.{}", "a".repeat(61));
        assert_eq!(p253.len(), 253);
        assert!(ok_key(&format!("{p253}/name")));
        let p254 = format!("{p253}a");
        let errs = qualified_name_errors(&format!("{p254}/name"));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("no more than 253"), "{errs:?}");
    }

    #[test]
    fn empty_name_reports_once() {
        assert_eq!(
            qualified_name_errors(""),
            vec!["name part must be non-empty"]
        );
        assert_eq!(qualified_name_errors("example.com/").len(), 1);
        assert_eq!(qualified_name_errors("/").len(), 2);
    }

    #[test]
    fn label_values() {
        let valid = [
            "",
            "v1.2.3",
            "Node_Exporter-1",
            // apimachinery's TestIsValidLabelValue
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "end-with-num-1",
            "1234",
        ];
        for v in valid {
            assert!(label_value_errors(v).is_empty(), "{v:?} is valid");
            assert!(is_label_value(v), "{v:?} is valid");
        }
        assert!(label_value_errors(&"v".repeat(63)).is_empty());
        assert_eq!(label_value_errors(&"v".repeat(64)).len(), 1);
        let invalid = [
            "v1-",
            ".v1",
            "a/b",
            "two words",
            "x\n",
            // apimachinery's TestIsValidLabelValue
            "nospecialchars%^=@",
            "Tama-nui-te-rā.is.Māori.sun",
            "\\backslashes\\are\\bad",
            "-starts-with-dash",
            "ends-with-dash-",
            ".starts.with.dot",
            "ends.with.dot.",
        ];
        for v in invalid {
            assert!(!label_value_errors(v).is_empty(), "{v:?} is invalid");
            assert!(!is_label_value(v), "{v:?} is invalid");
        }
        assert!(!is_label_value(&"a".repeat(64)));
        assert_eq!(label_value_errors(&format!("{}-", "v".repeat(64))).len(), 2);
    }

    /// apimachinery's TestIsDNS1123Subdomain, plus a few of kdm's own.
    #[test]
    fn subdomains() {
        let valid = [
            "kubernetes.io",
            "a-1.b",
            "a",
            "ab",
            "abc",
            "a1",
            "a-1",
            "a--1--2--b",
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            "a.a",
            "ab.a",
            "abc.a",
            "a1.a",
            "a-1.a",
            "a--1--2--b.a",
            "a.1",
            "ab.1",
            "abc.1",
            "a1.1",
            "a-1.1",
            "a--1--2--b.1",
            "0.a",
            "01.a",
            "012.a",
            "1a.a",
            "1-a.a",
            "0.1",
            "01.1",
            "012.1",
            "1a.1",
            "1-a.1",
            "1--a--b--2.1",
            "a.b.c.d.e",
            "aa.bb.cc.dd.ee",
            "1.2.3.4.5",
            "11.22.33.44.55",
        ];
        for s in valid {
            assert!(is_dns1123_subdomain(s), "{s:?} is valid");
            assert!(dns1123_subdomain_errors(s).is_empty(), "{s:?} is valid");
        }
        assert!(is_dns1123_subdomain(&"a".repeat(253)));
        let invalid = [
            "Kubernetes.io",
            "kubernetes.io.",
            "-a.io",
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a..b",
            "1.",
            ".1",
            "1..2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
            "A.a",
            "aB.a",
            "ab.A",
            "A1.a",
            "a1.A",
            "A.1",
            "aB.1",
            "A1.1",
            "1A.1",
            "0.A",
            "01.A",
            "012.A",
            "1A.a",
            "1a.A",
            "A.B.C.D.E",
            "AA.BB.CC.DD.EE",
            "a.B.c.d.e",
            "aa.bB.cc.dd.ee",
            "a@b",
            "a,b",
            "a;b",
            "a:b",
            "a%b",
            "a?b",
            "a$b",
        ];
        for s in invalid {
            assert!(!is_dns1123_subdomain(s), "{s:?} is invalid");
            assert!(!dns1123_subdomain_errors(s).is_empty(), "{s:?} is invalid");
        }
        assert!(!is_dns1123_subdomain(&"a".repeat(254)));
        assert_eq!(dns1123_subdomain_errors(&"a".repeat(254)).len(), 1);
    }

    /// apimachinery's TestIsValidPortName, plus a few of kdm's own.
    #[test]
    fn iana_service_names() {
        for n in [
            "http",
            "metrics",
            "http-metrics",
            "dns-tcp",
            "p9100",
            "abcdefghijklmno",
            "telnet",
            "re-mail-ck",
            "pop3",
            "a",
            "a-1",
            "1-a",
            "a-1-b-2-c",
            "1-a-2-b-3",
        ] {
            assert_eq!(iana_service_name_problem(n), None, "{n}");
        }
        let sixteen = "a".repeat(16);
        for n in [
            "",
            "abcdefghijklmnop",
            "http_metrics",
            "HTTP",
            "9100",
            "-http",
            "http-",
            "http--metrics",
            "prometheus-metrics",
            "métrics",
            "longerthan15characters",
            &sixteen,
            "12345",
            "1-2-3-4",
            "-begin",
            "end-",
            "two--hyphens",
            "whois++",
        ] {
            assert!(iana_service_name_problem(n).is_some(), "{n}");
        }
    }
}
