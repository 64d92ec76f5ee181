// SPDX-License-Identifier: GPL-2.0

//! `pgi ps`: a process table from one query, with ps-like field names.

use std::cmp::Ordering;

use process_getinfo::{Mask, Record};
use serde_json::{Map, Value as Json};

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Not in the record (not applicable, or denied): `-` in text, `null` in JSON.
    Missing,
    /// A number.
    Int(i128),
    /// Text.
    Str(String),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Missing => "-".to_string(),
            Value::Int(i) => i.to_string(),
            Value::Str(s) => s.clone(),
        }
    }

    fn json(&self) -> Json {
        match self {
            Value::Missing => Json::Null,
            // Every field fits an i64 or a u64.
            Value::Int(i) => i64::try_from(*i)
                .map(Json::from)
                .or_else(|_| u64::try_from(*i).map(Json::from))
                .unwrap_or(Json::Null),
            Value::Str(s) => Json::from(s.as_str()),
        }
    }

    fn cmp(&self, other: &Value) -> Ordering {
        let rank = |v: &Value| match v {
            Value::Missing => 0,
            Value::Int(_) => 1,
            Value::Str(_) => 2,
        };
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

/// A column: its `-o` name, header, the fact it needs and how to read it.
pub struct Field {
    /// The name for `-o` and `--sort` (and the JSON key).
    pub name: &'static str,
    /// Other names accepted.
    pub aliases: &'static [&'static str],
    /// The column header.
    pub header: &'static str,
    /// The fact it needs.
    pub mask: Mask,
    /// Right-aligned (numbers) or left-aligned (text).
    pub right: bool,
    /// What the field shows.
    pub help: &'static str,
    get: fn(&Record<'_>) -> Value,
}

fn int<T: Into<i128>>(v: Option<T>) -> Value {
    v.map_or(Value::Missing, |v| Value::Int(v.into()))
}

fn text(v: Option<String>) -> Value {
    v.map_or(Value::Missing, Value::Str)
}

macro_rules! f {
    ($name:expr, [$($alias:expr),*], $header:expr, $mask:ident, $right:expr, $help:expr, $get:expr) => {
        Field {
            name: $name,
            aliases: &[$($alias),*],
            header: $header,
            mask: Mask::$mask,
            right: $right,
            help: $help,
            get: $get,
        }
    };
}

/// Every field, in `--help` order.
pub static FIELDS: &[Field] = &[
    f!(
        "pid",
        ["tgid"],
        "PID",
        IDS,
        true,
        "process id (thread group id)",
        |r| int(r.ids.map(|i| i.tgid))
    ),
    f!("tid", ["lwp", "spid"], "TID", IDS, true, "thread id", |r| {
        int(r.ids.map(|i| i.tid))
    }),
    f!(
        "ppid",
        [],
        "PPID",
        IDS,
        true,
        "parent's process id (0 if not visible)",
        |r| int(r.ids.map(|i| i.ppid))
    ),
    f!(
        "s",
        ["state"],
        "S",
        STATUS,
        false,
        "state letter (R S D T t X Z P I)",
        |r| text(r.state.map(|s| s.to_string()))
    ),
    f!("uid", ["euid"], "UID", CREDS, true, "effective uid", |r| {
        int(r.creds.map(|c| c.uid.effective))
    }),
    f!("ruid", [], "RUID", CREDS, true, "real uid", |r| int(r
        .creds
        .map(|c| c.uid.real))),
    f!("suid", [], "SUID", CREDS, true, "saved uid", |r| int(r
        .creds
        .map(|c| c.uid.saved))),
    f!(
        "fsuid",
        [],
        "FSUID",
        CREDS,
        true,
        "filesystem uid",
        |r| int(r.creds.map(|c| c.uid.fs))
    ),
    f!("gid", ["egid"], "GID", CREDS, true, "effective gid", |r| {
        int(r.creds.map(|c| c.gid.effective))
    }),
    f!("rgid", [], "RGID", CREDS, true, "real gid", |r| int(r
        .creds
        .map(|c| c.gid.real))),
    f!("sgid", [], "SGID", CREDS, true, "saved gid", |r| int(r
        .creds
        .map(|c| c.gid.saved))),
    f!(
        "fsgid",
        [],
        "FSGID",
        CREDS,
        true,
        "filesystem gid",
        |r| int(r.creds.map(|c| c.gid.fs))
    ),
    f!(
        "pri",
        ["prio", "priority"],
        "PRI",
        PRIO,
        true,
        "priority, field 18 of /proc/PID/stat",
        |r| int(r.prio.map(|p| p.prio))
    ),
    f!("ni", ["nice"], "NI", PRIO, true, "nice value", |r| int(r
        .prio
        .map(|p| p.nice))),
    f!(
        "cls",
        ["policy", "class"],
        "CLS",
        PRIO,
        false,
        "scheduling class (TS FF RR B IDL DLN)",
        |r| text(r.prio.map(|p| p.policy_name().to_string()))
    ),
    f!(
        "rss",
        ["rssize"],
        "RSS",
        VM_COUNTERS,
        true,
        "resident set, KiB (anon + file + shmem)",
        |r| int(r.vm.map(|v| v.rss_kb()))
    ),
    f!(
        "vsz",
        ["vsize"],
        "VSZ",
        VM_COUNTERS,
        true,
        "virtual size, KiB",
        |r| int(r.vm.map(|v| v.vm_size_kb))
    ),
    f!(
        "swap",
        [],
        "SWAP",
        VM_COUNTERS,
        true,
        "swapped out, KiB",
        |r| int(r.vm.map(|v| v.swap_kb))
    ),
    f!(
        "rssanon",
        [],
        "RSSANON",
        VM_COUNTERS,
        true,
        "resident anonymous memory, KiB",
        |r| int(r.vm.map(|v| v.rss_anon_kb))
    ),
    f!(
        "rssfile",
        [],
        "RSSFILE",
        VM_COUNTERS,
        true,
        "resident file mappings, KiB",
        |r| int(r.vm.map(|v| v.rss_file_kb))
    ),
    f!(
        "rssshmem",
        [],
        "RSSSHMEM",
        VM_COUNTERS,
        true,
        "resident shared memory, KiB",
        |r| int(r.vm.map(|v| v.rss_shmem_kb))
    ),
    f!(
        "oom",
        ["oomadj", "oom_score_adj"],
        "OOMADJ",
        OOM_SCORE_ADJ,
        true,
        "oom_score_adj",
        |r| int(r.oom_score_adj)
    ),
    f!(
        "vmseq",
        ["vm_seq"],
        "VMSEQ",
        VM_SEQ,
        true,
        "memory map change cookie",
        |r| int(r.vm_seq)
    ),
    f!(
        "nvma",
        ["nvmas"],
        "NVMA",
        MEMORY_MAP,
        true,
        "number of VMAs (reads the memory map)",
        |r| int(r.memory_map.map(|m| m.len() as u64))
    ),
    f!(
        "comm",
        ["ucmd", "command"],
        "COMM",
        COMM,
        false,
        "command name",
        |r| text(r.comm_lossy().map(|c| c.into_owned()))
    ),
];

/// The field named `name`.
pub fn field(name: &str) -> Option<&'static Field> {
    let n = name.trim().to_ascii_lowercase();
    FIELDS
        .iter()
        .find(|f| f.name == n || f.aliases.contains(&n.as_str()))
}

