/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for tui/field: typing UTF-8 a byte at a time, and erasing. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "tui/field.h"

/* Type s into buf as a terminal sends it: one key per byte. */
static void
type(char *buf, size_t size, const char *s, int flags)
{
	for (; *s != '\0'; s++)
		field_key(buf, size, (unsigned char)*s, flags);
}

static void
test_field_utf8_kept(void **state)
{
	char	buf[64] = "";

	type(buf, sizeof buf, "\xe2\x80\x94 \xc3\xbc\xc3\xb1\xc3\xad "
	    "\xf0\x9f\x90\xa7", 0);
	assert_string_equal(buf, "\xe2\x80\x94 \xc3\xbc\xc3\xb1\xc3\xad "
	    "\xf0\x9f\x90\xa7");
}

static void
test_field_backspace_by_character(void **state)
{
	char	buf[64] = "";

	type(buf, sizeof buf, "a\xc3\xbc\xe2\x80\x94\xf0\x9f\x90\xa7", 0);
	field_key(buf, sizeof buf, KEY_BACKSPACE, 0);
	assert_string_equal(buf, "a\xc3\xbc\xe2\x80\x94");
	field_key(buf, sizeof buf, 127, 0);
	assert_string_equal(buf, "a\xc3\xbc");
	field_key(buf, sizeof buf, 8, 0);
	assert_string_equal(buf, "a");
	field_key(buf, sizeof buf, KEY_BACKSPACE, 0);
	field_key(buf, sizeof buf, KEY_BACKSPACE, 0);
	assert_string_equal(buf, "");
}

static void
test_field_invalid_refused(void **state)
{
	char	buf[64] = "";

	/* A stray continuation, an overlong lead, a surrogate, 0xff. */
	type(buf, sizeof buf, "a\x80" "b\xc0\xaf" "c\xed\xa0\x80" "d\xff", 0);
	assert_string_equal(buf, "abcd");
	/* An unfinished character is dropped by what follows or finish. */
	type(buf, sizeof buf, "\xe2\x80" "e\xc3", 0);
	assert_string_equal(buf, "abcde\xc3");
	field_finish(buf);
	assert_string_equal(buf, "abcde");
}

static void
test_field_room_for_whole_characters(void **state)
{
	char	buf[6] = "";

	type(buf, sizeof buf, "ab\xc3\xbc\xe2\x80\x94", 0);
	/* "ab" + 2 bytes fit in 5; the 3-byte dash does not: not cut. */
	assert_string_equal(buf, "ab\xc3\xbc");
	type(buf, sizeof buf, "x", 0);
	assert_string_equal(buf, "ab\xc3\xbcx");
	type(buf, sizeof buf, "y", 0);
	assert_string_equal(buf, "ab\xc3\xbcx");
}

static void
test_field_ascii_only(void **state)
{
	char	buf[16] = "";

	assert_int_equal(field_key(buf, sizeof buf, 0xc3, FIELD_ASCII), 0);
	assert_int_equal(field_key(buf, sizeof buf, 'a', FIELD_ASCII), 1);
	assert_int_equal(field_key(buf, sizeof buf, KEY_F(1), 0), 0);
	assert_string_equal(buf, "a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_utf8_kept),
		cmocka_unit_test(test_field_backspace_by_character),
		cmocka_unit_test(test_field_invalid_refused),
		cmocka_unit_test(test_field_room_for_whole_characters),
		cmocka_unit_test(test_field_ascii_only),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
