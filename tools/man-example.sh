#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# man-example.sh OUT [CFLAGS...]: extract the EXAMPLES program of
# man/process_getinfo.2 (between `.\" SRC BEGIN` and `.\" SRC END`, as the
# man-pages project marks them) into OUT.c, undo the roff escapes, and build
# it with gcc -Wall -Werror against the uapi header into OUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=${1:?usage: man-example.sh OUT [CFLAGS...]}
shift
sed -n '/^\.\\" SRC BEGIN/,/^\.\\" SRC END/p' "$top/man/process_getinfo.2" |
	sed -e '1,/^\.EX$/d' -e '/^\.EE$/,$d' |
	sed -e "s/\\\\\\[aq\\]/'/g" -e 's/\\\[dq\]/"/g' -e 's/\\-/-/g' \
	    -e 's/\\&//g' -e 's/\\e/\\/g' > "$out.c"
[ -s "$out.c" ] || { echo "man-example.sh: no program found" >&2; exit 1; }
gcc -Wall -Wextra -Werror -std=gnu11 -I"$top/uapi" "$@" -o "$out" "$out.c"
