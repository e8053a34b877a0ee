/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's network cards by name: add, remove, change model or network.
 * A running q35 VM has no PCI slot QEMU can hot-plug into (its root bus
 * takes no hot-plug), so a change to a running VM takes effect at its
 * next start, and *when says so.
 */
#ifndef VMDESK_OPS_HWNET_H
#define VMDESK_OPS_HWNET_H

#include "core/library.h"
#include "ops/vmctl.h"

/* A change to a NIC: a model (-1: keep), a network (NULL: keep). */
struct hwnet_opts {
	int		 model;		/* enum vm_nic_model, or -1 */
	const char	*net;		/* user, bridge:BR, private:NET */
};

/*
 * Add a NIC (a random MAC, model virtio and net user unless opts say);
 * its new name ("net1" ...) in *added. Caller frees.
 */
int	hwnet_add(const struct library *, const char *,
	    const struct hwnet_opts *, char **, enum vmctl_when *, char **);
/* Remove NIC nic. */
int	hwnet_remove(const struct library *, const char *, const char *,
	    enum vmctl_when *, char **);
/* Change NIC nic's model or network. */
int	hwnet_set(const struct library *, const char *, const char *,
	    const struct hwnet_opts *, enum vmctl_when *, char **);
/*
 * Where a NIC's frames go, in words: "user-mode NAT", "bridge br0",
 * "private network lab (239.255.1.2:20304 on loopback)". Caller frees.
 */
char	*hwnet_describe(const struct vm_nic *);

#endif
