/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for core/names: the one check on every name. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/names.h"

static void
test_names_valid(void **state)
{
	static const char *const good[] = { "web1", "a", "Debian-12.cloud",
	    "x_y", "0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	size_t			 i;
	char			*cause = NULL;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (name_check(good[i], "VM", &cause) != 0)
			fail_msg("'%s' refused: %s", good[i], cause);
	}
}

static void
test_names_invalid(void **state)
{
	static const char *const bad[] = { "", ".hidden", "-rf", "a/b",
	    "../x", "a b", "a,b", "é", "a\nb", "$(x)",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	size_t			 i;
	char			*cause;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if (name_check(bad[i], "VM", &cause) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(cause, "VM name"));
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_valid),
		cmocka_unit_test(test_names_invalid),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
