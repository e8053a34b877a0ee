/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for backend/vmstate: facts to states. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backend/vmstate.h"

static const struct {
	struct vm_facts	facts;
	enum vm_state	want;
} cases[] = {
	/* pidfile, pid, monitor, status, powerdown */
	{ { 0, 0, 0, NULL, 0 }, VM_STOPPED },
	{ { 1, 0, 0, NULL, 0 }, VM_CRASHED },		/* kill -9 of QEMU */
	{ { 1, 0, 0, NULL, 1 }, VM_CRASHED },
	{ { 1, 42, 1, "running", 0 }, VM_RUNNING },
	{ { 1, 42, 1, "paused", 0 }, VM_PAUSED },
	{ { 1, 42, 1, "prelaunch", 0 }, VM_PAUSED },	/* start --paused */
	{ { 1, 42, 1, "running", 1 }, VM_SHUTTING_DOWN },
	{ { 1, 42, 1, "shutdown", 0 }, VM_SHUTTING_DOWN },
	{ { 1, 42, 1, "internal-error", 0 }, VM_CRASHED },
	{ { 1, 42, 1, "guest-panicked", 0 }, VM_CRASHED },
	{ { 1, 42, 1, "io-error", 0 }, VM_PAUSED },
	{ { 1, 42, 1, "restore-vm", 0 }, VM_PAUSED },
	{ { 1, 42, 0, NULL, 0 }, VM_RUNNING },	/* monitor busy: alive */
	{ { 1, 42, 0, NULL, 1 }, VM_SHUTTING_DOWN },
	{ { 1, 42, 1, "some-future-state", 0 }, VM_RUNNING },
};

static void
test_vmstate_derive_table(void **state)
{
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (vmstate_derive(&cases[i].facts) != cases[i].want)
			fail_msg("case %zu: got %s, want %s", i,
			    vmstate_name(vmstate_derive(&cases[i].facts)),
			    vmstate_name(cases[i].want));
	}
}

static void
test_vmstate_names_and_liveness(void **state)
{
	assert_string_equal(vmstate_name(VM_SHUTTING_DOWN), "shutting-down");
	assert_string_equal(vmstate_name(VM_CRASHED), "crashed");
	assert_true(vmstate_is_alive(VM_PAUSED));
	assert_true(vmstate_is_alive(VM_SHUTTING_DOWN));
	assert_false(vmstate_is_alive(VM_CRASHED));
	assert_false(vmstate_is_alive(VM_STOPPED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmstate_derive_table),
		cmocka_unit_test(test_vmstate_names_and_liveness),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
