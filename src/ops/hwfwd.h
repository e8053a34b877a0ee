/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's port forwards (host 127.0.0.1:PORT to a guest port, per NIC):
 * add and remove, through the monitor while the VM runs, kept in vm.conf.
 */
#ifndef VMDESK_OPS_HWFWD_H
#define VMDESK_OPS_HWFWD_H

#include "core/library.h"
#include "core/vmdef.h"
#include "ops/vmctl.h"

/*
 * Add forward "tcp|udp:HOSTPORT:GUESTPORT" to nic (NULL: the VM's first
 * NIC). The host port must be free and in no other VM's definition.
 * *nicname (caller frees) gets the NIC it went to.
 */
int	hwfwd_add(const struct library *, const char *, const char *,
	    const char *, char **, enum vmctl_when *, char **);
/*
 * Remove forward "tcp|udp:HOSTPORT[:GUESTPORT]" from nic (NULL: the NIC
 * that has it).
 */
int	hwfwd_remove(const struct library *, const char *, const char *,
	    const char *, enum vmctl_when *, char **);
/*
 * The VM other than vm whose definition forwards host port (udp or tcp),
 * or NULL. Caller frees.
 */
char	*hwfwd_port_owner(const struct library *, const char *, int, int);

#endif
