/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for util/fsutil: atomic writes of large, mostly-zero files. */
#include "config.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/fsutil.h"
#include "util/xmalloc.h"

#define BIG	(4u << 20)

/* A UEFI variable store is megabytes of zeros: they become holes. */
static void
test_fsutil_write_atomic_sparse(void **state)
{
	struct stat	 sb;
	char		 dir[] = "/tmp/test_fsutil.XXXXXX", *path, *back;
	char		*cause = NULL, *data;
	size_t		 len;

	assert_non_null(mkdtemp(dir));
	path = fs_path_join(dir, "vars.fd");
	data = xcalloc(1, BIG);
	memcpy(data + 100, "VARS", 4);
	data[BIG - 1] = 'z';
	assert_int_equal(fs_write_atomic(path, data, BIG, 0644, &cause), 0);
	back = fs_read_file(path, &len, &cause);
	assert_non_null(back);
	assert_int_equal(len, BIG);
	assert_memory_equal(back, data, BIG);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, BIG);
	/* Two 64 KiB blocks hold data; the rest takes no room. */
	assert_true((uint64_t)sb.st_blocks * 512 < BIG / 4);
	/* A file of zeros to its end keeps its size (a hole at the end). */
	data[BIG - 1] = '\0';
	assert_int_equal(fs_write_atomic(path, data, BIG, 0644, &cause), 0);
	assert_int_equal(fs_file_size(path), BIG);
	free(back);
	free(data);
	assert_int_equal(fs_rm_rf(dir, &cause), 0);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fsutil_write_atomic_sparse),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
