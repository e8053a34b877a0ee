/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Full-screen graphs of one VM: CPU, vCPUs, memory, disk, network. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/graph.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/xmalloc.h"

struct graphs {
	char	*name;
};

static void
graphs_draw(struct app *app, struct screen *s)
{
	struct graphs		*g = s->data;
	struct app_vm		*vm = app_vm_find(app, g->name);
	struct vm_stats		*st;
	const struct stats_series *mem;
	const char		*title_mem;
	char			 title[64];
	int			 rows, h, y = 1, cols, w, x, n, i;

	attrset(draw_attr(ROLE_TITLE));
	mvhline(0, 0, ' ', COLS);
	draw_textf(0, 1, COLS - 2, "Graphs of %s  (%s, one sample every %d "
	    "ms, %d kept)", g->name, vm != NULL ? vmstate_name(vm->st.state) :
	    "gone", app->settings->refresh, STATS_CAPACITY);
	attrset(A_NORMAL);
	draw_keybar(app, KEYS_VIEW);
	if (vm == NULL)
		return;
	if ((st = vm->stats) == NULL) {
		draw_text(2, 1, COLS - 2, "No samples yet: the VM has not run "
		    "while the desktop was open.");
		return;
	}
	/* CPU across the top; then two columns of the rest. */
	n = 3 + (int)st->nvcpus;
	rows = LINES - 3;
	h = rows / (n > 6 ? 4 : 3);
	if (h < 3)
		h = 3;
	graph_draw(y, 0, h, COLS, "CPU (QEMU process)", &st->cpu_total,
	    GRAPH_PERCENT, app->utf8);
	y += h;
	cols = COLS >= 100 ? 2 : 1;
	w = COLS / cols;
	for (i = 0; i < (int)st->nvcpus && y + h <= LINES - 2; i++) {
		x = (i % cols) * w;
		if (st->vcpus[i].index < 0)
			snprintf(title, sizeof title, "all vCPUs (one thread)");
		else
			snprintf(title, sizeof title, "vCPU %d",
			    st->vcpus[i].index);
		graph_draw(y, x, h, w - 1, title, &st->vcpus[i].cpu,
		    GRAPH_PERCENT, app->utf8);
		if (i % cols == cols - 1 || i == (int)st->nvcpus - 1)
			y += h;
	}
	if (y + h <= LINES - 2) {
		mem = app_vm_mem_graph(vm, &title_mem);
		graph_draw(y, 0, h, w - 1, title_mem, mem, GRAPH_BYTES,
		    app->utf8);
		if (cols == 2)
			graph_draw(y, w, h, w - 1, "disk read",
			    &st->disk_rd_Bps, GRAPH_RATE, app->utf8);
		y += h;
	}
	if (y + h <= LINES - 2) {
		x = 0;
		if (cols == 1) {
			graph_draw(y, 0, h, w - 1, "disk read",
			    &st->disk_rd_Bps, GRAPH_RATE, app->utf8);
			y += h;
		}
		if (y + h <= LINES - 2) {
			graph_draw(y, x, h, w - 1, "disk write",
			    &st->disk_wr_Bps, GRAPH_RATE, app->utf8);
			if (cols == 2 && st->net_known)
				graph_draw(y, w, h, w - 1, "network in",
				    &st->net_rx_Bps, GRAPH_RATE, app->utf8);
			else if (cols == 2) {
				attrset(draw_attr(ROLE_DIM));
				draw_text(y, w, w - 1, "network: QEMU keeps no "
				    "counters for user-mode networking");
				attrset(A_NORMAL);
			}
		}
	}
}

static int
graphs_key(struct app *app, struct screen *s, int key)
{
	if (keys_lookup(key, KEYS_VIEW) == ACT_CLOSE) {
		app_pop(app);
		return (1);
	}
	return (0);
}

static void
graphs_free(struct screen *s)
{
	struct graphs	*g = s->data;

	free(g->name);
	free(g);
}

static const struct screen_ops graphs_ops = {
	"graphs", KEYS_VIEW, 1, graphs_draw, graphs_key, graphs_free
};

struct screen *
screen_graphs(const char *name)
{
	struct graphs	*g;

	g = xcalloc(1, sizeof *g);
	g->name = xstrdup(name);
	return (app_screen(&graphs_ops, g));
}
