/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for images/bundle: which archive members may be extracted. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <archive_entry.h>
#include <cmocka.h>

#include "ops/bundle.h"

static void
test_bundle_member_good(void **state)
{
	static const char *const good[] = { "vm.conf", "data.qcow2",
	    "base-c1-data-1a2b.qcow2", "seed.iso", "snapshots.conf",
	    "snapshots/s1.efivars.fd", "2-disk.qcow2", "vmlinuz",
	    BUNDLE_MANIFEST };
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (bundle_member_check(good[i], AE_IFREG, NULL, &cause) != 0)
			fail_msg("'%s' refused: %s", good[i], cause);
	}
}

/* Each refusal has its own words. */
static void
test_bundle_member_bad(void **state)
{
	static const struct {
		const char	*name;
		mode_t		 type;
		const char	*link;
		const char	*want;
	} bad[] = {
		{ "", AE_IFREG, NULL, "empty name" },
		{ "/etc/passwd", AE_IFREG, NULL, "absolute path" },
		{ "../x.qcow2", AE_IFREG, NULL, "climbs out" },
		{ "snapshots/../../x", AE_IFREG, NULL, "climbs out" },
		{ "a/..", AE_IFREG, NULL, "climbs out" },
		{ "data.qcow2", AE_IFLNK, "/etc/shadow", "symbolic link (to "
		  "'/etc/shadow')" },
		{ "data.qcow2", AE_IFREG, "../../x",
		  "hard link (to '../../x')" },
		{ "null", AE_IFCHR, NULL, "device node" },
		{ "sda", AE_IFBLK, NULL, "device node" },
		{ "fifo", AE_IFIFO, NULL, "a FIFO" },
		{ "snapshots", AE_IFDIR, NULL, "a folder" },
		{ ".hidden", AE_IFREG, NULL, "not a file name" },
		{ "a b", AE_IFREG, NULL, "not a file name" },
		{ "sub/x.qcow2", AE_IFREG, NULL, "not a file name" },
		{ "snapshots/", AE_IFREG, NULL, "not a file name" },
		{ "-rf", AE_IFREG, NULL, "not a file name" },
	};
	char	*cause;
	size_t	 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if (bundle_member_check(bad[i].name, bad[i].type, bad[i].link,
		    &cause) == 0)
			fail_msg("'%s' accepted", bad[i].name);
		if (strstr(cause, bad[i].want) == NULL)
			fail_msg("'%s': '%s' lacks '%s'", bad[i].name, cause,
			    bad[i].want);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundle_member_good),
		cmocka_unit_test(test_bundle_member_bad),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
