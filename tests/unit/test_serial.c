/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for backend/serial: the query filter and the log's rotation. */
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

#include "backend/serial.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

/* Filter s in pieces of step bytes. Caller frees. */
static char *
filter(const char *s, size_t step)
{
	struct serial_filter	 f;
	size_t			 len = strlen(s), i, k, n = 0;
	char			*out;

	memset(&f, 0, sizeof f);
	out = xmalloc(len + SERIAL_FILTER_HOLD + 1);
	for (i = 0; i < len; i += k) {
		k = len - i < step ? len - i : step;
		n += serial_filter_queries(&f, s + i, k, out + n);
	}
	/* What is still held at the end is an unfinished sequence. */
	memcpy(out + n, f.held, f.nheld);
	out[n + f.nheld] = '\0';
	return (out);
}

static void
test_serial_filter_drops_queries(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "tinylinux:/# \033[6n", "tinylinux:/# " },
		{ "a\033[5nb\033[cc\033[>cd\033[0ce", "abcde" },
		{ "\033[1;31mred\033[0m", "\033[1;31mred\033[0m" },
		{ "\033[2J\033[H\033[?25l", "\033[2J\033[H\033[?25l" },
		{ "\033\033[6nx", "\033x" },
		{ "\033Ox\033", "\033Ox\033" },
		{ "plain\r\n", "plain\r\n" },
	};
	size_t	i, step;
	char	*got;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (step = 1; step <= strlen(cases[i].in); step++) {
			got = filter(cases[i].in, step);
			if (strcmp(got, cases[i].out) != 0)
				fail_msg("case %zu in pieces of %zu: '%s'", i,
				    step, got);
			free(got);
		}
	}
}

static void
test_serial_filter_long_sequence(void **state)
{
	char	in[200], *got;

	/* Longer than what is held: passed on whole, never lost. */
	memset(in, '1', sizeof in);
	in[0] = '\033';
	in[1] = '[';
	in[sizeof in - 2] = 'n';
	in[sizeof in - 1] = '\0';
	got = filter(in, 7);
	assert_string_equal(got, in);
	free(got);
}

/* Append n numbered 15-byte lines to a file. */
static void
write_lines(const char *path, int first, int n)
{
	FILE	*f = fopen(path, "a");
	int	 i;

	assert_non_null(f);
	for (i = first; i < first + n; i++)
		fprintf(f, "line %09d\n", i);
	fclose(f);
}

static void
test_serial_log_rotate(void **state)
{
	struct stat	 sb;
	char		 dir[] = "/tmp/vmdesk-test-serial.XXXXXX";
	char		*log, *old, *a, *b, *cause = NULL, *want, *both;
	size_t		 la, lb, lw;

	assert_non_null(mkdtemp(dir));
	log = fs_path_join(dir, "serial.log");
	old = xasprintf("%s.1", log);
	/* Under the cap: left alone. */
	write_lines(log, 0, 4000);
	assert_int_equal(serial_log_rotate(log, 65536, &cause), 0);
	assert_int_equal(stat(old, &sb), -1);
	/* Over it: the head moves to serial.log.1, nothing lost. */
	write_lines(log, 4000, 400);
	want = fs_read_file(log, &lw, &cause);
	assert_int_equal(serial_log_rotate(log, 65536, &cause), 0);
	a = fs_read_file(old, &la, &cause);
	if (a == NULL)
		fail_msg("%s", cause);
	b = fs_read_file(log, &lb, &cause);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(lb < 4096);
	assert_int_equal(la + lb, lw);
	both = xmalloc(lw);
	memcpy(both, a, la);
	memcpy(both + la, b, lb);
	assert_memory_equal(both, want, lw);
	assert_int_equal(stat(old, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(both);
	free(a);
	free(b);
	free(want);
	/* A missing log is no error. */
	unlink(log);
	assert_int_equal(serial_log_rotate(log, 65536, &cause), 0);
	unlink(old);
	rmdir(dir);
	free(log);
	free(old);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_filter_drops_queries),
		cmocka_unit_test(test_serial_filter_long_sequence),
		cmocka_unit_test(test_serial_log_rotate),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
