/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drawing helpers for the desktop: colours, text, boxes, bars. */
#include "config.h"

#include "tui/draw.h"

#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/app.h"
#include "tui/keys.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

static int	draw_attrs[ROLE_COUNT];

/* Foreground, background (-1 default) and attributes of each role. */
static const struct {
	short	fg, bg;
	int	attr;		/* with colours */
	int	mono;		/* without */
} draw_roles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, 0, 0 },
	[ROLE_TITLE] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_HEADER] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
	[ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_KEY] = { -1, -1, A_BOLD, A_BOLD },
	[ROLE_KEYLABEL] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_DIM] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[ROLE_RUNNING] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[ROLE_PAUSED] = { COLOR_YELLOW, -1, A_BOLD, 0 },
	[ROLE_STOPPED] = { -1, -1, 0, 0 },
	[ROLE_CRASHED] = { COLOR_RED, -1, A_BOLD, A_BOLD|A_UNDERLINE },
	[ROLE_SHUTTING] = { COLOR_MAGENTA, -1, A_BOLD, 0 },
	[ROLE_GRAPH] = { COLOR_GREEN, -1, 0, 0 },
	[ROLE_GRAPH2] = { COLOR_CYAN, -1, 0, 0 },
	[ROLE_ERROR] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE },
	[ROLE_DIALOG] = { COLOR_BLACK, COLOR_WHITE, 0, 0 },
	[ROLE_MARK] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
};

int
draw_init_colors(const struct settings *set)
{
	const char	*nc = getenv("NO_COLOR");
	int		 i, want;

	want = strcmp(set->colors, "none") == 0 ? 0 :
	    strcmp(set->colors, "8") == 0 ? 8 :
	    strcmp(set->colors, "256") == 0 ? 256 : -1;
	if (want == -1 && nc != NULL && *nc != '\0')
		want = 0;
	if (want != 0 && has_colors()) {
		start_color();
		use_default_colors();
		for (i = 1; i < ROLE_COUNT; i++) {
			init_pair((short)i, draw_roles[i].fg, draw_roles[i].bg);
			draw_attrs[i] = COLOR_PAIR(i) | draw_roles[i].attr;
		}
		return (COLORS >= 256 && want != 8 ? 256 : 8);
	}
	for (i = 0; i < ROLE_COUNT; i++)
		draw_attrs[i] = draw_roles[i].mono;
	return (0);
}

int
draw_attr(enum draw_role r)
{
	return (draw_attrs[r]);
}

enum draw_role
draw_state_role(enum vm_state s)
{
	switch (s) {
	case VM_RUNNING:
		return (ROLE_RUNNING);
	case VM_PAUSED:
		return (ROLE_PAUSED);
	case VM_SHUTTING_DOWN:
		return (ROLE_SHUTTING);
	case VM_CRASHED:
		return (ROLE_CRASHED);
	case VM_STOPPED:
		break;
	}
	return (ROLE_STOPPED);
}

int
draw_width(const char *s)
{
	mbstate_t	ps;
	wchar_t		wc;
	size_t		n;
	int		w = 0, cw;

	memset(&ps, 0, sizeof ps);
	while (*s != '\0') {
		n = mbrtowc(&wc, s, MB_CUR_MAX, &ps);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&ps, 0, sizeof ps);
			s++;
			w++;
			continue;
		}
		cw = wcwidth(wc);
		w += cw > 0 ? cw : 0;
		s += n;
	}
	return (w);
}

void
draw_text(int y, int x, int width, const char *s)
{
	mbstate_t	ps;
	wchar_t		wc;
	size_t		n;
	int		w = 0, cw;

	if (width <= 0 || y < 0 || y >= LINES)
		return;
	move(y, x);
	memset(&ps, 0, sizeof ps);
	while (*s != '\0') {
		n = mbrtowc(&wc, s, MB_CUR_MAX, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			wc = L'?';
			n = 1;
		}
		/* Control characters from a guest or a file: not drawn raw. */
		if (wc < 32 || wc == 127)
			wc = L'?';
		cw = wcwidth(wc);
		if (cw < 0)
			cw = 1, wc = L'?';
		if (w + cw > width)
			break;
		addnwstr(&wc, 1);
		w += cw;
		s += n;
	}
}

void
draw_textf(int y, int x, int width, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	draw_text(y, x, width, s);
	free(s);
}

void
draw_frame(int y, int x, int h, int w)
{
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
}

void
draw_box(int y, int x, int h, int w, const char *title)
{
	int	i;

	attrset(draw_attr(ROLE_DIALOG));
	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	draw_frame(y, x, h, w);
	if (title != NULL && *title != '\0') {
		attron(A_BOLD);
		draw_textf(y, x + 2, w - 4, " %s ", title);
		attroff(A_BOLD);
	}
}

void
draw_keybar(struct app *app, int where)
{
	const struct tui_key	*k;
	int			 n, i, x = 0, lw;

	move(LINES - 1, 0);
	attrset(draw_attr(ROLE_KEYLABEL));
	hline(' ', COLS);
	k = keys_table(&n);
	for (i = 0; i < n && x < COLS; i++) {
		if (k[i].label == NULL || !(k[i].where & where))
			continue;
		attrset(draw_attr(ROLE_KEY));
		draw_text(LINES - 1, x, COLS - x, k[i].name);
		x += draw_width(k[i].name);
		attrset(draw_attr(ROLE_KEYLABEL));
		lw = draw_width(k[i].label) + 1;
		draw_textf(LINES - 1, x, COLS - x, "%-*s", lw, k[i].label);
		x += lw;
	}
	attrset(A_NORMAL);
}

void
draw_status(struct app *app)
{
	if (app->status == NULL || time_mono_ms() >= app->status_until)
		return;
	attrset(draw_attr(app->status_error ? ROLE_ERROR : ROLE_TITLE));
	move(LINES - 2, 0);
	hline(' ', COLS);
	draw_text(LINES - 2, 1, COLS - 2, app->status);
	attrset(A_NORMAL);
}
