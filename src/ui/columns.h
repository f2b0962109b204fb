/*
 * columns.h - the column glossary: what every column of the dashboard's
 * tables means. The help screen and the README's glossary (`lattop
 * --columns`, kept equal by a test) are generated from it.
 */
#ifndef LATTOP_UI_COLUMNS_H
#define LATTOP_UI_COLUMNS_H

#include <stddef.h>

struct column_doc {
	const char *names;	/* column titles as shown, space-separated */
	const char *help;
};

extern const struct column_doc column_docs[];
extern const size_t column_docs_len;

#endif
