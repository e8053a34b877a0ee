/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's state, derived from facts about its process and its monitor. */
#ifndef VMDESK_BACKEND_VMSTATE_H
#define VMDESK_BACKEND_VMSTATE_H

#include <sys/types.h>

enum vm_state {
	VM_STOPPED,
	VM_RUNNING,
	VM_PAUSED,
	VM_SHUTTING_DOWN,
	VM_CRASHED
};

/* What was observed; vmstate_derive() turns it into a state. */
struct vm_facts {
	int		 pidfile;	/* the pidfile exists */
	pid_t		 pid;		/* holder of the pidfile lock, or 0 */
	int		 monitor;	/* the monitor answered query-status */
	const char	*status;	/* its "status" ("running" ...), or NULL */
	int		 powerdown;	/* vmdesk asked the guest to power off */
};

/* The state those facts mean. Pure. */
enum vm_state	 vmstate_derive(const struct vm_facts *);
/* "stopped", "running", "paused", "shutting-down", "crashed". */
const char	*vmstate_name(enum vm_state);
/* Whether a QEMU process exists in this state. */
int		 vmstate_is_alive(enum vm_state);

#endif
