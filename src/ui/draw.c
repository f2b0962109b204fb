/* draw.c - width-aware, sanitised text output. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"
#include "ui/draw.h"
#include "ui/theme.h"

static bool ascii_only;

void draw_set_ascii(bool ascii)
{
	ascii_only = ascii;
}

bool draw_ascii(void)
{
	return ascii_only;
}

/* Next character of @s: its byte length and display width (-1 = not printable). */
static size_t next_char(const char *s, int *cols)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*cols = 1;
		return 1;
	}
	*cols = wcwidth(wc);
	return n;
}

int draw_width(const char *s)
{
	int total = 0, cols;

	while (*s) {
		s += next_char(s, &cols);
		total += cols > 0 ? cols : 0;
	}
	return total;
}

int draw_text(WINDOW *w, int y, int x, int width, const char *s, attr_t a, bool pad)
{
	int used = 0, cols;

	if (width <= 0)
		return 0;
	wattrset(w, a);
	wmove(w, y, x);
	while (*s) {
		size_t n = next_char(s, &cols);

		if (cols < 0) {
			cols = 1;	/* unprintable: shown as '?', never passed through */
			if (used + cols > width)
				break;
			waddch(w, '?');
		} else {
			if (used + cols > width)
				break;
			if (ascii_only && (unsigned char)*s >= 0x80)
				waddch(w, '?');
			else
				waddnstr(w, s, (int)n);
		}
		used += cols;
		s += n;
	}
	while (pad && used < width) {
		waddch(w, ' ');
		used++;
	}
	wattrset(w, A_NORMAL);
	return used;
}

int draw_text_cut(WINDOW *w, int y, int x, int width, const char *s, attr_t a, bool pad)
{
	int used;

	if (width < 2 || draw_width(s) <= width)
		return draw_text(w, y, x, width, s, a, pad);
	/* Cut: say so with a mark in the last cell, never a half word without one. */
	used = draw_text(w, y, x, width - 1, s, a, false);
	draw_text(w, y, x + used, 1, ascii_only ? ">" : "\u2026", a, false);
	if (pad && used + 1 < width)
		mvwhline(w, y, x + used + 1, ' ', width - used - 1);
	return width;
}

int draw_untrusted(WINDOW *w, int y, int x, int width, const char *s, size_t len, attr_t a,
		   bool pad)
{
	char clean[256];

	sanitize_text(clean, sizeof(clean), s, len);
	return draw_text(w, y, x, width, clean, a, pad);
}

int draw_text_mid(WINDOW *w, int y, int x, int width, const char *s, attr_t a)
{
	size_t n = strlen(s), head;
	int used;

	/* Only ASCII is cut by bytes; other text (rare in symbol names) is cut at the end. */
	if (width < 5 || n <= (size_t)width || draw_width(s) != (int)n)
		return draw_text_cut(w, y, x, width, s, a, false);
	head = (size_t)(width - 1) / 2;
	used = draw_text(w, y, x, (int)head, s, a, false);
	used += draw_text(w, y, x + used, 1, ascii_only ? "~" : "\u2026", a, false);
	used += draw_text(w, y, x + used, width - used, s + n - (size_t)(width - used), a, false);
	return used;
}

void draw_text_right(WINDOW *w, int y, int x, int width, const char *s, attr_t a)
{
	int tw = draw_width(s);

	if (tw > width)
		tw = width;
	draw_text(w, y, x + width - tw, tw, s, a, false);
}

void draw_bar(WINDOW *w, int y, int x, int n, attr_t a)
{
	/*
	 * Reverse-video spaces: a solid bar at one byte per cell, where a block
	 * glyph costs three bytes of UTF-8 on every changed cell over SSH.
	 */
	wattrset(w, ascii_only ? a : a | A_REVERSE);
	wmove(w, y, x);
	for (int i = 0; i < n; i++)
		waddch(w, ascii_only ? '@' : ' ');
	wattrset(w, A_NORMAL);
}

void draw_title(WINDOW *w, const char *title, bool focused)
{
	int width = getmaxx(w);
	attr_t a = theme_attr(focused ? THEME_ROLE_title : THEME_ROLE_dim);

	wattrset(w, a);
	wmove(w, 0, 0);
	for (int i = 0; i < width; i++) {
		if (ascii_only)
			waddch(w, '-');
		else
			waddstr(w, "\u2500");
	}
	wattrset(w, A_NORMAL);
	draw_text(w, 0, 1, width - 2, title, a | (focused ? A_BOLD : 0), false);
}
