/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The accelerator: KVM when it really runs guests, else TCG. */
#ifndef VMDESK_BACKEND_ACCEL_H
#define VMDESK_BACKEND_ACCEL_H

enum accel {
	ACCEL_TCG,
	ACCEL_KVM
};

/* "tcg" or "kvm". */
const char	*accel_name(enum accel);
/*
 * Resolve a wish ("auto", "kvm", "tcg"; VMDESK_ACCEL overrides it) to an
 * accelerator for the QEMU program qemu. "auto" runs accel_kvm_works()
 * once per boot (the answer is cached in cache_dir, which may be NULL).
 * "kvm" fails when KVM does not work. *why (caller frees, may be NULL)
 * says why that choice was made.
 */
int		 accel_resolve(const char *, const char *, const char *,
		     enum accel *, char **, char **);
/*
 * The same for a guest of architecture guest on this host (host NULL: one
 * vmdesk has no row for): another architecture's guest always runs under
 * TCG, and a wish for KVM (in the VM or VMDESK_ACCEL) is refused.
 */
int		 accel_resolve_arch(const char *, const char *, const char *,
		     const char *, const char *, enum accel *, char **,
		     char **);
/*
 * Whether KVM runs a guest through this QEMU: a 64 KiB firmware whose
 * reset vector writes to an isa-debug-exit port is booted with -accel kvm
 * -cpu host, with a time limit (a KVM that exists but hangs or fails, as
 * on some CI hosts, is caught). scratch is a folder for the firmware
 * file. 1 works, 0 does not (*why says why; caller frees).
 */
int		 accel_kvm_works(const char *, const char *, int, char **);

#endif
