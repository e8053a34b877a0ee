/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for core/settings: booleans read as vm.conf reads them. */
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

#include "core/settings.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

static char *
write_config(const char *text)
{
	char	 tmpl[] = "/tmp/vmdesk-settings-XXXXXX", *dir, *path, *cause;
	char	*sub;

	dir = xstrdup(mkdtemp(tmpl));
	sub = xasprintf("%s/vmdesk", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	path = xasprintf("%s/config", sub);
	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0600,
	    &cause), 0);
	setenv("XDG_CONFIG_HOME", dir, 1);
	free(sub);
	free(path);
	return (dir);
}

static void
test_settings_bools_like_vmconf(void **state)
{
	struct settings	 set;
	char		*dir, *cause = NULL;

	dir = write_config("[desktop]\nconfirm = off\ntruecolor = true\n");
	assert_int_equal(settings_load(&set, &cause), 0);
	assert_int_equal(set.confirm, 0);
	assert_int_equal(set.truecolor, 1);
	settings_clear(&set);
	fs_rm_rf(dir, &cause);
	free(dir);
	dir = write_config("[desktop]\nconfirm = maybe\n");
	assert_int_equal(settings_load(&set, &cause), -1);
	assert_non_null(strstr(cause, "'maybe' is not yes or no"));
	free(cause);
	cause = NULL;
	fs_rm_rf(dir, &cause);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings_bools_like_vmconf),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
