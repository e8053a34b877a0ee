/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for util/strutil: numbers, sizes, durations. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strutil.h"

static void
test_strutil_sizes(void **state)
{
	uint64_t	 v;
	char		*cause = NULL;

	assert_int_equal(str_to_size("512M", 1, &v, &cause), 0);
	assert_true(v == 512ULL << 20);
	assert_int_equal(str_to_size("2G", 1, &v, &cause), 0);
	assert_true(v == 2ULL << 30);
	assert_int_equal(str_to_size("1.5G", 1, &v, &cause), 0);
	assert_true(v == 3ULL << 29);
	assert_int_equal(str_to_size("256", 1ULL << 20, &v, &cause), 0);
	assert_true(v == 256ULL << 20);
	assert_int_equal(str_to_size("4096", 1, &v, &cause), 0);
	assert_true(v == 4096);
	assert_int_equal(str_to_size("64MiB", 1, &v, &cause), 0);
	assert_true(v == 64ULL << 20);
	assert_int_equal(str_to_size("1gb", 1, &v, &cause), 0);
	assert_true(v == 1ULL << 30);
}

static void
test_strutil_bad_sizes(void **state)
{
	static const char *const bad[] = { "", "M", "12Q", "-1G", "1 G",
	    "99999999999999999999", "1.G.", "20000000T" };
	uint64_t		 v;
	size_t			 i;
	char			*cause;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if (str_to_size(bad[i], 1, &v, &cause) == 0)
			fail_msg("'%s' parsed", bad[i]);
		assert_non_null(cause);
		free(cause);
	}
}

static void
test_strutil_long(void **state)
{
	long	 v;
	char	*cause = NULL;

	assert_int_equal(str_to_long("42", 1, 64, &v, &cause), 0);
	assert_int_equal(v, 42);
	assert_int_equal(str_to_long("65", 1, 64, &v, &cause), -1);
	assert_non_null(strstr(cause, "out of range (1 to 64)"));
	free(cause);
	assert_int_equal(str_to_long("4x", 1, 64, &v, &cause), -1);
	assert_non_null(strstr(cause, "not a number"));
	free(cause);
	assert_int_equal(str_to_long(" 4", 1, 64, &v, &cause), -1);
	free(cause);
}

static void
test_strutil_printing(void **state)
{
	char	*s;

	s = str_size_short(512ULL << 20);
	assert_string_equal(s, "512M");
	free(s);
	s = str_size_short(3ULL << 29);
	assert_string_equal(s, "1.5G");
	free(s);
	s = str_size_short(100);
	assert_string_equal(s, "100B");
	free(s);
	/* Exact sizes read back to the same bytes (6151M is not 6.0G). */
	s = str_size_exact(6151ULL << 20);
	assert_string_equal(s, "6151M");
	free(s);
	s = str_size_exact(3ULL << 29);
	assert_string_equal(s, "1536M");
	free(s);
	s = str_size_exact(4ULL << 30);
	assert_string_equal(s, "4G");
	free(s);
	s = str_size_exact(1000);
	assert_string_equal(s, "1000B");
	free(s);
	s = str_size_exact(0);
	assert_string_equal(s, "0B");
	free(s);
	s = str_duration(59);
	assert_string_equal(s, "59s");
	free(s);
	s = str_duration(123);
	assert_string_equal(s, "2m 03s");
	free(s);
	s = str_duration(90061);
	assert_string_equal(s, "1d 1h");
	free(s);
}

/* One reading of a boolean for every file and command. */
static void
test_strutil_bool(void **state)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	char	*cause = NULL;
	size_t	 i;
	int	 v;

	for (i = 0; i < 4; i++) {
		v = -1;
		assert_int_equal(str_to_bool(yes[i], &v, &cause), 0);
		assert_int_equal(v, 1);
		assert_int_equal(str_to_bool(no[i], &v, &cause), 0);
		assert_int_equal(v, 0);
	}
	assert_int_equal(str_to_bool("Yes", &v, &cause), -1);
	assert_string_equal(cause, "'Yes' is not yes or no");
	free(cause);
}

static void
test_strutil_utf8_put(void **state)
{
	char	b[4];

	(void)state;
	assert_int_equal(str_utf8_put('A', b), 1);
	assert_memory_equal(b, "A", 1);
	assert_int_equal(str_utf8_put(0xe9, b), 2);
	assert_memory_equal(b, "\xc3\xa9", 2);
	assert_int_equal(str_utf8_put(0x2588, b), 3);
	assert_memory_equal(b, "\xe2\x96\x88", 3);
	assert_int_equal(str_utf8_put(0x1f600, b), 4);
	assert_memory_equal(b, "\xf0\x9f\x98\x80", 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strutil_bool),
		cmocka_unit_test(test_strutil_utf8_put),
		cmocka_unit_test(test_strutil_sizes),
		cmocka_unit_test(test_strutil_bad_sizes),
		cmocka_unit_test(test_strutil_long),
		cmocka_unit_test(test_strutil_printing),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
