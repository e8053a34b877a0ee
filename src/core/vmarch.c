/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest architectures: one row each. */
#include "config.h"

#include "core/vmarch.h"

#include <sys/utsname.h>

#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define AAVMF_DIR	"/usr/share/AAVMF/"
#define OPENSBI_DIR	"/usr/lib/riscv64-linux-gnu/opensbi/generic/"
#define UBOOT_DIR	"/usr/lib/u-boot/"

const char *const vmarch_names[] = {
	"x86_64", "aarch64", "riscv64", "armhf", NULL
};

/*
 * x86_64's firmware is the BIOS or OVMF (backend/vmproc.c lists its
 * builds). The others run QEMU's virt machine: AAVMF (EDK2 for Arm) from
 * pflash, or OpenSBI with U-Boot (which boots EFI programs) on RISC-V.
 * Under TCG the CPUs are ones Debian's kernels run on and TCG emulates
 * fast: "max" on aarch64 adds pointer authentication, slow to emulate.
 */
static const struct vmarch vmarch_table[] = {
	[VM_ARCH_X86_64] = { "x86_64", "x86_64", "qemu-system-x86_64",
	    "qemu-system-x86", "max", "ttyS0", "tpm-crb",
	    NULL, "ovmf", NULL, NULL, NULL,
	    "amd64", "amd64", 62, 2 },
	[VM_ARCH_AARCH64] = { "aarch64", "aarch64", "qemu-system-aarch64",
	    "qemu-system-arm", "cortex-a72", "ttyAMA0", "tpm-tis-device",
	    AAVMF_DIR "AAVMF_CODE.fd", "qemu-efi-aarch64",
	    AAVMF_DIR "AAVMF_VARS.fd", NULL, NULL,
	    "arm64", "arm64", 183, 2 },
	[VM_ARCH_RISCV64] = { "riscv64", "riscv64", "qemu-system-riscv64",
	    "qemu-system-misc", "rv64", "ttyS0", NULL,
	    OPENSBI_DIR "fw_jump.elf", "opensbi",
	    NULL, UBOOT_DIR "qemu-riscv64_smode/uboot.elf", "u-boot-qemu",
	    "riscv64", "riscv64", 243, 2 },
	[VM_ARCH_ARMHF] = { "armhf", "armv7l", "qemu-system-arm",
	    "qemu-system-arm", "cortex-a15", "ttyAMA0", NULL,
	    AAVMF_DIR "AAVMF32_CODE.fd", "qemu-efi-arm",
	    AAVMF_DIR "AAVMF32_VARS.fd", NULL, NULL,
	    "armhf", "armmp-lpae", 40, 1 },
};

#define VMARCH_N	(sizeof vmarch_table / sizeof vmarch_table[0])

const struct vmarch *
vmarch_get(enum vm_arch a)
{
	if ((size_t)a >= VMARCH_N)
		fatal("architecture %d out of range", (int)a);
	return (&vmarch_table[a]);
}

int
vmarch_find(const char *name)
{
	size_t	i;

	for (i = 0; i < VMARCH_N; i++) {
		if (strcmp(vmarch_table[i].name, name) == 0)
			return ((int)i);
	}
	return (-1);
}

int
vmarch_host(void)
{
	struct utsname	u;
	size_t		i;

	if (uname(&u) != 0)
		return (-1);
	for (i = 0; i < VMARCH_N; i++) {
		if (strcmp(vmarch_table[i].uname, u.machine) == 0)
			return ((int)i);
	}
	return (-1);
}

char *
vmarch_qemu(enum vm_arch a, const char *x86)
{
	const char	*want = vmarch_get(a)->qemu, *base;
	const char	*own = vmarch_table[VM_ARCH_X86_64].qemu;

	if (a == VM_ARCH_X86_64)
		return (xstrdup(x86));
	base = strrchr(x86, '/');
	if (base == NULL || strcmp(base + 1, own) != 0)
		return (xstrdup(want));
	return (xasprintf("%.*s%s", (int)(base + 1 - x86), x86, want));
}

/* The names a list has, for messages. Caller frees. */
static char *
vmarch_list_words(const char *list)
{
	char	*s, *p;

	s = xstrdup(list);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\t')
			*p = ' ';
	}
	return (s);
}

int
vmarch_list_check(const char *list, char **cause)
{
	char	*copy, *tok, *save = NULL, *names;
	int	 n = 0, rc = 0;

	copy = xstrdup(list);
	for (tok = strtok_r(copy, " \t", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, " \t", &save)) {
		n++;
		if (vmarch_find(tok) == -1) {
			names = str_choices(vmarch_names);
			*cause = xasprintf("arch: '%s' is not %s", tok, names);
			free(names);
			rc = -1;
		}
	}
	free(copy);
	if (rc == 0 && n == 0) {
		*cause = xstrdup("arch: no architecture given");
		rc = -1;
	}
	return (rc);
}

char *
vmarch_list_all(void)
{
	struct strv	 v;
	char		*s;
	size_t		 i;

	strv_init(&v);
	for (i = 0; vmarch_names[i] != NULL; i++)
		strv_push(&v, vmarch_names[i]);
	s = strv_join(&v, " ");
	strv_clear(&v);
	return (s);
}

int
vmarch_list_pick(const char *list, const char *want, enum vm_arch *out,
    char **cause)
{
	char	*copy, *tok, *save = NULL, *words;
	int	 found = -1;

	copy = xstrdup(list);
	for (tok = strtok_r(copy, " \t", &save); tok != NULL && found == -1;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (want == NULL || strcmp(tok, want) == 0)
			found = vmarch_find(tok);
	}
	free(copy);
	if (found != -1) {
		*out = (enum vm_arch)found;
		return (0);
	}
	if (want != NULL && vmarch_find(want) == -1) {
		words = str_choices(vmarch_names);
		*cause = xasprintf("arch '%s' is not %s", want, words);
	} else {
		words = vmarch_list_words(list);
		*cause = xasprintf("it has no %s build, only %s", want != NULL ?
		    want : "default", words);
	}
	free(words);
	return (-1);
}
