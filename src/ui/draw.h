/*
 * draw.h - the one place text reaches curses: display-width-aware truncation
 * (wcwidth), untrusted strings through the sanitiser, ASCII fallbacks.
 */
#ifndef LATTOP_UI_DRAW_H
#define LATTOP_UI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* ASCII bars and borders (locale is not UTF-8). */
void draw_set_ascii(bool ascii);
bool draw_ascii(void);

/*
 * Write @s (trusted UTF-8) at y,x in at most @width columns, cut on a
 * character boundary; pads with spaces to @width when @pad. Returns columns used.
 */
int draw_text(WINDOW *w, int y, int x, int width, const char *s, attr_t a, bool pad);

/* draw_text, with a cut marked by an ellipsis in the last cell (">" in ASCII). */
int draw_text_cut(WINDOW *w, int y, int x, int width, const char *s, attr_t a, bool pad);

/* Same for a string from the traced system: sanitised first. */
int draw_untrusted(WINDOW *w, int y, int x, int width, const char *s, size_t len, attr_t a,
		   bool pad);

/*
 * draw_text, but an ASCII text wider than @width keeps its head and its
 * tail around a cut mark ("ngx_http_pr…request_uri").
 */
int draw_text_mid(WINDOW *w, int y, int x, int width, const char *s, attr_t a);

/* Right-aligned trusted text in @width columns. */
void draw_text_right(WINDOW *w, int y, int x, int width, const char *s, attr_t a);

/* @n cells of the bar glyph ('@' in ASCII, a block otherwise). */
void draw_bar(WINDOW *w, int y, int x, int n, attr_t a);

/* A pane's title line: " Title " on a horizontal rule, highlighted when focused. */
void draw_title(WINDOW *w, const char *title, bool focused);

/* Display width of trusted UTF-8 text. */
int draw_width(const char *s);

#endif
