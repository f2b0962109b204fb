#!/usr/bin/env bash
# The README's key list is the key table, and its column glossary the column
# table: `lattop --keys` and `lattop --columns` must appear in it verbatim.
. "$(dirname "$0")/lib.sh"

# readme_block NAME: the lines between <!-- NAME:begin --> and <!-- NAME:end -->.
readme_block() { sed -n "/<!-- $1:begin -->/,/<!-- $1:end -->/p" "$ROOT/README.md" | sed '1d;$d'; }

"$LATTOP" --keys >"$TMPD/keys.md" || fail "lattop --keys failed"
[ "$(wc -l <"$TMPD/keys.md")" -ge 10 ] || fail "key table too short"
readme_block keys >"$TMPD/readme.md"
diff -u "$TMPD/readme.md" "$TMPD/keys.md" || fail "README key list differs from 'lattop --keys'"
ok "README key list == lattop --keys"

"$LATTOP" --columns >"$TMPD/columns.md" || fail "lattop --columns failed"
for col in SYSCALL "TIME%" SLOWEST "LIFE P99" PORT; do
	grep -qF -- "$col" "$TMPD/columns.md" || fail "glossary lacks $col"
done
# Every column title of the table panes (their [COL] = { "TITLE", ... } tables) is explained.
titles=$( (grep -ohE '^\s*\[[A-Z_]+\] = \{ "[^"]+"' "$ROOT"/src/ui/pane_*.c | sed 's/.*{ "//; s/"$//'
	# The family panes' descriptors (pane_family.c) name their columns with .title.
	grep -ohE '^\s*\{ \.title = "[^"]+"' "$ROOT"/src/ui/pane_family.c | sed 's/.*= "//; s/"$//') |
	sort -u)
[ "$(wc -l <<<"$titles")" -ge 15 ] || fail "found too few column titles in src/ui/pane_*.c"
while IFS= read -r title; do
	grep -qE -- "^\| \`([^\`]* )?$(sed 's/[][\.*^$/%]/\\&/g' <<<"$title")( [^\`]*)?\` \|" "$TMPD/columns.md" ||
		fail "column '$title' has no glossary entry"
done <<<"$titles"
ok "every table column title has a glossary entry"
readme_block columns >"$TMPD/readme-columns.md"
diff -u "$TMPD/readme-columns.md" "$TMPD/columns.md" ||
	fail "README column glossary differs from 'lattop --columns'"
ok "README column glossary == lattop --columns"
