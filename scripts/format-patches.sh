#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# format-patches.sh LINUX_GIT: regenerate patches/ from a Linux git tree whose
# v7.3 tag is the pristine source and whose HEAD carries the series. The
# cover letter's subject and blurb come from patches/cover-letter.txt (first
# line: subject; the rest: body).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:?usage: format-patches.sh LINUX_GIT}
cover=$top/patches/cover-letter.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The series' last patch carries selftests/: bring it up to date first.
if [ "$(git -C "$tree" log -1 --format=%s)" = "selftests: add process_getinfo selftests" ]; then
	dst=$tree/tools/testing/selftests/process_getinfo
	rm -rf "$dst" && mkdir -p "$dst" && cp -a "$top"/selftests/. "$dst"/
	git -C "$tree" add -f -A tools/testing/selftests/process_getinfo
	git -C "$tree" diff --cached --quiet || git -C "$tree" commit -q --amend --no-edit
fi
git -C "$tree" format-patch -q --cover-letter --base=v7.3 -o "$tmp" v7.3..HEAD
subject=$(head -n1 "$cover")
python3 - "$tmp/0000-cover-letter.patch" "$cover" "$subject" <<'PY'
import sys
path, cover, subject = sys.argv[1:]
body = open(cover).read().split("\n", 1)[1].strip("\n") + "\n"
s = open(path).read()
s = s.replace("*** SUBJECT HERE ***", subject).replace("*** BLURB HERE ***\n", body)
open(path, "w").write(s)
PY
rm -f "$top"/patches/*.patch
cp "$tmp"/*.patch "$top/patches/"
ls "$top/patches"
