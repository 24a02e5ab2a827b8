//! Kubernetes' syntax rules for label keys, label values and annotation
//! keys (`k8s.io/apimachinery/pkg/util/validation`), with the API server's
//! wording shortened. Lengths are in bytes, as Go's `len` counts them.

const NAME_MAX: usize = 63;
const SUBDOMAIN_MAX: usize = 253;
const VALUE_MAX: usize = 63;

/// `IsQualifiedName`: an optional DNS-1123 subdomain prefix and `/`, then a
/// name of at most 63 characters. Returns the problems (empty when valid).
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
    if !is_name_charset(name) {
        errs.push(
            "name part must consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character"
                .to_string(),
        );
    }
    errs
}

/// `IsValidLabelValue`: empty, or at most 63 characters of the name charset.
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.is_empty() {
        return errs;
    }
    if value.len() > VALUE_MAX {
        errs.push(format!(
            "must be no more than {VALUE_MAX} characters (it has {})",
            value.len()
        ));
    }
    if !is_name_charset(value) {
        errs.push(
            "must be empty or consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character"
                .to_string(),
        );
    }
    errs
}

/// `IsDNS1123Subdomain`: at most 253 characters, dot-separated labels of
/// lowercase alphanumerics and '-', each starting and ending alphanumeric.
pub fn dns1123_subdomain_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > SUBDOMAIN_MAX {
        errs.push(format!(
            "must be no more than {SUBDOMAIN_MAX} characters (it has {})",
            s.len()
        ));
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        match (b.first(), b.last()) {
            (Some(first), Some(last)) => {
                alnum(first) && alnum(last) && b.iter().all(|c| alnum(c) || *c == b'-')
            }
            _ => false,
        }
    };
    if !s.split('.').all(label_ok) {
        errs.push(
            "must be a lowercase RFC 1123 subdomain: lowercase alphanumeric characters, \
             '-' or '.', each dot-separated part starting and ending with an alphanumeric \
             character"
                .to_string(),
        );
    }
    errs
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn is_name_charset(s: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_key(k: &str) -> bool {
        qualified_name_errors(k).is_empty()
    }

    #[test]
    fn qualified_names() {
        assert!(ok_key("app"));
        assert!(ok_key("App_Name.v2"));
        assert!(ok_key("app.kubernetes.io/name"));
        assert!(ok_key("a/b"));
        assert!(ok_key("9"));
        assert!(ok_key(&"n".repeat(63)));
        assert!(!ok_key(&"n".repeat(64)));
        assert!(!ok_key(""));
        assert!(!ok_key("app.kubernetes.io/"));
        assert!(!ok_key("/name"));
        assert!(!ok_key("a/b/c"));
        assert!(!ok_key("app-"));
        assert!(!ok_key("-app"));
        assert!(!ok_key("_app"));
        assert!(!ok_key("my app"));
        assert!(!ok_key("app:name"));
        assert!(!ok_key("Example.com/name"));
        assert!(!ok_key("example-.com/name"));
        assert!(!ok_key("example..com/name"));
        assert!(!ok_key("exa_mple.com/name"));
        assert!(!ok_key("ünïcode"));
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
        assert!(label_value_errors("").is_empty());
        assert!(label_value_errors("v1.2.3").is_empty());
        assert!(label_value_errors("Node_Exporter-1").is_empty());
        assert!(label_value_errors(&"v".repeat(63)).is_empty());
        assert_eq!(label_value_errors(&"v".repeat(64)).len(), 1);
        assert!(!label_value_errors("v1-").is_empty());
        assert!(!label_value_errors(".v1").is_empty());
        assert!(!label_value_errors("a/b").is_empty());
        assert!(!label_value_errors("two words").is_empty());
        assert!(!label_value_errors("x\n").is_empty());
        assert_eq!(label_value_errors(&format!("{}-", "v".repeat(64))).len(), 2);
    }

    #[test]
    fn subdomains() {
        assert!(dns1123_subdomain_errors("kubernetes.io").is_empty());
        assert!(dns1123_subdomain_errors("a-1.b").is_empty());
        assert!(!dns1123_subdomain_errors("Kubernetes.io").is_empty());
        assert!(!dns1123_subdomain_errors("kubernetes.io.").is_empty());
        assert!(!dns1123_subdomain_errors("-a.io").is_empty());
        assert!(!dns1123_subdomain_errors("").is_empty());
    }
}