/// Parses a `-o` list (commas or spaces).
pub fn fields(list: &str) -> Result<Vec<&'static Field>, String> {
    list.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| field(s).ok_or_else(|| format!("unknown field {s:?} (see pgi ps --help)")))
        .collect()
}

/// A `--sort` key: a field, descending with a leading `-`.
pub struct SortKey {
    field: &'static Field,
    descending: bool,
}

/// Parses a `--sort` list such as `-rss,pid`.
pub fn sort_keys(list: &str) -> Result<Vec<SortKey>, String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (descending, name) = match s.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, s.strip_prefix('+').unwrap_or(s)),
            };
            let field = field(name).ok_or_else(|| format!("unknown sort field {name:?}"))?;
            Ok(SortKey { field, descending })
        })
        .collect()
}

/// The facts needed for these columns and keys (always the ids, for the default order).
pub fn mask(cols: &[&Field], keys: &[SortKey]) -> Mask {
    cols.iter()
        .map(|f| f.mask)
        .chain(keys.iter().map(|k| k.field.mask))
        .fold(Mask::IDS, |m, b| m | b)
}

/// The table: one row of values per record, sorted.
pub fn rows(records: &[Record<'_>], cols: &[&Field], keys: &[SortKey]) -> Vec<Vec<Value>> {
    let pid = field("pid").map(|f| f.get);
    let tid = field("tid").map(|f| f.get);
    let mut recs: Vec<&Record<'_>> = records.iter().collect();
    recs.sort_by(|a, b| {
        for k in keys {
            let o = (k.field.get)(a).cmp(&(k.field.get)(b));
            let o = if k.descending { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        let by = |g: Option<fn(&Record<'_>) -> Value>| match g {
            Some(g) => g(a).cmp(&g(b)),
            None => Ordering::Equal,
        };
        by(pid).then(by(tid))
    });
    recs.iter()
        .map(|r| cols.iter().map(|f| (f.get)(r)).collect())
        .collect()
}

/// The text table, ps style: a header line, right-aligned numbers, the last column unpadded.
pub fn render(cols: &[&Field], rows: &[Vec<Value>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(Value::text).collect())
        .collect();
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, f)| {
            cells
                .iter()
                .filter_map(|r| r.get(i).map(|c| c.chars().count()))
                .fold(f.header.len(), usize::max)
        })
        .collect();
    let line = |vals: Vec<&str>| {
        let last = vals.len().saturating_sub(1);
        let mut s = String::new();
        for (i, (v, f)) in vals.iter().zip(cols).enumerate() {
            if i > 0 {
                s.push(' ');
            }
            let w = widths.get(i).copied().unwrap_or(0);
            if f.right {
                s.push_str(&format!("{v:>w$}"));
            } else if i == last {
                s.push_str(v);
            } else {
                s.push_str(&format!("{v:<w$}"));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(cols.iter().map(|f| f.header).collect());
    for r in &cells {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// The JSON table: an array of objects keyed by field name.
pub fn json(cols: &[&Field], rows: &[Vec<Value>]) -> Json {
    Json::Array(
        rows.iter()
            .map(|r| {
                let m: Map<String, Json> = cols
                    .iter()
                    .zip(r)
                    .map(|(f, v)| (f.name.to_string(), v.json()))
                    .collect();
                Json::Object(m)
            })
            .collect(),
    )
}

/// The `--help` text listing the fields.
pub fn fields_help() -> String {
    let mut s = String::from("Fields for -o and --sort (--sort -FIELD sorts descending):\n");
    for f in FIELDS {
        let names = std::iter::once(f.name)
            .chain(f.aliases.iter().copied())
            .collect::<Vec<_>>()
            .join(", ");
        s.push_str(&format!("  {names:<26} {:<9} {}\n", f.header, f.help));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lookup() {
        assert_eq!(field("LWP").unwrap().name, "tid");
        assert!(fields("pid,bogus").is_err());
        assert_eq!(fields("pid, comm").unwrap().len(), 2);
        let keys = sort_keys("-rss,+pid").unwrap();
        assert!(keys[0].descending && !keys[1].descending);
        let cols = fields("comm,nvma").unwrap();
        assert_eq!(
            mask(&cols, &keys),
            Mask::IDS | Mask::COMM | Mask::MEMORY_MAP | Mask::VM_COUNTERS
        );
    }

    #[test]
    fn table_layout() {
        let cols = fields("pid,s,comm").unwrap();
        let rows = vec![
            vec![
                Value::Int(1),
                Value::Str("S".into()),
                Value::Str("init".into()),
            ],
            vec![Value::Int(1234), Value::Missing, Value::Str("sh".into())],
        ];
        assert_eq!(
            render(&cols, &rows),
            " PID S COMM\n   1 S init\n1234 - sh\n"
        );
        assert_eq!(json(&cols, &rows)[1]["s"], Json::Null);
        assert_eq!(json(&cols, &rows)[1]["pid"], Json::from(1234));
    }
}
