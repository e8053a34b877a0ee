/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for core/vmarch: the architectures' table and lists. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/vmarch.h"
#include "util/xmalloc.h"

/* Every row is complete, and its name finds it again. */
static void
test_vmarch_rows(void **state)
{
	const struct vmarch	*a;
	size_t			 i;

	for (i = 0; vmarch_names[i] != NULL; i++) {
		a = vmarch_get((enum vm_arch)i);
		assert_string_equal(a->name, vmarch_names[i]);
		assert_int_equal(vmarch_find(a->name), (int)i);
		assert_non_null(a->qemu);
		assert_non_null(a->qemu_pkg);
		assert_non_null(a->cpu_tcg);
		assert_non_null(a->console);
		assert_non_null(a->debian);
		/* Every arch but x86_64 names its firmware's package. */
		if (i != VM_ARCH_X86_64)
			assert_non_null(a->fw_code_pkg);
	}
	assert_int_equal(i, 4);
	assert_int_equal(vmarch_find("sparc64"), -1);
}

/* The first is the default; an absent one is named with what there is. */
static void
test_vmarch_list_pick(void **state)
{
	enum vm_arch	 a;
	char		*cause = NULL;

	assert_int_equal(vmarch_list_check("x86_64 aarch64\tarmhf", &cause),
	    0);
	assert_int_equal(vmarch_list_pick("aarch64 x86_64", NULL, &a,
	    &cause), 0);
	assert_int_equal(a, VM_ARCH_AARCH64);
	assert_int_equal(vmarch_list_pick("x86_64 aarch64 riscv64",
	    "riscv64", &a, &cause), 0);
	assert_int_equal(a, VM_ARCH_RISCV64);
	assert_int_equal(vmarch_list_pick("x86_64 aarch64", "armhf", &a,
	    &cause), -1);
	assert_string_equal(cause, "it has no armhf build, only x86_64 "
	    "aarch64");
	free(cause);
	assert_int_equal(vmarch_list_pick("x86_64", "mips", &a, &cause), -1);
	assert_string_equal(cause, "arch 'mips' is not x86_64, aarch64, "
	    "riscv64 or armhf");
	free(cause);
	assert_int_equal(vmarch_list_check("x86_64 arm64", &cause), -1);
	assert_non_null(strstr(cause, "'arm64' is not"));
	free(cause);
	assert_int_equal(vmarch_list_check(" ", &cause), -1);
	free(cause);
	cause = vmarch_list_all();
	assert_string_equal(cause, "x86_64 aarch64 riscv64 armhf");
	assert_int_equal(vmarch_list_check(cause, &cause), 0);
	free(cause);
}

/* Another architecture's emulator sits beside the configured one. */
static void
test_vmarch_qemu_sibling(void **state)
{
	char	*s;

	s = vmarch_qemu(VM_ARCH_AARCH64, "/opt/q/bin/qemu-system-x86_64");
	assert_string_equal(s, "/opt/q/bin/qemu-system-aarch64");
	free(s);
	s = vmarch_qemu(VM_ARCH_ARMHF, "qemu-system-x86_64");
	assert_string_equal(s, "qemu-system-arm");
	free(s);
	/* A wrapper of the user's is not guessed at. */
	s = vmarch_qemu(VM_ARCH_RISCV64, "/home/me/my-qemu");
	assert_string_equal(s, "qemu-system-riscv64");
	free(s);
	s = vmarch_qemu(VM_ARCH_X86_64, "/home/me/my-qemu");
	assert_string_equal(s, "/home/me/my-qemu");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmarch_rows),
		cmocka_unit_test(test_vmarch_list_pick),
		cmocka_unit_test(test_vmarch_qemu_sibling),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
