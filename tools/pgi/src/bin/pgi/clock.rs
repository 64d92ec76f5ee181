// SPDX-License-Identifier: MIT OR Apache-2.0

//! The clocks `ps` reads and the dates it prints, in local time (TZ, /etc/localtime).

use std::time::Duration;

/// The clocks at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// `CLOCK_BOOTTIME`: the clock of /proc/uptime and of a process's start time.
    pub since_boot: Duration,
    /// Seconds since the epoch.
    pub now: i64,
    /// When the system booted, seconds since the epoch: /proc/stat's `btime`, as procps
    /// takes it (else now minus the boot time clock).
    pub boot_time: i64,
}

fn clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write; the clock ids used exist on Linux.
    if unsafe { libc::clock_gettime(id, &mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

impl Clock {
    /// The clocks now.
    pub fn now() -> Clock {
        let since_boot = clock(libc::CLOCK_BOOTTIME);
        let now_d = clock(libc::CLOCK_REALTIME);
        let now = i64::try_from(now_d.as_secs()).unwrap_or(0);
        let btime = std::fs::read_to_string("/proc/stat").ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("btime ")?.trim().parse().ok())
        });
        let boot_time =
            btime.unwrap_or_else(|| now - i64::try_from(since_boot.as_secs()).unwrap_or(0));
        Clock {
            since_boot,
            now,
            boot_time,
        }
    }
}

extern "C" {
    /// POSIX tzset(3), which the libc crate does not declare.
    fn tzset();
}

/// Local time of `t` (seconds since the epoch).
pub fn local(t: i64) -> libc::tm {
    // SAFETY: an all-zero tm is a valid value of this plain struct.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t: libc::time_t = t;
    // SAFETY: tzset() reads TZ; localtime_r() writes only `tm`. pgi does not change its
    // environment while it runs.
    unsafe {
        tzset();
        libc::localtime_r(&t, &mut tm);
    }
    tm
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

fn month(tm: &libc::tm) -> &'static str {
    usize::try_from(tm.tm_mon)
        .ok()
        .and_then(|m| MONTHS.get(m))
        .copied()
        .unwrap_or("???")
}

/// procps's `start_time`/`stime` (`START`, `STIME`): `HH:MM` on the same day as now, `MmmDD`
/// in the same year, else the year.
pub fn short_date(t: i64, c: &Clock) -> String {
    let (tm, now) = (local(t), local(c.now));
    if tm.tm_year != now.tm_year {
        format!("{}", 1900 + tm.tm_year)
    } else if tm.tm_yday != now.tm_yday {
        format!("{}{:02}", month(&tm), tm.tm_mday)
    } else {
        format!("{:02}:{:02}", tm.tm_hour, tm.tm_min)
    }
}

/// procps's `start` (`STARTED`): `HH:MM:SS` within 24 hours of now, else `Mmm DD`.
pub fn started(t: i64, c: &Clock) -> String {
    let tm = local(t);
    if t + 24 * 3600 > c.now {
        format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec)
    } else {
        format!("{} {:02}", month(&tm), tm.tm_mday)
    }
}

/// ctime(3) without its newline: `Tue Dec  1 09:07:49 2026` (procps's `lstart`).
pub fn ctime(t: i64) -> String {
    let tm = local(t);
    let day = usize::try_from(tm.tm_wday)
        .ok()
        .and_then(|d| DAYS.get(d))
        .copied()
        .unwrap_or("???");
    format!(
        "{day} {} {:2} {:02}:{:02}:{:02} {}",
        month(&tm),
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        1900 + tm.tm_year
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_procps_prints_them() {
        // The shapes only: the local time zone is the machine's.
        let c = Clock::now();
        assert!(c.boot_time <= c.now && c.since_boot > Duration::ZERO);
        let today = short_date(c.now, &c);
        assert_eq!(today.len(), 5);
        assert_eq!(&today[2..3], ":");
        let last_year = short_date(c.now - 400 * 86400, &c);
        assert_eq!(last_year.len(), 4);
        assert!(last_year.parse::<i32>().is_ok());
        assert_eq!(started(c.now, &c).len(), 8);
        assert_eq!(started(c.now - 2 * 86400, &c).len(), 6);
        let ct = ctime(0);
        assert!(ct.ends_with(" 1970") || ct.ends_with(" 1969"), "{ct}");
        assert_eq!(ct.len(), 24);
    }
}
