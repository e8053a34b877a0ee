/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's USB devices by name: a stick from a raw image file, or a host
 * device passed through; plugged in and out of a running VM through its
 * monitor (on the xHCI controller), and kept in vm.conf.
 */
#ifndef VMDESK_OPS_HWUSB_H
#define VMDESK_OPS_HWUSB_H

#include "core/library.h"
#include "ops/vmctl.h"

/* What to plug in: file or host (one of them). */
struct hwusb_opts {
	const char	*file;		/* an image file */
	const char	*host;		/* VENDOR:PRODUCT */
	int		 readonly;
};

/*
 * Add a USB device; its name ("usb0" ...) in *added (caller frees). A
 * file is resolved and inspected as hostile (images/imgcheck): it must be
 * a raw image, not inside another VM's folder; a host device must be
 * present and open to this user.
 */
int	hwusb_add(const struct library *, const char *,
	    const struct hwusb_opts *, char **, enum vmctl_when *, char **);
/* Remove USB device usb (unplugged first when the VM runs). */
int	hwusb_remove(const struct library *, const char *, const char *,
	    enum vmctl_when *, char **);

#endif
