/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for util/ini: sections, keys, comments, errors with lines. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/ini.h"
#include "util/xmalloc.h"

static struct ini *
parse(const char *text, char **cause)
{
	*cause = NULL;
	return (ini_parse(text, strlen(text), "t.conf", cause));
}

static void
test_ini_sections_and_keys(void **state)
{
	struct ini	*ini;
	char		*cause;

	ini = parse("# comment\n; another\n\n[vm]\nname = web1\n"
	    "  cpus=2  \n[disk root]\nfile = \"a b.qcow2\"\n"
	    "[nic \"net0\"]\nforward = tcp:1:2\nforward = tcp:3:4\n", &cause);
	assert_non_null(ini);
	assert_int_equal(ini->nsections, 3);
	assert_string_equal(ini->sections[0].type, "vm");
	assert_null(ini->sections[0].name);
	assert_string_equal(ini->sections[1].type, "disk");
	assert_string_equal(ini->sections[1].name, "root");
	assert_string_equal(ini->sections[2].name, "net0");
	assert_int_equal(ini->nentries, 5);
	assert_string_equal(ini->entries[0].key, "name");
	assert_string_equal(ini->entries[0].value, "web1");
	assert_int_equal(ini->entries[0].line, 5);
	assert_string_equal(ini->entries[1].value, "2");
	assert_string_equal(ini->entries[2].value, "a b.qcow2");
	assert_int_equal(ini->entries[2].section, 1);
	assert_string_equal(ini->entries[4].value, "tcp:3:4");
	ini_free(ini);
}

static void
test_ini_empty_value_and_no_newline(void **state)
{
	struct ini	*ini;
	char		*cause;

	ini = parse("[a]\nk =\nlast = x", &cause);
	assert_non_null(ini);
	assert_string_equal(ini->entries[0].value, "");
	assert_string_equal(ini->entries[1].value, "x");
	ini_free(ini);
}

static void
expect_error(const char *text, const char *msg)
{
	struct ini	*ini;
	char		*cause;

	ini = parse(text, &cause);
	assert_null(ini);
	assert_non_null(cause);
	if (strstr(cause, msg) == NULL)
		fail_msg("cause '%s' lacks '%s'", cause, msg);
	free(cause);
}

static void
test_ini_errors_name_the_line(void **state)
{
	expect_error("key = before\n", "t.conf:1: key before any [section]");
	expect_error("[vm]\nname web1\n", "t.conf:2: expected 'key = value'");
	expect_error("[vm\n", "t.conf:1: missing ']'");
	expect_error("[vm]\n\n[bad/name]\n", "t.conf:3: bad section header");
	expect_error("[vm]\nba d = 1\n", "t.conf:2: bad key");
	expect_error("[a b c]\n", "t.conf:1: bad section header");
}

static void
test_ini_rejects_nul_and_long_lines(void **state)
{
	struct ini	*ini;
	char		*cause = NULL, *big;

	ini = ini_parse("[a]\nk = v\0x\n", 11, "t.conf", &cause);
	assert_null(ini);
	assert_non_null(strstr(cause, "t.conf:2: NUL"));
	free(cause);

	big = malloc(10000);
	memset(big, 'a', 9999);
	big[9999] = '\0';
	memcpy(big, "[a]\nk = ", 8);
	ini = parse(big, &cause);
	assert_null(ini);
	assert_non_null(strstr(cause, "t.conf:2: line too long"));
	free(cause);
	free(big);
}

static void
test_ini_value_ok(void **state)
{
	assert_true(ini_value_ok("console=ttyS0 quiet"));
	assert_false(ini_value_ok("a\nb"));
	assert_false(ini_value_ok("a\rb"));
}

/* What ini_quote() writes reads back as the same value. */
static void
test_ini_quote_reads_back(void **state)
{
	static const char *const values[] = {
		"plain", " lead", "trail ", "\"quoted\"", "a # b", "", "x\t",
		"\"", "in \"side\" quotes"
	};
	struct ini	*ini;
	char		*q, *text, *cause = NULL;
	size_t		 i;

	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		q = ini_quote(values[i]);
		text = xasprintf("[s]\nk = %s\n", q);
		ini = ini_parse(text, strlen(text), "t", &cause);
		assert_non_null(ini);
		assert_string_equal(ini->entries[0].value, values[i]);
		ini_free(ini);
		free(text);
		free(q);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_quote_reads_back),
		cmocka_unit_test(test_ini_sections_and_keys),
		cmocka_unit_test(test_ini_empty_value_and_no_newline),
		cmocka_unit_test(test_ini_errors_name_the_line),
		cmocka_unit_test(test_ini_rejects_nul_and_long_lines),
		cmocka_unit_test(test_ini_value_ok),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
