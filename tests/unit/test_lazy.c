/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for util/lazy: libraries and symbols loaded on first use. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/lazy.h"

static double	(*lazy_cos)(double);
static void	*lazy_nosuch;

static const struct lazy_sym good[] = {
	{ "cos", (void **)&lazy_cos },
};

static const struct lazy_sym bad[] = {
	{ "cos", (void **)&lazy_cos },
	{ "vmdesk_no_such_function", &lazy_nosuch },
};

static void
test_lazy_loads_once(void **state)
{
	struct lazy_lib	 lib = { "libm.so.6", "libc6", "sums", good, 1, NULL };
	char		*cause = NULL;

	assert_int_equal(lazy_load(&lib, &cause), 0);
	assert_non_null(lib.handle);
	assert_true(lazy_cos(0.0) == 1.0);
	assert_int_equal(lazy_load(&lib, &cause), 0);
}

static void
test_lazy_missing_library_names_package(void **state)
{
	struct lazy_lib	 lib = { "libvmdesk-nosuch.so.9", "vmdesk-nosuch",
	    "frobbing", good, 1, NULL };
	char		*cause = NULL;

	assert_int_equal(lazy_load(&lib, &cause), -1);
	assert_null(lib.handle);
	assert_non_null(strstr(cause, "frobbing need libvmdesk-nosuch.so.9 "
	    "(Debian package vmdesk-nosuch)"));
	free(cause);
}

static void
test_lazy_missing_symbol_unloads(void **state)
{
	struct lazy_lib	 lib = { "libm.so.6", "libc6", "sums", bad, 2, NULL };
	char		*cause = NULL;

	lazy_cos = NULL;
	assert_int_equal(lazy_load(&lib, &cause), -1);
	assert_null(lib.handle);
	assert_non_null(strstr(cause, "vmdesk_no_such_function"));
	/* Not left pointing into a closed library. */
	assert_true((void *)lazy_cos == (void *)lazy_unloaded);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazy_loads_once),
		cmocka_unit_test(test_lazy_missing_library_names_package),
		cmocka_unit_test(test_lazy_missing_symbol_unloads),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
