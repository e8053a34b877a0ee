/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for tui/labgroup: a lab's VMs under its header, in list order. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tui/app.h"
#include "tui/labgroup.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define NVMS	6

/* VMs by name; a lab of NULL is none, "-" a definition not yet read. */
static struct app_vm *
vm_new(const char *name, const char *lab, enum vm_state state)
{
	struct app_vm	*vm;

	vm = xcalloc(1, sizeof *vm);
	vm->name = xstrdup(name);
	vm->st.state = state;
	if (lab != NULL && strcmp(lab, "-") == 0)
		return (vm);
	vm->loaded = 1;
	vm->def = xcalloc(1, sizeof *vm->def);
	vm->def->lab = lab != NULL ? xstrdup(lab) : NULL;
	return (vm);
}

static void
vm_free(struct app_vm *vm)
{
	if (vm->def != NULL)
		free(vm->def->lab);
	free(vm->def);
	free(vm->name);
	free(vm);
}

static int
setup(void **state)
{
	struct app_vm	**v;

	v = xcalloc(NVMS, sizeof *v);
	v[0] = vm_new("alpha", NULL, VM_STOPPED);
	v[1] = vm_new("db", "shop", VM_RUNNING);
	v[2] = vm_new("later", "-", VM_STOPPED);
	v[3] = vm_new("web-1", "shop", VM_STOPPED);
	v[4] = vm_new("web-2", "shop", VM_PAUSED);
	v[5] = vm_new("zed", "class", VM_STOPPED);
	*state = v;
	return (0);
}

static int
teardown(void **state)
{
	struct app_vm	**v = *state;
	size_t		  i;

	for (i = 0; i < NVMS; i++)
		vm_free(v[i]);
	free(v);
	return (0);
}

/* The rows as text: "name" for a VM, "[lab]" for a header. */
static void
assert_rows(const struct labgroup *g, const char *want)
{
	struct strv	 rows;
	char		*got;
	size_t		 i;

	strv_init(&rows);
	for (i = 0; i < g->nrows; i++) {
		if (g->rows[i].vm == NULL)
			strv_pushf(&rows, "[%s]", g->labs[g->rows[i].lab].name);
		else
			strv_push(&rows, g->rows[i].vm->name);
	}
	got = strv_join(&rows, " ");
	assert_string_equal(got, want);
	free(got);
	strv_clear(&rows);
}

static void
test_labgroup_by_name(void **state)
{
	struct app_vm	**v = *state;
	struct labgroup	  g;
	int		  li;

	memset(&g, 0, sizeof g);
	labgroup_build(&g, v, NVMS, v, NVMS);
	assert_rows(&g, "alpha [shop] db web-1 web-2 later [class] zed");
	assert_int_equal(g.nlabs, 2);
	li = labgroup_find(&g, "shop");
	assert_int_equal(li, 1);
	/* Running and paused count as running. */
	assert_int_equal(g.labs[li].running, 2);
	assert_int_equal(g.labs[li].total, 3);
	assert_int_equal(labgroup_find(&g, "nope"), -1);
	/* Its VMs' indices in the shown list. */
	assert_int_equal(g.labs[li].n, 3);
	assert_int_equal(g.by[g.labs[li].first], 1);
	assert_int_equal(g.by[g.labs[li].first + 2], 4);
	labgroup_clear(&g);
}

static void
test_labgroup_keeps_sort(void **state)
{
	struct app_vm	**v = *state;
	struct app_vm	 *shown[NVMS];
	struct labgroup	  g;

	/* A sort that put web-2 first, zed second: the groups follow it. */
	shown[0] = v[4];
	shown[1] = v[5];
	shown[2] = v[0];
	shown[3] = v[1];
	shown[4] = v[2];
	shown[5] = v[3];
	memset(&g, 0, sizeof g);
	labgroup_build(&g, v, NVMS, shown, NVMS);
	assert_rows(&g, "[shop] web-2 db web-1 [class] zed alpha later");
	labgroup_clear(&g);
}

static void
test_labgroup_filtered(void **state)
{
	struct app_vm	**v = *state;
	struct app_vm	 *shown[2];
	struct labgroup	  g;
	int		  li;

	/* A filter left two VMs: a lab with none shown has no header. */
	shown[0] = v[0];
	shown[1] = v[3];
	memset(&g, 0, sizeof g);
	labgroup_build(&g, v, NVMS, shown, 2);
	assert_rows(&g, "alpha [shop] web-1");
	/* The counts are the whole lab's. */
	li = labgroup_find(&g, "shop");
	assert_int_equal(g.labs[li].total, 3);
	assert_int_equal(g.labs[li].n, 1);
	/* Built again (as every draw does) with nothing shown. */
	labgroup_build(&g, v, NVMS, shown, 0);
	assert_int_equal(g.nrows, 0);
	labgroup_clear(&g);
}

static void
test_labgroup_none(void **state)
{
	struct app_vm	**v = *state;
	struct labgroup	  g;

	/* Before their definitions are read, no VM has a lab. */
	memset(&g, 0, sizeof g);
	labgroup_build(&g, v + 2, 1, v + 2, 1);
	assert_rows(&g, "later");
	assert_int_equal(g.nlabs, 0);
	labgroup_build(&g, v, 1, v, 1);
	assert_rows(&g, "alpha");
	labgroup_clear(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_labgroup_by_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_labgroup_keeps_sort,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_labgroup_filtered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_labgroup_none, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
