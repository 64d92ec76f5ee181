// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi ps`: a process table from one query, with ps-like field names.

use std::cmp::Ordering;

use process_getinfo::serialization::Bytes;
use process_getinfo::{Mask, Record};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::escape;

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Does not apply to this process (e.g. NI of a real-time task): `-` in text, `null` in
    /// JSON.
    Missing,
    /// The fact was denied: `?` in text, `null` in JSON (and named in the row's `denied`).
    Denied,
    /// A number that fits a double exactly.
    Int(i64),
    /// A 64-bit value that may not: a string in JSON.
    Big(u64),
    /// Bytes from the process (a name): `?` for control characters in text, the exact bytes
    /// in JSON.
    Text(Vec<u8>),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Missing => "-".to_string(),
            Value::Denied => "?".to_string(),
            Value::Int(i) => i.to_string(),
            Value::Big(u) => u.to_string(),
            Value::Text(b) => escape::ps(b),
        }
    }

    fn cmp(&self, other: &Value) -> Ordering {
        let rank = |v: &Value| match v {
            Value::Missing | Value::Denied => 0,
            Value::Int(_) | Value::Big(_) => 1,
            Value::Text(_) => 2,
        };
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Big(a), Value::Big(b)) => a.cmp(b),
            (Value::Text(a), Value::Text(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Missing | Value::Denied => s.serialize_none(),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Big(u) => s.collect_str(u),
            Value::Text(b) => Bytes(b).serialize(s),
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

fn int<T: Into<i64>>(v: Option<T>) -> Value {
    v.map_or(Value::Missing, |v| Value::Int(v.into()))
}

fn text(v: Option<String>) -> Value {
    v.map_or(Value::Missing, |s| Value::Text(s.into_bytes()))
}

/// A KiB counter of `VM_COUNTERS`: 0 for a process without memory (a kernel thread), as ps.
fn kb(r: &Record<'_>, f: fn(&process_getinfo::VmCounters) -> u64) -> Value {
    let v = r.vm.as_ref().map_or(0, f);
    i64::try_from(v).map_or(Value::Big(v), Value::Int)
}

/// `-o stat`: the state letter and the modifiers of ps that the facts give: `<` for a
/// negative nice value, `N` for a positive one. (ps's `s`, `l`, `+` and `L` need the session,
/// the thread count, the terminal's process group and VmLck, which process_getinfo(2) does not
/// report.)
fn stat(r: &Record<'_>) -> Value {
    let Some(state) = r.state else {
        return Value::Missing;
    };
    let mut s = vec![state.as_byte()];
    match r.prio.map(|p| p.nice) {
        Some(n) if n < 0 => s.push(b'<'),
        Some(n) if n > 0 => s.push(b'N'),
        _ => {}
    }
    Value::Text(s)
}

const STATUS_PRIO: Mask = Mask::STATUS.union(Mask::PRIO);

macro_rules! f {
    ($name:expr, [$($alias:expr),*], $header:expr, STATUS_PRIO, $right:expr, $help:expr, $get:expr) => {
        Field {
            name: $name,
            aliases: &[$($alias),*],
            header: $header,
            mask: STATUS_PRIO,
            right: $right,
            help: $help,
            get: $get,
        }
    };
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
        |r| r
            .state
            .map_or(Value::Missing, |s| Value::Text(vec![s.as_byte()]))
    ),
    f!(
        "stat",
        [],
        "STAT",
        STATUS_PRIO,
        false,
        "state letter, then < (nice < 0) or N (nice > 0)",
        stat
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
        [],
        "PRI",
        PRIO,
        true,
        "priority as ps: 39 - priority (19 for nice 0, 139 for FIFO 99)",
        |r| int(r.prio.map(|p| p.ps_pri()))
    ),
    f!(
        "priority",
        [],
        "PRI",
        PRIO,
        true,
        "priority, field 18 of /proc/PID/stat",
        |r| int(r.prio.map(|p| p.prio))
    ),
    f!(
        "ni",
        ["nice"],
        "NI",
        PRIO,
        true,
        "nice value (- for real-time policies, as ps)",
        |r| int(r.prio.and_then(|p| p.ps_nice()))
    ),
    f!(
        "cls",
        ["policy", "class"],
        "CLS",
        PRIO,
        false,
        "scheduling class (TS FF RR B IDL DLN)",
        |r| text(r.prio.map(|p| p.policy.ps_class().into_owned()))
    ),
    f!(
        "rss",
        ["rssize"],
        "RSS",
        VM_COUNTERS,
        true,
        "resident set, KiB (anon + file + shmem)",
        |r| kb(r, |v| v.rss_kb())
    ),
    f!(
        "vsz",
        ["vsize"],
        "VSZ",
        VM_COUNTERS,
        true,
        "virtual size, KiB",
        |r| kb(r, |v| v.vm_size_kb)
    ),
    f!(
        "swap",
        [],
        "SWAP",
        VM_COUNTERS,
        true,
        "swapped out, KiB",
        |r| kb(r, |v| v.swap_kb)
    ),
    f!(
        "rssanon",
        [],
        "RSSANON",
        VM_COUNTERS,
        true,
        "resident anonymous memory, KiB",
        |r| kb(r, |v| v.rss_anon_kb)
    ),
    f!(
        "rssfile",
        [],
        "RSSFILE",
        VM_COUNTERS,
        true,
        "resident file mappings, KiB",
        |r| kb(r, |v| v.rss_file_kb)
    ),
    f!(
        "rssshmem",
        [],
        "RSSSHMEM",
        VM_COUNTERS,
        true,
        "resident shared memory, KiB",
        |r| kb(r, |v| v.rss_shmem_kb)
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
        |r| r.vm_seq.map_or(Value::Missing, Value::Big)
    ),
    f!(
        "nvma",
        ["nvmas"],
        "NVMA",
        MEMORY_MAP,
        true,
        "number of VMAs (reads the memory map)",
        |r| int(r.memory_map.and_then(|m| i64::try_from(m.len()).ok()))
    ),
    f!(
        "comm",
        ["ucmd", "ucomm"],
        "COMM",
        COMM,
        false,
        "command name (control characters as ?)",
        |r| r.comm.map_or(Value::Missing, |c| Value::Text(c.to_vec()))
    ),
];

/// ps's names for the argument list, which process_getinfo(2) does not report.
const ARGS: [&str; 3] = ["args", "command", "cmd"];

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
        .map(|s| {
            field(s).ok_or_else(|| {
                if ARGS.contains(&s.trim().to_ascii_lowercase().as_str()) {
                    format!(
                        "field {s:?} is the command line, which process_getinfo(2) does not \
                         report (it has no CMDLINE fact); comm is the command name"
                    )
                } else {
                    format!("unknown field {s:?} (see pgi ps --help)")
                }
            })
        })
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

/// One row: its cells, and the facts denied for its process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The cells, one per column.
    pub values: Vec<Value>,
    /// The requested facts that were denied.
    pub denied: Mask,
}

