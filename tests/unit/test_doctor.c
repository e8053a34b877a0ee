/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for ops/doctor over real files: real qcow2 chains made with
 * qemu-img in a temp library, leftovers found by file, never by name.
 */
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

#include "backend/qemu_img.h"
#include "core/library.h"
#include "images/imgcache.h"
#include "ops/doctor.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

struct fixture {
	char		 top[64];
	char		*home;
	struct library	*lib;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	char		*run, *cause = NULL;

	strcpy(f->top, "/tmp/test_doctor.XXXXXX");
	assert_non_null(mkdtemp(f->top));
	f->home = fs_path_join(f->top, "home");
	run = fs_path_join(f->top, "run");
	assert_int_equal(mkdir(f->home, 0755), 0);
	assert_int_equal(mkdir(run, 0700), 0);
	setenv("VMDESK_HOME", f->home, 1);
	setenv("XDG_RUNTIME_DIR", run, 1);
	free(run);
	if ((f->lib = library_open(&cause)) == NULL)
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
	fs_rm_rf(f->top, &cause);
	free(f->home);
	free(f);
	return (0);
}

/* A qcow2 at path, on backing (or standalone). */
static void
make_qcow2(const char *path, const char *backing)
{
	char	*cause = NULL;

	if (qemu_img_create(path, 1 << 20, backing, &cause) != 0)
		fail_msg("%s", cause);
}

/* A VM whose one disk is file (as vm.conf writes it). */
static void
make_vm(struct fixture *f, const char *name, const char *file)
{
	struct vm_def	*def;
	struct vm_disk	*d;
	char		*dir, *conf, *cause = NULL;

	dir = library_vm_dir(f->lib, name);
	assert_int_equal(fs_mkdir_p(dir, 0755, &cause), 0);
	def = vmdef_create(name);
	d = vmdef_add_disk(def, "disk");
	free(d->file);
	d->file = xstrdup(file);
	d->format = VM_FORMAT_QCOW2;
	conf = fs_path_join(dir, "vm.conf");
	assert_int_equal(vmdef_save(def, conf, &cause), 0);
	vmdef_free(def);
	free(conf);
	free(dir);
}

static char *
vm_file(struct fixture *f, const char *name, const char *file)
{
	char	*dir, *path;

	dir = library_vm_dir(f->lib, name);
	path = fs_path_join(dir, file);
	free(dir);
	return (path);
}

static char *
base_file(struct fixture *f, const char *file)
{
	char	*dir, *path, *cause = NULL;

	dir = fs_path_join(f->lib->images, LIBRARY_BASES_DIR);
	assert_int_equal(fs_mkdir_p(dir, 0755, &cause), 0);
	path = fs_path_join(dir, file);
	free(dir);
	return (path);
}

/* How many findings of a kind name a file (compared by name here). */
static size_t
count(const struct doctor_findings *o, enum doctor_kind kind,
    const char *path)
{
	size_t	i, n = 0;

	for (i = 0; i < o->n; i++) {
		if (o->v[i].kind == kind && (path == NULL ||
		    strstr(o->v[i].path, strrchr(path, '/') + 1) != NULL))
			n++;
	}
	return (n);
}

static void
run(struct fixture *f, int fix, struct doctor_findings *o)
{
	doctor_run(f->lib, fix, o);
}

/* An imported VM's private base: reached by the chain, never a stray. */
static void
test_doctor_keeps_private_base(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*base, *top;

	make_vm(f, "c", "disk.qcow2");
	base = vm_file(f, "c", "base-x.qcow2");
	top = vm_file(f, "c", "disk.qcow2");
	make_qcow2(base, NULL);
	make_qcow2(top, "base-x.qcow2");
	run(f, 1, &o);
	assert_int_equal(count(&o, DOCTOR_STRAY_DISK, NULL), 0);
	assert_true(fs_exists(base));
	doctor_findings_clear(&o);
	free(base);
	free(top);
}

/* file = ./disk.qcow2 names the same file as disk.qcow2. */
static void
test_doctor_dot_slash_disk(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*top;

	make_vm(f, "d", "./disk.qcow2");
	top = vm_file(f, "d", "disk.qcow2");
	make_qcow2(top, NULL);
	run(f, 1, &o);
	assert_int_equal(o.n, 0);
	assert_true(fs_exists(top));
	doctor_findings_clear(&o);
	free(top);
}

/* A disk no chain reaches is a stray, and --fix removes it. */
static void
test_doctor_removes_stray(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*top, *stray, *base;

	make_vm(f, "e", "disk.qcow2");
	top = vm_file(f, "e", "disk.qcow2");
	stray = vm_file(f, "e", "old.qcow2");
	base = base_file(f, "gone-disk-1.qcow2");
	make_qcow2(top, NULL);
	make_qcow2(stray, NULL);
	make_qcow2(base, NULL);
	run(f, 0, &o);
	assert_int_equal(count(&o, DOCTOR_STRAY_DISK, stray), 1);
	assert_int_equal(count(&o, DOCTOR_STRAY_BASE, base), 1);
	assert_int_equal(o.n, 2);
	assert_true(o.v[0].fixable && o.v[1].fixable);
	doctor_findings_clear(&o);
	run(f, 1, &o);
	assert_true(o.v[0].fixed && o.v[1].fixed);
	assert_false(fs_exists(stray));
	assert_false(fs_exists(base));
	assert_true(fs_exists(top));
	doctor_findings_clear(&o);
	free(top);
	free(stray);
	free(base);
}

