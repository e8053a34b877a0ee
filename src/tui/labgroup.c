/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The main list's rows: a lab's VMs under the lab's header row. */
#include "config.h"

#include "tui/labgroup.h"

#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "util/xmalloc.h"

const char *
labgroup_lab_of(const struct app_vm *vm)
{
	return (vm->def != NULL ? vm->def->lab : NULL);
}

static int
labgroup_cmp(const void *a, const void *b)
{
	return (strcmp(labgroup_lab_of(*(struct app_vm *const *)a),
	    labgroup_lab_of(*(struct app_vm *const *)b)));
}

static void
labgroup_free_labs(struct labgroup *g)
{
	size_t	i;

	for (i = 0; i < g->nlabs; i++)
		free(g->labs[i].name);
	g->nlabs = 0;
}

/* The labs of the library, sorted, with their running and total VMs. */
static void
labgroup_labs(struct labgroup *g, struct app_vm *const *all, size_t nall)
{
	struct app_vm	**l;
	size_t		  i, m = 0;

	labgroup_free_labs(g);
	l = xcalloc(nall + 1, sizeof *l);
	for (i = 0; i < nall; i++) {
		if (labgroup_lab_of(all[i]) != NULL)
			l[m++] = all[i];
	}
	if (m > 0)
		qsort(l, m, sizeof *l, labgroup_cmp);
	g->labs = xreallocarray(g->labs, m + 1, sizeof *g->labs);
	for (i = 0; i < m; i++) {
		if (i == 0 || labgroup_cmp(&l[i - 1], &l[i]) != 0) {
			memset(&g->labs[g->nlabs], 0, sizeof *g->labs);
			g->labs[g->nlabs++].name = xstrdup(
			    labgroup_lab_of(l[i]));
		}
		g->labs[g->nlabs - 1].total++;
		g->labs[g->nlabs - 1].running += vmstate_is_alive(
		    l[i]->st.state);
	}
	free(l);
}

int
labgroup_find(const struct labgroup *g, const char *name)
{
	size_t	lo = 0, hi = g->nlabs, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(g->labs[mid].name, name)) == 0)
			return ((int)mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (-1);
}

/* Each lab's shown VMs, in shown order, into by[] (a counting sort). */
static void
labgroup_bucket(struct labgroup *g, struct app_vm *const *shown,
    size_t nshown, int *vlab)
{
	size_t	i, at = 0;
	int	li;

	for (i = 0; i < nshown; i++) {
		li = vlab[i];
		if (li >= 0)
			g->labs[li].n++;
	}
	for (i = 0; i < g->nlabs; i++) {
		g->labs[i].first = at;
		at += g->labs[i].n;
		g->labs[i].n = 0;
	}
	g->by = xreallocarray(g->by, at + 1, sizeof *g->by);
	for (i = 0; i < nshown; i++) {
		if ((li = vlab[i]) >= 0)
			g->by[g->labs[li].first + g->labs[li].n++] = i;
	}
}

static void
labgroup_push(struct labgroup *g, struct app_vm *vm, int lab)
{
	g->rows[g->nrows].vm = vm;
	g->rows[g->nrows++].lab = lab;
}

void
labgroup_build(struct labgroup *g, struct app_vm *const *all, size_t nall,
    struct app_vm *const *shown, size_t nshown)
{
	const char	*name;
	size_t		 i, j;
	int		*vlab, *done, li;

	labgroup_labs(g, all, nall);
	g->rows = xreallocarray(g->rows, nshown + g->nlabs + 1,
	    sizeof *g->rows);
	g->nrows = 0;
	if (g->nlabs == 0) {
		for (i = 0; i < nshown; i++)
			labgroup_push(g, shown[i], -1);
		return;
	}
	vlab = xcalloc(nshown + 1, sizeof *vlab);
	done = xcalloc(g->nlabs, sizeof *done);
	for (i = 0; i < nshown; i++) {
		name = labgroup_lab_of(shown[i]);
		vlab[i] = name != NULL ? labgroup_find(g, name) : -1;
	}
	labgroup_bucket(g, shown, nshown, vlab);
	for (i = 0; i < nshown; i++) {
		if ((li = vlab[i]) < 0) {
			labgroup_push(g, shown[i], -1);
			continue;
		}
		if (done[li]++)
			continue;
		labgroup_push(g, NULL, li);
		for (j = 0; j < g->labs[li].n; j++)
			labgroup_push(g, shown[g->by[g->labs[li].first + j]],
			    li);
	}
	free(done);
	free(vlab);
}

void
labgroup_clear(struct labgroup *g)
{
	labgroup_free_labs(g);
	free(g->labs);
	free(g->rows);
	free(g->by);
	memset(g, 0, sizeof *g);
}
