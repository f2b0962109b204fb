#!/usr/bin/env bash
# The README's key list is the key table: `lattop --keys` must appear in it verbatim.
. "$(dirname "$0")/lib.sh"

"$LATTOP" --keys >"$TMPD/keys.md" || fail "lattop --keys failed"
[ "$(wc -l <"$TMPD/keys.md")" -ge 10 ] || fail "key table too short"
sed -n '/<!-- keys:begin -->/,/<!-- keys:end -->/p' "$ROOT/README.md" | sed '1d;$d' >"$TMPD/readme.md"
diff -u "$TMPD/readme.md" "$TMPD/keys.md" || fail "README key list differs from 'lattop --keys'"
ok "README key list == lattop --keys"