/// The table: one row per record, sorted.
pub fn rows(records: &[Record<'_>], cols: &[&Field], keys: &[SortKey]) -> Vec<Row> {
    let pid = field("pid").map(|f| f.get);
    let tid = field("tid").map(|f| f.get);
    let mut recs: Vec<&Record<'_>> = records.iter().collect();
    recs.sort_by(|a, b| {
        for k in keys {
            let o = cell(k.field, a).cmp(&cell(k.field, b));
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
        .map(|r| Row {
            values: cols.iter().map(|f| cell(f, r)).collect(),
            denied: r.denied(),
        })
        .collect()
}

/// The cell of field `f` for `r`: [`Value::Denied`] when a fact it needs was denied.
fn cell(f: &Field, r: &Record<'_>) -> Value {
    if r.denied().intersects(f.mask) {
        Value::Denied
    } else {
        (f.get)(r)
    }
}

/// The text table, ps style: a header line, right-aligned numbers, the last column unpadded.
pub fn render(cols: &[&Field], rows: &[Row]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.values.iter().map(Value::text).collect())
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

/// The JSON table: an array of objects keyed by field name, in column order, each with
/// `denied`: the facts denied for that process (their fields are `null`).
pub struct Table<'a> {
    /// The columns.
    pub cols: &'a [&'static Field],
    /// The rows.
    pub rows: &'a [Row],
}

struct JsonRow<'a>(&'a [&'static Field], &'a Row);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len() + 1))?;
        for (f, v) in self.0.iter().zip(&self.1.values) {
            m.serialize_entry(f.name, v)?;
        }
        m.serialize_entry("denied", &self.1.denied.names().collect::<Vec<_>>())?;
        m.end()
    }
}

impl Serialize for Table<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.rows.len()))?;
        for r in self.rows {
            seq.serialize_element(&JsonRow(self.cols, r))?;
        }
        seq.end()
    }
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
    s.push_str(
        "\n- : does not apply (NI of a real-time task); ? : denied. RSS and VSZ of a kernel \
         thread are 0.\nargs, command and cmd (the command line) are not available: \
         process_getinfo(2) does not report it.\n",
    );
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
        let row = |values, denied| Row { values, denied };
        let rows = vec![
            row(
                vec![
                    Value::Int(1),
                    Value::Text(b"S".to_vec()),
                    Value::Text(b"init".to_vec()),
                ],
                Mask::empty(),
            ),
            row(
                vec![Value::Int(1234), Value::Missing, Value::Denied],
                Mask::COMM,
            ),
        ];
        assert_eq!(render(&cols, &rows), " PID S COMM\n   1 S init\n1234 - ?\n");
        let json = serde_json::to_value(Table {
            cols: &cols,
            rows: &rows,
        })
        .unwrap();
        assert_eq!(json[1]["s"], serde_json::Value::Null);
        assert_eq!(json[1]["pid"], serde_json::json!(1234));
        assert_eq!(json[1]["denied"], serde_json::json!(["comm"]));
        assert_eq!(json[0]["denied"], serde_json::json!([]));
    }

    #[test]
    fn args_is_an_error_that_names_the_command_line() {
        for name in ["args", "command", "cmd"] {
            let e = fields(&format!("pid,{name}")).err().unwrap();
            assert!(e.contains("command line"), "{e}");
        }
        assert_eq!(field("priority").unwrap().name, "priority");
        assert!(field("prio").is_none());
    }
}
