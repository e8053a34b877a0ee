/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for util/cancel: stop signals caught, remembered, given back. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/cancel.h"

static void
other_handler(int sig)
{
}

static void
test_cancel_catches_and_gives_back(void **state)
{
	struct sigaction	sa, now, intwas;
	struct cancel		c;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = other_handler;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, NULL, &intwas);
	cancel_catch(&c, CANCEL_INT|CANCEL_TERM);
	assert_int_equal(cancel_signal(), 0);
	raise(SIGTERM);
	assert_int_equal(cancel_signal(), SIGTERM);
	assert_int_equal(*cancel_flag(), SIGTERM);
	cancel_release(&c);
	sigaction(SIGTERM, NULL, &now);
	assert_ptr_equal(now.sa_handler, other_handler);
	/* SIG_DFL, or SIG_IGN when the test runs in the background. */
	sigaction(SIGINT, NULL, &now);
	assert_ptr_equal(now.sa_handler, intwas.sa_handler);
	/* A new catch starts from nothing asked. */
	cancel_catch(&c, CANCEL_HUP);
	assert_int_equal(cancel_signal(), 0);
	raise(SIGHUP);
	assert_int_equal(cancel_signal(), SIGHUP);
	cancel_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel_catches_and_gives_back),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