/* A second name of a used disk (a crashed linked clone) is a stray. */
static void
test_doctor_second_link_is_stray(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*top, *base;

	make_vm(f, "h", "disk.qcow2");
	top = vm_file(f, "h", "disk.qcow2");
	base = base_file(f, "h-disk-1.qcow2");
	make_qcow2(top, NULL);
	assert_int_equal(link(top, base), 0);
	run(f, 1, &o);
	assert_int_equal(o.n, 1);
	assert_int_equal(count(&o, DOCTOR_STRAY_BASE, base), 1);
	assert_true(o.v[0].fixed);
	assert_false(fs_exists(base));
	assert_true(fs_exists(top));
	doctor_findings_clear(&o);
	free(top);
	free(base);
}

/* While a create, clone or import holds the cache, strays are kept. */
static void
test_doctor_busy_cache_keeps_strays(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*base, *cause = NULL;
	int			 hold;

	base = base_file(f, "gone-disk-1.qcow2");
	make_qcow2(base, NULL);
	if ((hold = imgcache_hold(f->lib, 0, &cause)) < 0)
		fail_msg("%s", cause);
	run(f, 1, &o);
	assert_int_equal(count(&o, DOCTOR_STRAY_BASE, base), 1);
	assert_false(o.v[0].fixable);
	assert_non_null(strstr(o.v[0].why_kept, "under way"));
	assert_true(fs_exists(base));
	doctor_findings_clear(&o);
	imgcache_release(hold);
	run(f, 1, &o);
	assert_true(o.n == 1 && o.v[0].fixed);
	assert_false(fs_exists(base));
	doctor_findings_clear(&o);
	free(base);
}

/* A clone of a clone: every base of the chain is kept. */
static void
test_doctor_keeps_deep_chain(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*b1, *b2, *top;

	b1 = base_file(f, "a-disk-1.qcow2");
	b2 = base_file(f, "b-disk-2.qcow2");
	make_qcow2(b1, NULL);
	make_qcow2(b2, b1);
	make_vm(f, "c2", "disk.qcow2");
	top = vm_file(f, "c2", "disk.qcow2");
	make_qcow2(top, b2);
	run(f, 1, &o);
	assert_int_equal(o.n, 0);
	assert_true(fs_exists(b1) && fs_exists(b2));
	doctor_findings_clear(&o);
	free(b1);
	free(b2);
	free(top);
}

/* A library reached through a symlink: the same files, the same answer. */
static void
test_doctor_symlinked_library(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	struct library		*lib;
	char			*link, *b1, *top, *cause = NULL;

	b1 = base_file(f, "a-disk-1.qcow2");
	make_qcow2(b1, NULL);
	make_vm(f, "s", "disk.qcow2");
	top = vm_file(f, "s", "disk.qcow2");
	make_qcow2(top, b1);
	link = fs_path_join(f->top, "link");
	assert_int_equal(symlink(f->home, link), 0);
	setenv("VMDESK_HOME", link, 1);
	if ((lib = library_open(&cause)) == NULL)
		fail_msg("%s", cause);
	doctor_run(lib, 1, &o);
	assert_int_equal(o.n, 0);
	assert_true(fs_exists(b1) && fs_exists(top));
	doctor_findings_clear(&o);
	library_free(lib);
	free(link);
	free(b1);
	free(top);
}

/* A missing base is damage, not "0 problems". */
static void
test_doctor_broken_chain(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*b1, *top;

	b1 = base_file(f, "a-disk-1.qcow2");
	make_qcow2(b1, NULL);
	make_vm(f, "br", "disk.qcow2");
	top = vm_file(f, "br", "disk.qcow2");
	make_qcow2(top, b1);
	assert_int_equal(unlink(b1), 0);
	run(f, 0, &o);
	assert_int_equal(count(&o, DOCTOR_BROKEN_CHAIN, top), 1);
	assert_true(doctor_is_damage(o.v[0].kind));
	assert_false(o.v[0].fixable);
	doctor_findings_clear(&o);
	free(b1);
	free(top);
}

/* A damaged snapshots.conf is reported. */
static void
test_doctor_bad_snaptree(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*top, *tree, *cause = NULL;

	make_vm(f, "t", "disk.qcow2");
	top = vm_file(f, "t", "disk.qcow2");
	tree = vm_file(f, "t", "snapshots.conf");
	make_qcow2(top, NULL);
	assert_int_equal(fs_write_atomic(tree, "junk\n", 5, 0644, &cause), 0);
	run(f, 0, &o);
	assert_int_equal(count(&o, DOCTOR_BAD_SNAPTREE, tree), 1);
	doctor_findings_clear(&o);
	free(top);
	free(tree);
}

/* A VM that cannot be read: what it may use is kept. */
static void
test_doctor_unreadable_vm_keeps_bases(void **state)
{
	struct fixture		*f = *state;
	struct doctor_findings	 o;
	char			*b1, *conf, *cause = NULL;

	b1 = base_file(f, "a-disk-1.qcow2");
	make_qcow2(b1, NULL);
	make_vm(f, "u", "disk.qcow2");
	conf = vm_file(f, "u", "vm.conf");
	assert_int_equal(fs_write_atomic(conf, "[vm\n", 4, 0644, &cause), 0);
	run(f, 1, &o);
	assert_int_equal(count(&o, DOCTOR_STRAY_BASE, b1), 1);
	assert_false(o.v[0].fixable);
	assert_non_null(o.v[0].why_kept);
	assert_true(fs_exists(b1));
	doctor_findings_clear(&o);
	free(b1);
	free(conf);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_doctor_keeps_private_base,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_doctor_dot_slash_disk,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_doctor_removes_stray,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_doctor_second_link_is_stray, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_doctor_busy_cache_keeps_strays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doctor_keeps_deep_chain,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_doctor_symlinked_library,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_doctor_broken_chain,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_doctor_bad_snaptree,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_doctor_unreadable_vm_keeps_bases, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
