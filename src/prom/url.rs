//! The scrape URL, built like Go's `url.URL.String()` from the target's
//! `__scheme__`, `__address__`, `__metrics_path__` and params.

use crate::relabel::SortedLabels;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Host,
    Path,
    QueryComponent,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => c == b'?',
            Mode::QueryComponent => true,
            Mode::Host => true,
        },
        _ => true,
    }
}

fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if mode == Mode::QueryComponent && b == b' ' {
            out.push('+');
        } else if should_escape(b, mode) && !(mode == Mode::Host && b >= 0x80) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    // Non-ASCII bytes in hosts are kept as is (Go keeps them); rebuild UTF-8.
    if mode == Mode::Host && !s.is_ascii() {
        let mut bytes = Vec::with_capacity(s.len());
        for &b in s.as_bytes() {
            if should_escape(b, mode) && b < 0x80 {
                bytes.extend_from_slice(format!("%{b:02X}").as_bytes());
            } else {
                bytes.push(b);
            }
        }
        return String::from_utf8(bytes).unwrap_or(out);
    }
    out
}

/// Builds the URL Prometheus would scrape for a populated target.
pub fn scrape_url(labels: &SortedLabels<'_>, params: &[(String, Vec<String>)]) -> String {
    let get = |k: &str| labels.get(k).unwrap_or("");
    let mut query: std::collections::BTreeMap<&str, Vec<&str>> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.iter().map(String::as_str).collect()))
        .collect();
    for (name, value) in labels.with_prefix("__param_") {
        let key = &name["__param_".len()..];
        let slot = query.entry(key).or_default();
        match slot.first_mut() {
            Some(first) => *first = value,
            None => slot.push(value),
        }
    }
    let mut url = String::new();
    let scheme = get("__scheme__");
    if !scheme.is_empty() {
        url.push_str(scheme);
        url.push(':');
    }
    url.push_str("//");
    let address = get("__address__");
    // Targets scraped over a unix socket have no address: Go uses localhost.
    if address.is_empty() && !get("__unix_socket__").is_empty() {
        url.push_str("localhost");
    } else {
        url.push_str(&escape(address, Mode::Host));
    }
    let path = get("__metrics_path__");
    if !path.is_empty() && !path.starts_with('/') {
        url.push('/');
    }
    if path == "*" {
        url.push('*');
    } else {
        url.push_str(&escape(path, Mode::Path));
    }
    let mut first = true;
    for (k, values) in &query {
        for v in values {
            url.push(if first { '?' } else { '&' });
            first = false;
            url.push_str(&escape(k, Mode::QueryComponent));
            url.push('=');
            url.push_str(&escape(v, Mode::QueryComponent));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relabel::{labels, Labels};

    fn scrape_url(labels: &Labels, params: &[(String, Vec<String>)]) -> String {
        super::scrape_url(&SortedLabels::of(labels), params)
    }

    #[test]
    fn params_from_config_and_labels() {
        let l = labels(&[
            ("__scheme__", "https"),
            ("__address__", "10.0.0.1:9100"),
            ("__metrics_path__", "/probe"),
            ("__param_target", "http://x y"),
            ("__param_extra", "1"),
        ]);
        let params = vec![
            ("module".to_string(), vec!["http_2xx".to_string()]),
            ("target".to_string(), vec!["a".to_string(), "b".to_string()]),
        ];
        assert_eq!(
            scrape_url(&l, &params),
            "https://10.0.0.1:9100/probe?extra=1&module=http_2xx&target=http%3A%2F%2Fx+y&target=b"
        );
    }

    #[test]
    fn relative_path_gets_a_slash() {
        let l = labels(&[
            ("__scheme__", "http"),
            ("__address__", "h:1"),
            ("__metrics_path__", "m x"),
        ]);
        assert_eq!(scrape_url(&l, &[]), "http://h:1/m%20x");
    }
}
