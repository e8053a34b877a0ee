/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for images/unpack: which archive members may be taken. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <archive_entry.h>
#include <cmocka.h>

#include "images/unpack.h"

/* Check a member and expect a refusal naming why. */
static void
refused(const char *path, unsigned int type, int linked, const char *why)
{
	char	*cause = NULL;

	assert_int_equal(unpack_member_check(path, type, linked, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("'%s' for %s lacks '%s'", cause, path, why);
	free(cause);
}

static void
test_unpack_safe_paths(void **state)
{
	char	*cause = NULL;

	assert_int_equal(unpack_member_check("disk.qcow2", AE_IFREG, 0,
	    &cause), 0);
	assert_int_equal(unpack_member_check("./a/b/disk.img", AE_IFREG, 0,
	    &cause), 0);
	assert_int_equal(unpack_member_check("dir/", AE_IFDIR, 0, &cause), 0);
	/* Dots inside names are not "..". */
	assert_int_equal(unpack_member_check("a..b/..c/d..", AE_IFREG, 0,
	    &cause), 0);
	assert_null(cause);
}

static void
test_unpack_unsafe_paths(void **state)
{
	refused("../evil", AE_IFREG, 0, "climbs out");
	refused("a/../../evil", AE_IFREG, 0, "climbs out");
	refused("a/..", AE_IFDIR, 0, "climbs out");
	refused("a\\..\\evil", AE_IFREG, 0, "climbs out");
	refused("/etc/passwd", AE_IFREG, 0, "absolute path");
	refused("", AE_IFREG, 0, "no name");
}

static void
test_unpack_unsafe_types(void **state)
{
	refused("link", AE_IFLNK, 0, "is a link");
	refused("hard", AE_IFREG, 1, "is a link");
	refused("null", AE_IFCHR, 0, "character device");
	refused("sda", AE_IFBLK, 0, "block device");
	refused("fifo", AE_IFIFO, 0, "FIFO");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unpack_safe_paths),
		cmocka_unit_test(test_unpack_unsafe_paths),
		cmocka_unit_test(test_unpack_unsafe_types),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
