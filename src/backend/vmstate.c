/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's state, derived from facts about its process and its monitor. */
#include "config.h"

#include "backend/vmstate.h"

#include <stddef.h>
#include <string.h>

static const char *const vmstate_names[] = {
	"stopped", "running", "paused", "shutting-down", "crashed"
};

/* QEMU's RunState names (qapi/run-state.json) and what they mean here. */
static const struct {
	const char	*status;
	enum vm_state	 state;
} vmstate_runstates[] = {
	{ "running", VM_RUNNING },
	{ "paused", VM_PAUSED },
	{ "prelaunch", VM_PAUSED },	/* started with -S */
	{ "suspended", VM_PAUSED },	/* guest in S3 */
	{ "io-error", VM_PAUSED },	/* stopped on a disk error */
	{ "debug", VM_PAUSED },
	{ "watchdog", VM_PAUSED },
	{ "save-vm", VM_PAUSED },	/* a snapshot is being taken */
	{ "restore-vm", VM_PAUSED },	/* a failed load leaves it here */
	{ "inmigrate", VM_PAUSED },
	{ "postmigrate", VM_PAUSED },
	{ "finish-migrate", VM_PAUSED },
	{ "shutdown", VM_SHUTTING_DOWN },
	{ "internal-error", VM_CRASHED },
	{ "guest-panicked", VM_CRASHED },
	{ "colo", VM_RUNNING },
};

const char *
vmstate_name(enum vm_state s)
{
	return (vmstate_names[s]);
}

int
vmstate_is_alive(enum vm_state s)
{
	return (s == VM_RUNNING || s == VM_PAUSED || s == VM_SHUTTING_DOWN);
}

enum vm_state
vmstate_derive(const struct vm_facts *f)
{
	size_t	i;

	/*
	 * QEMU holds a lock on its pidfile for its whole life and removes
	 * the file on a clean exit; a file with no lock holder means it died.
	 */
	if (f->pid <= 0)
		return (f->pidfile ? VM_CRASHED : VM_STOPPED);
	if (!f->monitor || f->status == NULL)
		return (f->powerdown ? VM_SHUTTING_DOWN : VM_RUNNING);
	for (i = 0; i < sizeof vmstate_runstates / sizeof vmstate_runstates[0];
	    i++) {
		if (strcmp(vmstate_runstates[i].status, f->status) != 0)
			continue;
		if (vmstate_runstates[i].state == VM_RUNNING && f->powerdown)
			return (VM_SHUTTING_DOWN);
		return (vmstate_runstates[i].state);
	}
	return (f->powerdown ? VM_SHUTTING_DOWN : VM_RUNNING);
}
