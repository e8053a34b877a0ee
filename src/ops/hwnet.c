/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network cards of a VM: add, remove, set. */
#include "config.h"

#include "ops/hwnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/hostdev.h"
#include "backend/qemu_argv.h"
#include "util/xmalloc.h"

/* What an edit of the definition needs: the NIC, and what to change. */
struct hwnet_edit {
	const char		*nic;		/* NULL: a new one */
	const struct hwnet_opts	*opts;
	char			*added;		/* the new NIC */
};

/* Apply opts to a NIC; a bridge must be usable now, as start asks. */
static int
hwnet_apply(struct vm_def *def, struct vm_nic *n,
    const struct hwnet_opts *o, char **cause)
{
	const char	*arg;
	char		*why;

	if (o->model >= 0)
		n->model = (enum vm_nic_model)o->model;
	if (o->net == NULL)
		return (0);
	free(n->net);
	n->net = xstrdup(o->net);
	if (vmdef_nic_net(n, &arg) == VM_NET_BRIDGE &&
	    hostdev_bridge_check(arg, &why) != 0) {
		*cause = xasprintf("VM %s: nic %s: %s", def->name, n->name,
		    why);
		free(why);
		return (-1);
	}
	return (0);
}

static int
hwnet_edit_add(struct vm_def *def, void *arg, char **cause)
{
	struct hwnet_edit	*e = arg;
	struct vm_nic		*n;
	char			*name = NULL;
	int			 i;

	for (i = 0; name == NULL || vmdef_section(def, "nic", name) != NULL;
	    i++) {
		free(name);
		name = xasprintf("net%d", i);
	}
	n = vmdef_add_item(def, "nic", name);
	n->mac = vmdef_random_mac();
	e->added = name;
	return (hwnet_apply(def, n, e->opts, cause));
}

static struct vm_nic *
hwnet_find(struct vm_def *def, const char *nic, char **cause)
{
	struct vm_nic	*n;

	if ((n = vmdef_section(def, "nic", nic)) == NULL)
		*cause = xasprintf("VM %s has no NIC %s", def->name, nic);
	return (n);
}

static int
hwnet_edit_set(struct vm_def *def, void *arg, char **cause)
{
	struct hwnet_edit	*e = arg;
	struct vm_nic		*n;

	if ((n = hwnet_find(def, e->nic, cause)) == NULL)
		return (-1);
	return (hwnet_apply(def, n, e->opts, cause));
}

static int
hwnet_edit_remove(struct vm_def *def, void *arg, char **cause)
{
	struct hwnet_edit	*e = arg;

	if (hwnet_find(def, e->nic, cause) == NULL)
		return (-1);
	return (vmdef_remove_item(def, "nic", e->nic));
}

int
hwnet_add(const struct library *lib, const char *name,
    const struct hwnet_opts *o, char **added, enum vmctl_when *when,
    char **cause)
{
	struct hwnet_edit	e = { NULL, o, NULL };
	struct vmctl_change	c = { hwnet_edit_add, NULL, &e };

	*added = NULL;
	if (vmctl_change(lib, name, &c, when, cause) != 0) {
		free(e.added);
		return (-1);
	}
	*added = e.added;
	return (0);
}

int
hwnet_remove(const struct library *lib, const char *name, const char *nic,
    enum vmctl_when *when, char **cause)
{
	struct hwnet_edit	e = { nic, NULL, NULL };
	struct vmctl_change	c = { hwnet_edit_remove, NULL, &e };

	return (vmctl_change(lib, name, &c, when, cause));
}

int
hwnet_set(const struct library *lib, const char *name, const char *nic,
    const struct hwnet_opts *o, enum vmctl_when *when, char **cause)
{
	struct hwnet_edit	e = { nic, o, NULL };
	struct vmctl_change	c = { hwnet_edit_set, NULL, &e };

	return (vmctl_change(lib, name, &c, when, cause));
}

char *
hwnet_describe(const struct vm_nic *n)
{
	const char	*arg;
	char		 group[32];

	switch (vmdef_nic_net(n, &arg)) {
	case VM_NET_USER:
		return (xstrdup("user-mode NAT"));
	case VM_NET_BRIDGE:
		return (xasprintf("bridge %s", arg));
	case VM_NET_PRIVATE:
		qemu_argv_private_group(arg, group, sizeof group);
		return (xasprintf("private network %s (%s on loopback)", arg,
		    group));
	default:
		return (xasprintf("invalid network '%s'", n->net));
	}
}
