/*
 * sanitize.h - the one sanitiser for strings from the traced system
 * (process names, command lines, paths) before they reach a terminal or a
 * file. Output is valid UTF-8 with no C0/C1 control characters (so no \r,
 * \t, \b, ESC), no DEL and no bidi controls (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069); each offending byte or code point becomes
 * one '?', so columns stay aligned.
 */
#ifndef LATTOP_CORE_SANITIZE_H
#define LATTOP_CORE_SANITIZE_H

#include <stddef.h>

/*
 * Sanitise @srclen bytes of @src (stops early at a NUL) into @dst of @dstsz
 * bytes, always NUL-terminated, never cutting a UTF-8 sequence. Returns the
 * length written.
 */
size_t sanitize_text(char *dst, size_t dstsz, const char *src, size_t srclen);

/*
 * Length of the valid, safe UTF-8 sequence at @s (at most @n bytes, n > 0),
 * or 0 when sanitize_text would replace its first byte.
 */
size_t sanitize_safe_len(const char *s, size_t n);

/*
 * As sanitize_text, but each byte it would replace is written as the four
 * characters "\xNN" (lower-case hex), so distinct names stay distinct in
 * machine-read outputs (Prometheus labels). Stops at a NUL; never cuts a
 * sequence or an escape. Returns the length written.
 */
size_t sanitize_text_hex(char *dst, size_t dstsz, const char *src, size_t srclen);

#endif
