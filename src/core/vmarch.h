/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest architectures vmdesk runs: one row each (the emulator and its
 * Debian package, the CPU TCG emulates, the serial console's name, the
 * firmware files, Debian's name for the architecture and its kernel).
 * Everything that differs between architectures is read from here.
 */
#ifndef VMDESK_CORE_VMARCH_H
#define VMDESK_CORE_VMARCH_H

enum vm_arch {
	VM_ARCH_X86_64,
	VM_ARCH_AARCH64,
	VM_ARCH_RISCV64,
	VM_ARCH_ARMHF
};

struct vmarch {
	const char	*name;		/* vm.conf's arch value */
	const char	*uname;		/* the host's uname -m that runs it in KVM */
	const char	*qemu;		/* the emulator program */
	const char	*qemu_pkg;	/* its Debian package */
	const char	*cpu_tcg;	/* cpu_model auto under TCG */
	const char	*console;	/* the kernel's name of the first UART */
	const char	*tpm;		/* the TPM device, or NULL: none */
	/* Firmware (firmware = uefi): code, blank variables, second stage. */
	const char	*fw_code;	/* pflash code, or -bios (riscv64) */
	const char	*fw_code_pkg;
	const char	*fw_vars;	/* pflash variable store, or NULL */
	const char	*fw_loader;	/* booted by fw_code (U-Boot), or NULL */
	const char	*fw_loader_pkg;
	/* Debian: the architecture, and the kernel flavour tinylinux boots. */
	const char	*debian;
	const char	*flavour;
	int		 elf_machine;	/* e_machine of its programs */
	int		 elf_class;	/* 1: 32-bit, 2: 64-bit */
};

/* The names, NULL-terminated, in enum order (vm.conf's choices). */
extern const char *const vmarch_names[];

const struct vmarch	*vmarch_get(enum vm_arch);
/* An architecture by name; -1 for a name vmdesk does not run. */
int			 vmarch_find(const char *);
/* The architecture of this host, or -1 when vmdesk has no row for it. */
int			 vmarch_host(void);
/*
 * The emulator program of an architecture, given the x86_64 one from the
 * settings: a path's sibling (/opt/q/bin/qemu-system-x86_64 gives
 * /opt/q/bin/qemu-system-aarch64), else the row's name. Caller frees.
 */
char			*vmarch_qemu(enum vm_arch, const char *);

/*
 * A template's list of architectures ("x86_64 aarch64", the first is its
 * default): check every word, whether it has one, and which one a create
 * gets (want NULL: the default). -1 and *cause naming those it has.
 */
int			 vmarch_list_check(const char *, char **);
/* Every architecture as such a list. Caller frees. */
char			*vmarch_list_all(void);
int			 vmarch_list_pick(const char *, const char *,
			     enum vm_arch *, char **);

#endif
