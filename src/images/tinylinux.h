/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The offline tinylinux guest: a Linux kernel (the host's, or taken out of
 * Debian's linux-image package) and a busybox initramfs written with
 * libarchive, kept in the image cache.
 */
#ifndef VMDESK_IMAGES_TINYLINUX_H
#define VMDESK_IMAGES_TINYLINUX_H

/*
 * Serial last, so the kernel's /dev/console (and messages) is the serial port.
 * quiet: no kernel chatter in the middle of shell output on the serial line.
 */
#define TINYLINUX_CMDLINE "quiet console=tty0 console=ttyS0"

/* What its init says on the serial console when its shell is up. */
#define TINYLINUX_READY	"tinylinux: ready"

struct tinylinux {
	char	*kernel;	/* absolute path of the kernel in the cache */
	char	*initrd;	/* absolute path of the initramfs in the cache */
	char	*version;	/* kernel release, "6.1.0-56-amd64" */
	char	*source;	/* where the kernel came from, for people */
};

/*
 * Make sure the kernel and initramfs are in images_dir (building them on
 * first use, atomically, safe against a concurrent caller) and fill *tl.
 */
int	tinylinux_prepare(const char *, struct tinylinux *, char **);
void	tinylinux_clear(struct tinylinux *);

#endif
