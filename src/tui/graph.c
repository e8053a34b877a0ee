/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graphs of sample series: sparklines and braille plots. */
#include "config.h"

#include "tui/graph.h"

#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui/draw.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

static const char *const graph_blocks[] = {
	" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
};
static const char graph_ascii[] = " .,:-=+*#";

/* A sample scaled to 0..levels, or -1 for unknown. */
static int
graph_level(double v, double max, int levels)
{
	int	l;

	if (isnan(v) || max <= 0)
		return (-1);
	l = (int)lround(v / max * levels);
	if (l < 0)
		l = 0;
	if (l > levels)
		l = levels;
	/* Anything above zero shows, however small. */
	if (l == 0 && v > 0)
		l = 1;
	return (l);
}

char *
graph_sparkline(const struct stats_series *s, int width, double max, int utf8)
{
	char	*out, *p;
	int	 i, l;
	double	 v;

	p = out = xmalloc((size_t)width * 3 + 1);
	for (i = width - 1; i >= 0; i--) {
		v = i < s->count ? stats_series_get(s, i) : NAN;
		l = graph_level(v, max, 8);
		if (utf8) {
			const char *b = graph_blocks[l < 0 ? 0 : l];

			memcpy(p, b, strlen(b));
			p += strlen(b);
		} else
			*p++ = graph_ascii[l < 0 ? 0 : l];
	}
	*p = '\0';
	return (out);
}

/* Braille dot bits, left column then right, from the top row down. */
static const int graph_dots[2][4] = {
	{ 0x01, 0x02, 0x04, 0x40 },
	{ 0x08, 0x10, 0x20, 0x80 }
};

static void
graph_put_braille(char **p, int bits)
{
	int	cp = 0x2800 + bits;

	*(*p)++ = (char)(0xe0 | (cp >> 12));
	*(*p)++ = (char)(0x80 | ((cp >> 6) & 0x3f));
	*(*p)++ = (char)(0x80 | (cp & 0x3f));
}

void
graph_plot(const struct stats_series *s, int width, int height, double max,
    int utf8, char **rows)
{
	int	row, col, half, level, dot, bits, lv[2];
	char	*p;
	double	v;

	for (row = 0; row < height; row++) {
		p = rows[row] = xmalloc((size_t)width * 3 + 1);
		for (col = 0; col < width; col++) {
			/* Column col holds samples (width-1-col)*2 + {1, 0} ago. */
			for (half = 0; half < 2; half++) {
				int ago = (width - 1 - col) * 2 + (1 - half);

				v = ago < s->count ? stats_series_get(s, ago) :
				    NAN;
				lv[half] = graph_level(v, max, height * 4);
			}
			if (!utf8) {
				level = lv[0] > lv[1] ? lv[0] : lv[1];
				*p++ = level > (height - 1 - row) * 4 ? '#' :
				    ' ';
				continue;
			}
			bits = 0;
			for (half = 0; half < 2; half++) {
				if (lv[half] < 0)
					continue;
				/* Fill from the bottom of the plot up. */
				for (dot = 0; dot < 4; dot++) {
					level = (height - 1 - row) * 4 +
					    (4 - dot);
					if (lv[half] >= level)
						bits |= graph_dots[half][dot];
				}
			}
			graph_put_braille(&p, bits);
		}
		*p = '\0';
	}
}

char *
graph_value(double v, enum graph_unit unit)
{
	char	*s, *out;

	if (isnan(v))
		return (xstrdup("-"));
	switch (unit) {
	case GRAPH_PERCENT:
		return (xasprintf("%.0f%%", v));
	case GRAPH_BYTES:
		return (str_size_short((uint64_t)llround(v < 0 ? 0 : v)));
	case GRAPH_RATE:
		s = str_size_short((uint64_t)llround(v < 0 ? 0 : v));
		out = xasprintf("%s/s", s);
		free(s);
		return (out);
	}
	return (xstrdup("?"));
}

double
graph_nice_max(double v, enum graph_unit unit)
{
	double	m = 1;

	if (isnan(v) || v <= 0)
		return (unit == GRAPH_PERCENT ? 100 : 1024);
	if (unit == GRAPH_PERCENT)
		return (v <= 100 ? 100 : ceil(v / 100) * 100);
	/* 1, 2, 5 steps of powers of two would look odd: 1-2-4-8 instead. */
	while (m < v)
		m *= 2;
	return (m);
}

void
graph_draw(int y, int x, int h, int w, const char *title,
    const struct stats_series *s, enum graph_unit unit, int utf8)
{
	char	**rows, *now, *top;
	double	 max;
	int	 i, plot_w = w - 8;

	if (h < 2 || w < 16)
		return;
	max = graph_nice_max(stats_series_max(s, plot_w * 2), unit);
	now = graph_value(stats_series_last(s), unit);
	top = graph_value(max, unit);
	attrset(A_BOLD);
	draw_textf(y, x, w, "%s %s", title, now);
	attrset(draw_attr(ROLE_DIM));
	draw_text(y + 1, x, 7, top);
	draw_text(y + h - 1, x, 7, "0");
	rows = xcalloc((size_t)(h - 1), sizeof *rows);
	graph_plot(s, plot_w, h - 1, max, utf8, rows);
	attrset(draw_attr(ROLE_GRAPH));
	for (i = 0; i < h - 1; i++) {
		mvaddstr(y + 1 + i, x + 8, rows[i]);
		free(rows[i]);
	}
	attrset(A_NORMAL);
	free(rows);
	free(now);
	free(top);
}
