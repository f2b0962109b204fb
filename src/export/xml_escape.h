/*
 * xml_escape.h - text for XML 1.0 character data and attribute values
 * (JUnit reports). The text comes from the user or the traced system, so
 * it is first put through the one sanitiser (core/sanitize.h): XML 1.0
 * cannot carry most control characters even as references, and invalid
 * UTF-8 would make the whole document unreadable. Then & < > " ' become
 * entities, which is enough for both contexts.
 */
#ifndef LATTOP_EXPORT_XML_ESCAPE_H
#define LATTOP_EXPORT_XML_ESCAPE_H

#include <stddef.h>

/* Longest entity: one input byte becomes at most this many output bytes. */
#define XML_ESCAPE_GROWTH 6

/*
 * @srclen bytes of @src (stops early at a NUL), sanitised and escaped, in
 * a new string the caller frees. NULL with errno = ENOMEM.
 */
char *xml_escape_dup(const char *src, size_t srclen);

#endif
