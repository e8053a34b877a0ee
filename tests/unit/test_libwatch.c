/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for core/libwatch: what inotify tells of a library's changes. */
#include "config.h"

#include <sys/stat.h>

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/libwatch.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

static char	*top;

static struct library *
open_library(void)
{
	struct library	*lib;
	char		 tmpl[] = "/tmp/vmdesk-libwatch-XXXXXX", *home, *run;
	char		*cause = NULL;

	top = xstrdup(mkdtemp(tmpl));
	home = xasprintf("%s/home", top);
	run = xasprintf("%s/run", top);
	assert_int_equal(mkdir(run, 0700), 0);
	setenv("VMDESK_HOME", home, 1);
	setenv("XDG_RUNTIME_DIR", run, 1);
	if ((lib = library_open(&cause)) == NULL)
		fail_msg("%s", cause);
	free(home);
	free(run);
	return (lib);
}

static void
close_library(struct library *lib)
{
	char	*cause = NULL;

	library_free(lib);
	fs_rm_rf(top, &cause);
	free(top);
}

/* Wait for events (a short poll) and read them. */
static int
drain(struct libwatch *w, struct strv *names)
{
	struct pollfd	pfd = { libwatch_fd(w), POLLIN, 0 };

	strv_clear(names);
	strv_init(names);
	if (poll(&pfd, 1, 2000) != 1)
		return (-1);
	return (libwatch_read(w, names));
}

static void
write_file(const char *path, const char *text)
{
	char	*cause = NULL;

	if (fs_write_atomic(path, text, strlen(text), 0644, &cause) != 0)
		fail_msg("%s", cause);
}

static void
test_libwatch_sees_vms_come_change_and_start(void **state)
{
	struct library	*lib = open_library();
	struct libwatch	*w;
	struct strv	 names;
	char		*dir, *conf, *run, *pid, *cause = NULL;

	if ((w = libwatch_open(lib, &cause)) == NULL)
		fail_msg("%s", cause);
	strv_init(&names);
	/* A new VM's folder: the set of VMs may differ. */
	dir = library_vm_dir(lib, "a");
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(drain(w, &names), 1);
	assert_int_equal(libwatch_add(w, "a"), 0);
	/* vm.conf replaced atomically in it: that VM, by name. */
	conf = library_vm_conf(lib, "a");
	write_file(conf, "[vm]\nname = a\n");
	assert_int_equal(drain(w, &names), 0);
	assert_int_not_equal(strv_find(&names, "a"), -1);
	/* Its runtime folder made (a start): that VM again. */
	run = library_run_dir(lib, "a");
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(drain(w, &names), 0);
	assert_int_not_equal(strv_find(&names, "a"), -1);
	/* Once watched, a pidfile in it tells too. */
	assert_int_equal(libwatch_add(w, "a"), 0);
	pid = fs_path_join(run, "qemu.pid");
	write_file(pid, "1\n");
	assert_int_equal(drain(w, &names), 0);
	assert_int_not_equal(strv_find(&names, "a"), -1);
	/* Nothing more happened: nothing to read. */
	assert_int_equal(drain(w, &names), -1);
	strv_clear(&names);
	libwatch_free(w);
	free(pid);
	free(run);
	free(conf);
	free(dir);
	close_library(lib);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libwatch_sees_vms_come_change_and_start),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
