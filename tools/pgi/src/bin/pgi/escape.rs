// SPDX-License-Identifier: MIT OR Apache-2.0

//! Text that is safe to print on a terminal. Names come from other users (a process sets its
//! own comm with prctl(PR_SET_NAME); anyone can create a file with an escape sequence or a
//! newline in its name), so control characters never reach the output raw.

/// As ps prints a name: every control character (C0, DEL, C1) and every byte that is not
/// UTF-8 becomes `?`.
pub fn ps(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.extend(
            chunk
                .valid()
                .chars()
                .map(|c| if c.is_control() { '?' } else { c }),
        );
        out.extend(chunk.invalid().iter().map(|_| '?'));
    }
    out
}

/// As /proc/PID/maps escapes a newline (`\012`), every control character and every byte that
/// is not UTF-8 becomes a backslash and three octal digits; the rest is unchanged, so a line
/// without such bytes is the line maps prints.
pub fn octal(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let esc = |out: &mut Vec<u8>, b: u8| out.extend_from_slice(format!("\\{b:03o}").as_bytes());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            let mut tmp = [0; 4];
            let enc = c.encode_utf8(&mut tmp).as_bytes();
            if c.is_control() {
                enc.iter().for_each(|&b| esc(&mut out, b));
            } else {
                out.extend_from_slice(enc);
            }
        }
        chunk.invalid().iter().for_each(|&b| esc(&mut out, b));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_pass() {
        let evil = b"ev\x1b[31mil\nNEWLI";
        assert_eq!(ps(evil), "ev?[31mil?NEWLI");
        assert_eq!(octal(evil), b"ev\\033[31mil\\012NEWLI");
        // C1 controls (U+009B is CSI) and bytes that are not UTF-8.
        assert_eq!(ps("a\u{9b}b\u{e9}".as_bytes()), "a?b\u{e9}");
        assert_eq!(ps(b"a\xffb"), "a?b");
        assert_eq!(octal("a\u{9b}".as_bytes()), b"a\\302\\233");
        assert_eq!(octal(b"\xff/usr/lib/x.so"), b"\\377/usr/lib/x.so");
        assert_eq!(octal(b"/usr/lib/libc.so.6"), b"/usr/lib/libc.so.6");
    }
}
