/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a VM's host-facing hardware needs from this host, checked before
 * QEMU starts or a device is plugged in, so that a person reads why in
 * words instead of QEMU's: a bridge and the bridge helper's permission,
 * a USB device present and open to this user.
 */
#ifndef VMDESK_BACKEND_HOSTDEV_H
#define VMDESK_BACKEND_HOSTDEV_H

#include <stddef.h>

#include "core/vmdef.h"
#include "util/strv.h"

/* The bridge helper's access list (its compiled-in path on Debian). */
#define HOSTDEV_BRIDGE_ACL	"/etc/qemu/bridge.conf"

/*
 * Read the bridge helper's access list (the text of bridge.conf) for
 * bridge br as the helper does: sets *allow when an "allow" line names br
 * or "all", *deny when a "deny" line does; the helper lets br through
 * when allowed and not denied. The files of "include" lines are added
 * to includes, for the caller to read alike.
 */
void	hostdev_bridge_acl(const char *, size_t, const char *, int *, int *,
	    struct strv *);
/* Bridge br exists, the helper can run and its list allows br. */
int	hostdev_bridge_check(const char *, char **);
/*
 * Host USB device VENDOR:PRODUCT is plugged in and its /dev/bus/usb node
 * is open to this user.
 */
int	hostdev_usb_check(const char *, char **);
/* Every host bridge and USB device a definition names. */
int	hostdev_check(const struct vm_def *, char **);

#endif
