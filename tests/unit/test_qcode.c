/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for backend/qcode: characters to US-layout keys. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend/qcode.h"

static void
key(int c, const char *want, int want_shift)
{
	const char	*q = NULL;
	int		 shift = -1;

	assert_int_equal(qcode_for_char(c, &q, &shift), 0);
	assert_string_equal(q, want);
	assert_int_equal(shift, want_shift);
}

static void
test_qcode_every_printable_character(void **state)
{
	const char	*q, *seen[128] = { NULL };
	int		 c, shift, seen_shift[128];

	(void)state;
	for (c = ' '; c < 127; c++) {
		if (qcode_for_char(c, &q, &shift) != 0)
			fail_msg("no key for '%c'", c);
		seen[c] = q;
		seen_shift[c] = shift;
	}
	/* No two characters are the same key with the same Shift. */
	for (c = ' '; c < 127; c++) {
		for (shift = c + 1; shift < 127; shift++) {
			if (strcmp(seen[c], seen[shift]) == 0 &&
			    seen_shift[c] == seen_shift[shift])
				fail_msg("'%c' and '%c' are one key", c, shift);
		}
	}
}

static void
test_qcode_shift_and_names(void **state)
{
	(void)state;
	key('a', "a", 0);
	key('Z', "z", 1);
	key('7', "7", 0);
	key('&', "7", 1);
	key('~', "grave_accent", 1);
	key('"', "apostrophe", 1);
	key('|', "backslash", 1);
	key('?', "slash", 1);
	key(' ', "spc", 0);
	key('\n', "ret", 0);
	key('\t', "tab", 0);
}

static void
test_qcode_refuses_the_rest(void **state)
{
	const char	*q;
	int		 shift;

	(void)state;
	assert_int_equal(qcode_for_char('\0', &q, &shift), -1);
	assert_int_equal(qcode_for_char('\r', &q, &shift), -1);
	assert_int_equal(qcode_for_char(127, &q, &shift), -1);
	assert_int_equal(qcode_for_char(0xc3, &q, &shift), -1);
	assert_int_equal(qcode_for_char(27, &q, &shift), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qcode_every_printable_character),
		cmocka_unit_test(test_qcode_shift_and_names),
		cmocka_unit_test(test_qcode_refuses_the_rest),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
