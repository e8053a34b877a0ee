/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line's JSON writer prints what jansson's JSON_INDENT(2)
 * dump prints, byte for byte: nesting, empty containers, escapes, UTF-8,
 * integers, reals, booleans and null.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli/cli_json.h"

/* The writer's text for j. Caller frees. */
static char *
written(const json_t *j)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	cli_json_write(f, j);
	fclose(f);
	return (buf);
}

static void
same_as_jansson(json_t *j)
{
	char	*want, *got;

	want = json_dumps(j, JSON_INDENT(2)|JSON_ENCODE_ANY);
	got = written(j);
	assert_non_null(want);
	assert_string_equal(got, want);
	free(want);
	free(got);
	json_decref(j);
}

static void
test_cli_json_matches_jansson(void **state)
{
	static const char *const texts[] = {
		"[]", "{}", "[{}, [], [[]], {\"a\": {}}]",
		"{\"name\": \"vm1\", \"pid\": null, \"up\": true, "
		"\"off\": false, \"cpus\": 4, \"memory\": 1099511627776, "
		"\"neg\": -12}",
		"[\"quote \\\" back \\\\ slash / nl \\n tab \\t cr \\r\", "
		"\"\\b\\f\\u0001\\u001f\\u007f\", \"— üñí 中€\"]",
		"[0.5, 1.0, 100.0, 1e300, -2.5e-7, 3.141592653589793, 0.1]",
		"{\"a\": [1, {\"b\": [true, {\"c\": null}]}], \"d\": \"\"}",
		"\"a bare string\"", "42", "null",
		"[-9223372036854775808, 9223372036854775807, 0, -1]",
	};
	json_error_t	 err;
	json_t		*j;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		j = json_loads(texts[i], JSON_DECODE_ANY, &err);
		if (j == NULL)
			fail_msg("%s: %s", texts[i], err.text);
		same_as_jansson(j);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_json_matches_jansson),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
