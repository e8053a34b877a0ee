/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's port forwards: add and remove, live while the VM runs. */
#include "config.h"

#include "ops/hwfwd.h"

#include <stdlib.h>
#include <string.h>

#include "backend/qmp.h"
#include "backend/vmproc.h"
#include "util/netport.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* What an edit and its live step share. */
struct hwfwd_edit {
	const char		*nic;	/* as asked, or NULL */
	char			*found;	/* the NIC it applies to */
	struct vm_forward	 fw;
	int			 any_guest; /* remove: no guest port given */
};

char *
hwfwd_port_owner(const struct library *lib, const char *vm, int port,
    int udp)
{
	struct strv	 names;
	struct vm_def	*def;
	char		*owner = NULL, *why = NULL;
	size_t		 i, j, k;

	strv_init(&names);
	if (library_list(lib, &names, &why) != 0)
		free(why);
	for (i = 0; owner == NULL && i < names.n; i++) {
		if (strcmp(names.v[i], vm) == 0)
			continue;
		if ((def = library_load(lib, names.v[i], &why)) == NULL) {
			free(why);
			why = NULL;
			continue;
		}
		for (j = 0; owner == NULL && j < def->nnics; j++) {
			for (k = 0; k < def->nics[j].nforwards; k++) {
				if (def->nics[j].forwards[k].host_port ==
				    port && def->nics[j].forwards[k].udp == udp)
					owner = xstrdup(def->name);
			}
		}
		vmdef_free(def);
	}
	strv_clear(&names);
	return (owner);
}

/* Only user-mode networking (QEMU's slirp) forwards host ports. */
static int
hwfwd_nic_user(const struct vm_nic *n)
{
	return (n->net == NULL || strcmp(n->net, "user") == 0);
}

/*
 * The NIC asked for, or the first on user-mode networking; NULL and
 * *cause when there is none.
 */
static struct vm_nic *
hwfwd_nic(struct vm_def *def, const char *name, char **cause)
{
	struct vm_nic	*n = NULL;
	size_t		 i;

	if (name != NULL && (n = vmdef_section(def, "nic", name)) == NULL) {
		*cause = xasprintf("VM %s has no NIC %s", def->name, name);
		return (NULL);
	}
	for (i = 0; n == NULL && i < def->nnics; i++) {
		if (hwfwd_nic_user(&def->nics[i]))
			n = &def->nics[i];
	}
	if (n == NULL || !hwfwd_nic_user(n)) {
		*cause = xasprintf("VM %s: %s%s: port forwards need a NIC with "
		    "net = user", def->name, n != NULL ? "NIC " : "no NIC",
		    n != NULL ? n->name : " is on user-mode networking");
		return (NULL);
	}
	return (n);
}

static int
hwfwd_add_edit(struct vm_def *def, void *arg, char **cause)
{
	struct hwfwd_edit	*e = arg;
	struct vm_nic		*n;

	if ((n = hwfwd_nic(def, e->nic, cause)) == NULL)
		return (-1);
	n->forwards = xreallocarray(n->forwards, n->nforwards + 1,
	    sizeof *n->forwards);
	n->forwards[n->nforwards++] = e->fw;
	free(e->found);
	e->found = xstrdup(n->name);
	return (0);
}

/*
 * Run hostfwd_add or hostfwd_remove on the NIC's netdev (qemu_argv names
 * it net-NIC). Their failures ("Could not set up host forwarding rule",
 * "host forwarding rule for ... not found") are not QMP errors: in QEMU
 * 7.2 hostfwd_add says nothing when it works and hostfwd_remove says
 * "host forwarding rule for tcp:127.0.0.1:N removed".
 */
static int
hwfwd_hmp(struct qmp *q, const char *cmd, const struct hwfwd_edit *e,
    char **cause)
{
	char	*line, *out;
	size_t	 len;

	if (strcmp(cmd, "hostfwd_add") == 0)
		line = xasprintf("hostfwd_add net-%s %s:127.0.0.1:%d-:%d",
		    e->found, e->fw.udp ? "udp" : "tcp", e->fw.host_port,
		    e->fw.guest_port);
	else
		line = xasprintf("hostfwd_remove net-%s %s:127.0.0.1:%d",
		    e->found, e->fw.udp ? "udp" : "tcp", e->fw.host_port);
	out = qmp_hmp(q, line, VMPROC_QMP_TIMEOUT, cause);
	free(line);
	if (out == NULL)
		return (-1);
	len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	/* A rule QEMU does not have is as good as removed. */
	if (len > 0 && !str_has_suffix(out, " removed") &&
	    !str_has_suffix(out, " not found")) {
		*cause = xasprintf("QEMU: %s", out);
		free(out);
		return (-1);
	}
	free(out);
	return (0);
}

