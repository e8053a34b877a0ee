/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The offline tinylinux guest: a Linux kernel (the host's, or taken out of
 * Debian's linux-image package) and a busybox initramfs written with
 * libarchive, kept in the image cache.
 */
#ifndef VMDESK_IMAGES_TINYLINUX_H
#define VMDESK_IMAGES_TINYLINUX_H

#include "core/vmarch.h"

/* What its init says on the serial console when its shell is up. */
#define TINYLINUX_READY	"tinylinux: ready"

struct tinylinux {
	char	*kernel;	/* absolute path of the kernel in the cache */
	char	*initrd;	/* absolute path of the initramfs in the cache */
	char	*version;	/* kernel release, "6.1.0-56-amd64" */
	char	*source;	/* where the kernel came from, for people */
};

/*
 * The kernel command line: the serial console last, so the kernel's
 * /dev/console (and messages) is the serial port (ttyS0, or ttyAMA0 on
 * Arm); quiet: no kernel chatter in the middle of shell output on the
 * serial line. Caller frees.
 */
char	*tinylinux_cmdline(enum vm_arch);
/*
 * Make sure the kernel and initramfs of an architecture are in images_dir
 * (building them on first use, atomically, safe against a concurrent
 * caller) and fill *tl. x86_64 takes the host's kernel or Debian's
 * package; the others Debian's packages of that architecture (kernel and
 * busybox-static) from apt's cache.
 */
int	tinylinux_prepare(const char *, enum vm_arch, struct tinylinux *,
	    char **);
void	tinylinux_clear(struct tinylinux *);

#endif
