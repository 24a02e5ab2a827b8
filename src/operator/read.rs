//! Typed reads of resource fields, each error at its node. The CRD schemas
//! check every field and its type; these reads only need what the
//! generator uses, and refuse a wrong type rather than guess.

use std::collections::BTreeMap;

use crate::decode::{Decoder, Dialect};
use crate::diag::Result;
use crate::yaml::{Node, Resolved, Source};

#[derive(Clone, Copy)]
pub struct Reader<'a> {
    dec: Decoder<'a>,
}

impl<'a> Reader<'a> {
    pub fn new(src: &'a Source) -> Reader<'a> {
        Reader {
            dec: Decoder::new(src, Dialect::Kdm),
        }
    }

    pub fn source(&self) -> &'a Source {
        self.dec.source()
    }

    pub fn error(
        &self,
        node: &Node,
        message: impl Into<String>,
        label: &str,
    ) -> crate::diag::Error {
        self.dec.error(node, message, label)
    }

    /// The field `key` of `obj`, absent when missing or null.
    pub fn field<'n>(&self, obj: Option<&'n Node>, key: &str) -> Option<&'n Node> {
        obj?.get(key).filter(|n| !n.is_null())
    }

    /// Where the field `key` of `obj` is written.
    pub fn span_of(&self, obj: Option<&Node>, key: &str) -> Option<crate::yaml::Span> {
        self.field(obj, key).map(|n| n.span)
    }

    pub fn opt_str(&self, obj: Option<&Node>, key: &str) -> Result<Option<String>> {
        self.field(obj, key)
            .map(|n| self.dec.string(n, &format!("{key} (a string)")))
            .transpose()
    }

    /// A string field; missing is `""` (Go's zero value).
    pub fn str(&self, obj: Option<&Node>, key: &str) -> Result<String> {
        Ok(self.opt_str(obj, key)?.unwrap_or_default())
    }

    pub fn opt_bool(&self, obj: Option<&Node>, key: &str) -> Result<Option<bool>> {
        match self.field(obj, key) {
            Some(n) => self.dec.bool(n, &format!("{key} (true or false)")),
            None => Ok(None),
        }
    }

    pub fn bool(&self, obj: Option<&Node>, key: &str) -> Result<bool> {
        Ok(self.opt_bool(obj, key)?.unwrap_or(false))
    }

    pub fn opt_int(&self, obj: Option<&Node>, key: &str) -> Result<Option<i64>> {
        let Some(n) = self.field(obj, key) else {
            return Ok(None);
        };
        match n.resolve() {
            Some(Resolved::Int(i)) => Ok(Some(i)),
            _ => Err(self.error(n, format!("{key} must be an integer"), "not an integer")),
        }
    }

    /// A number written as YAML (`1.1`, `2`), kept as a float.
    pub fn opt_float(&self, obj: Option<&Node>, key: &str) -> Result<Option<f64>> {
        let Some(n) = self.field(obj, key) else {
            return Ok(None);
        };
        match n.resolve() {
            Some(Resolved::Int(i)) => Ok(Some(i as f64)),
            Some(Resolved::Float(f)) => Ok(Some(f)),
            // Quantities may be strings ("1.1").
            Some(Resolved::Str) => n
                .as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .map(Some)
                .ok_or_else(|| self.error(n, format!("{key} must be a number"), "not a number")),
            _ => Err(self.error(n, format!("{key} must be a number"), "not a number")),
        }
    }

    pub fn seq<'n>(&self, obj: Option<&'n Node>, key: &str) -> Result<&'n [Node]> {
        match self.field(obj, key) {
            Some(n) => self.dec.seq(n, &format!("{key} (a list)")),
            None => Ok(&[]),
        }
    }

    pub fn strings(&self, obj: Option<&Node>, key: &str) -> Result<Vec<String>> {
        match self.field(obj, key) {
            Some(n) => {
                self.dec
                    .strings(n, &format!("{key} (a list)"), &format!("an item of {key}"))
            }
            None => Ok(Vec::new()),
        }
    }

    /// A map of strings, in key order (Go sorts map keys when it writes).
    pub fn string_map(
        &self,
        obj: Option<&Node>,
        key: &str,
    ) -> Result<Option<BTreeMap<String, String>>> {
        let Some(n) = self.field(obj, key) else {
            return Ok(None);
        };
        let entries = self.dec.map(n, key)?;
        let mut out = BTreeMap::new();
        for (k, v) in entries {
            out.insert(
                k.key_string(),
                self.dec.string(v, &format!("a value of {key}"))?,
            );
        }
        Ok(Some(out))
    }

    /// A map of string lists (`params`), in key order.
    pub fn strings_map(
        &self,
        obj: Option<&Node>,
        key: &str,
    ) -> Result<Option<BTreeMap<String, Vec<String>>>> {
        let Some(n) = self.field(obj, key) else {
            return Ok(None);
        };
        let entries = self.dec.map(n, key)?;
        let mut out = BTreeMap::new();
        for (k, v) in entries {
            let values = self
                .dec
                .strings(v, &format!("a value of {key} (a list)"), "a string")?;
            out.insert(k.key_string(), values);
        }
        Ok(Some(out))
    }

    /// A mapping field (an object in the CRD).
    pub fn object<'n>(&self, obj: Option<&'n Node>, key: &str) -> Result<Option<&'n Node>> {
        match self.field(obj, key) {
            Some(n) => {
                self.dec.map(n, key)?;
                Ok(Some(n))
            }
            None => Ok(None),
        }
    }
}