static int
hwfwd_add_live(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	(void)p;
	(void)def;
	return (hwfwd_hmp(q, "hostfwd_add", arg, cause));
}

/* The host port must be free now and promised to no other VM. */
static int
hwfwd_port_ok(const struct library *lib, const char *vm,
    const struct vm_forward *fw, char **cause)
{
	char	*owner;

	if ((owner = hwfwd_port_owner(lib, vm, fw->host_port,
	    fw->udp)) != NULL) {
		*cause = xasprintf("host port %s %d is forwarded by VM %s",
		    fw->udp ? "udp" : "tcp", fw->host_port, owner);
		free(owner);
		return (-1);
	}
	if (!netport_is_free(fw->host_port, fw->udp)) {
		*cause = xasprintf("host port %s %d is in use by another "
		    "program", fw->udp ? "udp" : "tcp", fw->host_port);
		return (-1);
	}
	return (0);
}

int
hwfwd_add(const struct library *lib, const char *vm, const char *spec,
    const char *nic, char **nicname, enum vmctl_when *when, char **cause)
{
	struct vmctl_change	c;
	struct hwfwd_edit	e;
	int			rc;

	memset(&e, 0, sizeof e);
	e.nic = nic;
	if (vmdef_parse_forward(spec, &e.fw, cause) != 0 ||
	    hwfwd_port_ok(lib, vm, &e.fw, cause) != 0)
		return (-1);
	memset(&c, 0, sizeof c);
	c.edit = hwfwd_add_edit;
	c.live = hwfwd_add_live;
	c.arg = &e;
	if ((rc = vmctl_change(lib, vm, &c, when, cause)) == 0)
		*nicname = e.found;
	else
		free(e.found);
	return (rc);
}

/* The index of e's forward in n, or -1. */
static ssize_t
hwfwd_find(const struct vm_nic *n, const struct hwfwd_edit *e)
{
	size_t	i;

	for (i = 0; i < n->nforwards; i++) {
		if (n->forwards[i].udp == e->fw.udp &&
		    n->forwards[i].host_port == e->fw.host_port &&
		    (e->any_guest ||
		    n->forwards[i].guest_port == e->fw.guest_port))
			return ((ssize_t)i);
	}
	return (-1);
}

static int
hwfwd_remove_edit(struct vm_def *def, void *arg, char **cause)
{
	struct hwfwd_edit	*e = arg;
	struct vm_nic		*n;
	ssize_t			 at = -1;
	size_t			 i;

	for (i = 0; i < def->nnics && at == -1; i++) {
		n = &def->nics[i];
		if (e->nic == NULL || strcmp(e->nic, n->name) == 0)
			at = hwfwd_find(n, e);
	}
	if (at == -1) {
		*cause = xasprintf("VM %s forwards no %s port %d%s%s",
		    def->name, e->fw.udp ? "udp" : "tcp", e->fw.host_port,
		    e->nic != NULL ? " on NIC " : "",
		    e->nic != NULL ? e->nic : "");
		return (-1);
	}
	e->fw = n->forwards[at];
	e->found = xstrdup(n->name);
	memmove(&n->forwards[at], &n->forwards[at + 1],
	    (n->nforwards - (size_t)at - 1) * sizeof *n->forwards);
	n->nforwards--;
	return (0);
}

static int
hwfwd_remove_live(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	(void)p;
	(void)def;
	return (hwfwd_hmp(q, "hostfwd_remove", arg, cause));
}

/* "tcp:HOST" or "tcp:HOST:GUEST" into e. */
static int
hwfwd_parse_remove(const char *spec, struct hwfwd_edit *e, char **cause)
{
	char	*full;
	int	 rc;

	if (strchr(spec, ':') != NULL && strchr(strchr(spec, ':') + 1,
	    ':') == NULL) {
		/* Any guest port: parse it with a placeholder one. */
		full = xasprintf("%s:1", spec);
		rc = vmdef_parse_forward(full, &e->fw, cause);
		free(full);
		e->any_guest = 1;
		return (rc);
	}
	return (vmdef_parse_forward(spec, &e->fw, cause));
}

int
hwfwd_remove(const struct library *lib, const char *vm, const char *spec,
    const char *nic, enum vmctl_when *when, char **cause)
{
	struct vmctl_change	c;
	struct hwfwd_edit	e;
	int			rc;

	memset(&e, 0, sizeof e);
	e.nic = nic;
	if (hwfwd_parse_remove(spec, &e, cause) != 0)
		return (-1);
	memset(&c, 0, sizeof c);
	c.edit = hwfwd_remove_edit;
	c.live = hwfwd_remove_live;
	c.arg = &e;
	rc = vmctl_change(lib, vm, &c, when, cause);
	free(e.found);
	return (rc);
}
