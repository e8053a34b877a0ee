/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graphs of sample series: sparklines (one cell a sample, eighth blocks)
 * and plots (braille dots: 2 samples a cell across, 4 levels a cell down),
 * with an ASCII fallback. The renderers are pure: they fill strings.
 */
#ifndef VMDESK_TUI_GRAPH_H
#define VMDESK_TUI_GRAPH_H

#include <stddef.h>

#include "backend/stats.h"

/* How a value is written beside a graph. */
enum graph_unit {
	GRAPH_PERCENT,
	GRAPH_BYTES,
	GRAPH_RATE
};

/*
 * A sparkline of the newest width samples, scaled to max (NaN and
 * missing samples are blanks). Returns a new string. Caller frees.
 */
char	*graph_sparkline(const struct stats_series *, int, double, int);
/*
 * A plot of the newest 2 x width samples in height rows, scaled to max:
 * rows[0] is the top. Each row is a new string. Caller frees each.
 */
void	 graph_plot(const struct stats_series *, int, int, double, int,
	     char **);
/* A value in a unit, as "42%", "1.5G", "3.2M/s". Caller frees. */
char	*graph_value(double, enum graph_unit);
/* A scale top that is round and at least v (for rates and bytes). */
double	 graph_nice_max(double, enum graph_unit);
/* Draw a titled plot with its scale in a rectangle (y, x, h, w). */
void	 graph_draw(int, int, int, int, const char *,
	     const struct stats_series *, enum graph_unit, int);

#endif
