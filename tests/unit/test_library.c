/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for core/library: folders, create, list, rename, delete, lock. */
#include "config.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/library.h"
#include "util/fsutil.h"
#include "util/timeutil.h"

struct fixture {
	char		 home[64];
	char		 run[64];
	struct library	*lib;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	char		*cause = NULL;

	strcpy(f->home, "/tmp/test_library.XXXXXX");
	strcpy(f->run, "/tmp/test_libraryrun.XXXXXX");
	assert_non_null(mkdtemp(f->home));
	assert_non_null(mkdtemp(f->run));
	setenv("VMDESK_HOME", f->home, 1);
	setenv("XDG_RUNTIME_DIR", f->run, 1);
	f->lib = library_open(&cause);
	if (f->lib == NULL)
		fail_msg("%s", cause);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	library_free(f->lib);
	fs_rm_rf(f->home, &cause);
	fs_rm_rf(f->run, &cause);
	free(f);
	return (0);
}

static void
make_vm(struct library *lib, const char *name)
{
	struct vm_def	*def;
	char		*stage, *conf, *cause = NULL;

	stage = library_create_begin(lib, name, &cause);
	if (stage == NULL)
		fail_msg("%s", cause);
	def = vmdef_create(name);
	conf = fs_path_join(stage, "vm.conf");
	assert_int_equal(vmdef_save(def, conf, &cause), 0);
	assert_int_equal(library_create_commit(lib, name, stage, &cause), 0);
	free(conf);
	free(stage);
	vmdef_free(def);
}

static void
test_library_folders(void **state)
{
	struct fixture	*f = *state;
	struct stat	 sb;
	char		*run;

	assert_int_equal(stat(f->lib->vms, &sb), 0);
	assert_int_equal(stat(f->lib->runtime, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	run = library_run_dir(f->lib, "web1");
	assert_non_null(strstr(run, "/vmdesk/web1"));
	free(run);
}

static void
test_library_create_list_load(void **state)
{
	struct fixture	*f = *state;
	struct strv	 names;
	struct vm_def	*def;
	char		*cause = NULL;

	make_vm(f->lib, "zeta");
	make_vm(f->lib, "alpha");
	strv_init(&names);
	assert_int_equal(library_list(f->lib, &names, &cause), 0);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "alpha");
	assert_string_equal(names.v[1], "zeta");
	strv_clear(&names);

	def = library_load(f->lib, "alpha", &cause);
	assert_non_null(def);
	assert_string_equal(def->name, "alpha");
	vmdef_free(def);

	assert_null(library_load(f->lib, "nope", &cause));
	assert_string_equal(cause, "no VM named 'nope' (vmdesk list shows "
	    "them)");
	free(cause);
	assert_null(library_load(f->lib, "../etc", &cause));
	free(cause);

	assert_null(library_create_begin(f->lib, "alpha", &cause));
	assert_string_equal(cause, "a VM named 'alpha' already exists");
	free(cause);
}

static void
test_library_staging_is_invisible(void **state)
{
	struct fixture	*f = *state;
	struct strv	 names;
	char		*stage, *cause = NULL;

	stage = library_create_begin(f->lib, "half", &cause);
	assert_non_null(stage);
	assert_false(library_exists(f->lib, "half"));
	strv_init(&names);
	assert_int_equal(library_list(f->lib, &names, &cause), 0);
	assert_int_equal(names.n, 0);
	strv_clear(&names);
	library_create_abort(stage);
	assert_false(fs_exists(stage));
	free(stage);
}

static void
test_library_rename_and_delete(void **state)
{
	struct fixture	*f = *state;
	struct vm_def	*def;
	char		*cause = NULL;

	make_vm(f->lib, "old");
	make_vm(f->lib, "other");
	assert_int_equal(library_rename(f->lib, "old", "other", &cause), -1);
	assert_string_equal(cause, "a VM named 'other' already exists");
	free(cause);
	assert_int_equal(library_rename(f->lib, "old", "new", &cause), 0);
	assert_false(library_exists(f->lib, "old"));
	def = library_load(f->lib, "new", &cause);
	assert_non_null(def);
	assert_string_equal(def->name, "new");
	assert_int_equal(def->warnings.n, 0);
	vmdef_free(def);

	assert_int_equal(library_delete(f->lib, "new", &cause), 0);
	assert_false(library_exists(f->lib, "new"));
	assert_int_equal(library_delete(f->lib, "new", &cause), -1);
	assert_string_equal(cause, "no VM named 'new'");
	free(cause);
}

static void
test_library_folder_name_wins(void **state)
{
	struct fixture	*f = *state;
	struct vm_def	*def;
	char		*conf, *cause = NULL;

	make_vm(f->lib, "folder");
	def = vmdef_create("inside");
	conf = library_vm_conf(f->lib, "folder");
	assert_int_equal(vmdef_save(def, conf, &cause), 0);
	vmdef_free(def);
	def = library_load(f->lib, "folder", &cause);
	assert_non_null(def);
	assert_string_equal(def->name, "folder");
	assert_int_equal(def->warnings.n, 1);
	vmdef_free(def);
	free(conf);
}

static void
test_library_lock_is_exclusive(void **state)
{
	struct fixture	*f = *state;
	struct vm_lock	*a, *b;
	char		*cause = NULL;
	uint64_t	 t0;

	make_vm(f->lib, "locked");
	a = library_lock(f->lib, "locked", 1000, &cause);
	assert_non_null(a);
	t0 = time_mono_ms();
	b = library_lock(f->lib, "locked", 200, &cause);
	assert_null(b);
	assert_true(time_mono_ms() - t0 >= 200);
	assert_string_equal(cause, "VM locked is busy: another vmdesk is "
	    "changing it");
	free(cause);
	library_unlock(a);
	b = library_lock(f->lib, "locked", 200, &cause);
	assert_non_null(b);
	library_unlock(b);

	assert_null(library_lock(f->lib, "ghost", 100, &cause));
	assert_string_equal(cause, "no VM named 'ghost'");
	free(cause);
}

static void
test_library_runtime_made_private(void **state)
{
	struct fixture	*f = *state;
	struct library	*lib;
	struct stat	 sb;
	char		*cause = NULL;

	assert_int_equal(chmod(f->lib->runtime, 0755), 0);
	lib = library_open(&cause);
	assert_non_null(lib);
	assert_int_equal(stat(lib->runtime, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	library_free(lib);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_library_folders, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_library_create_list_load,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_library_staging_is_invisible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_library_rename_and_delete,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_library_folder_name_wins,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_library_lock_is_exclusive,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_library_runtime_made_private, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
