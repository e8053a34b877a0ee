/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's shared folders: add, remove, and how each reaches the guest. */
#include "config.h"

#include "ops/hwshare.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/virtiofsd.h"
#include "backend/vmproc.h"
#include "core/names.h"
#include "images/cloudinit.h"
#include "ops/sharepath.h"
#include "util/proc.h"
#include "util/xmalloc.h"

struct hwshare_edit {
	const struct hwshare_add	*add;
	const char			*name;	/* the share */
	const char			*path;
	char				*vmdir;
};

/*
 * A cloud-init guest mounts its shares itself: the seed's boot commands
 * (run at every boot) try virtio-fs, then 9p, so either mode works.
 */
static int
hwshare_seed(const struct vm_def *def, const char *vmdir, char **cause)
{
	const struct vm_disk	*d;
	struct strv		 cmds;
	char			*seed, *a, *b;
	size_t			 i;
	int			 rc;

	d = vmdef_section((struct vm_def *)def, "disk", CLOUDINIT_DISK);
	if (d == NULL)
		return (0);
	seed = vmdef_disk_path(d, vmdir);
	strv_init(&cmds);
	for (i = 0; i < def->nshares; i++) {
		a = hwshare_mount_command(&def->shares[i], VM_SHARE_VIRTIOFS);
		b = hwshare_mount_command(&def->shares[i], VM_SHARE_9P);
		strv_pushf(&cmds, "(%s) || (%s)", a, b);
		free(a);
		free(b);
	}
	rc = cloudinit_set_bootcmds(seed, &cmds, cause);
	strv_clear(&cmds);
	free(seed);
	return (rc);
}

static int
hwshare_add_edit(struct vm_def *def, void *arg, char **cause)
{
	struct hwshare_edit	*e = arg;
	struct vm_share		*s;

	if (vmdef_section(def, "share", e->name) != NULL) {
		*cause = xasprintf("VM %s already has a share named %s (give "
		    "another with --tag)", def->name, e->name);
		return (-1);
	}
	s = vmdef_add_item(def, "share", e->name);
	s->path = xstrdup(e->path);
	if (e->add->tag != NULL)
		s->tag = xstrdup(e->add->tag);
	s->readonly = e->add->readonly;
	s->mode = e->add->mode;
	return (hwshare_seed(def, e->vmdir, cause));
}

int
hwshare_add(const struct library *lib, const char *vm,
    const struct hwshare_add *add, char **share, enum vmctl_when *when,
    char **cause)
{
	struct vmctl_change	 c;
	struct hwshare_edit	 e;
	char			*real, *why = NULL;
	const char		*base;
	int			 rc;

	if (sharepath_check(lib, add->dir, &real, cause) != 0)
		return (-1);
	base = strrchr(real, '/') + 1;
	e.add = add;
	e.path = real;
	e.name = add->tag != NULL ? add->tag : base;
	if (name_check(e.name, "share", &why) != 0) {
		*cause = xasprintf("%s (name the share with --tag)", why);
		free(why);
		free(real);
		return (-1);
	}
	e.vmdir = library_vm_dir(lib, vm);
	memset(&c, 0, sizeof c);
	c.edit = hwshare_add_edit;
	c.arg = &e;
	/*
	 * No live step: a virtio-fs device needs the guest's RAM shared from
	 * QEMU's start, and QMP cannot add a 9p fsdev.
	 */
	if ((rc = vmctl_change(lib, vm, &c, when, cause)) == 0)
		*share = xstrdup(e.name);
	free(e.vmdir);
	free(real);
	return (rc);
}

static int
hwshare_remove_edit(struct vm_def *def, void *arg, char **cause)
{
	struct hwshare_edit	*e = arg;
	const char		*name = e->name;
	size_t			 i;

	for (i = 0; i < def->nshares; i++) {
		if (strcmp(def->shares[i].name, name) == 0 ||
		    strcmp(vmdef_share_tag(&def->shares[i]), name) == 0)
			break;
	}
	if (i == def->nshares) {
		*cause = xasprintf("VM %s has no share %s", def->name, name);
		return (-1);
	}
	if (vmdef_remove_item(def, "share", def->shares[i].name) != 0)
		return (-1);
	return (hwshare_seed(def, e->vmdir, cause));
}

int
hwshare_remove(const struct library *lib, const char *vm, const char *share,
    enum vmctl_when *when, char **cause)
{
	struct vmctl_change	c;
	struct hwshare_edit	e;
	int			rc;

	memset(&e, 0, sizeof e);
	e.name = share;
	e.vmdir = library_vm_dir(lib, vm);
	memset(&c, 0, sizeof c);
	c.edit = hwshare_remove_edit;
	c.arg = &e;
	rc = vmctl_change(lib, vm, &c, when, cause);
	free(e.vmdir);
	return (rc);
}

char *
hwshare_mount_command(const struct vm_share *s, int mode)
{
	const char	*tag = vmdef_share_tag(s);

	if (mode == VM_SHARE_9P)
		return (xasprintf("mkdir -p /mnt/%s && mount -t 9p -o "
		    "trans=virtio,version=9p2000.L%s %s /mnt/%s", tag,
		    s->readonly ? ",ro" : "", tag, tag));
	return (xasprintf("mkdir -p /mnt/%s && mount -t virtiofs%s %s /mnt/%s",
	    tag, s->readonly ? " -o ro" : "", tag, tag));
}

/*
 * The mode a running QEMU (its command line cmd) gives share s, by the
 * ids qemu_argv gave its devices; -1 when it has none (added since).
 */
static int
hwshare_running_mode(const char *cmd, size_t len, const struct vm_share *s)
{
	char	*fs, *p9;
	int	 mode = -1;

	fs = xasprintf("chardev=fs-%s,", s->name);
	p9 = xasprintf("fsdev=fsdev-%s,", s->name);
	if (memmem(cmd, len, fs, strlen(fs)) != NULL)
		mode = VM_SHARE_VIRTIOFS;
	else if (memmem(cmd, len, p9, strlen(p9)) != NULL)
		mode = VM_SHARE_9P;
	free(fs);
	free(p9);
	return (mode);
}

struct hwshare_view *
hwshare_views(const struct vm_def *def, const struct vm_paths *p)
{
	struct virtiofsd_probe	 pr;
	struct hwshare_view	*v;
	char			*cmd;
	size_t			 i, len = 0;
	pid_t			 pid;
	int			 now;

	if (def->nshares == 0)
		return (NULL);
	virtiofsd_probe(&pr);
	cmd = p != NULL && (pid = vmproc_pid(p)) > 0 ? proc_cmdline(pid,
	    &len) : NULL;
	v = xcalloc(def->nshares, sizeof *v);
	for (i = 0; i < def->nshares; i++) {
		v[i].share = &def->shares[i];
		v[i].mode = virtiofsd_share_mode(&pr, v[i].share, &v[i].why);
		if (cmd != NULL) {
			now = hwshare_running_mode(cmd, len, v[i].share);
			v[i].pending = now == -1;
			if (now != -1 && now != v[i].mode) {
				v[i].mode = now;
				free(v[i].why);
				v[i].why = xstrdup("as the VM was started");
			}
		}
		v[i].mount = hwshare_mount_command(v[i].share,
		    v[i].mode == -1 ? VM_SHARE_VIRTIOFS : v[i].mode);
	}
	free(cmd);
	virtiofsd_probe_clear(&pr);
	return (v);
}

void
hwshare_views_free(struct hwshare_view *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n && v != NULL; i++) {
		free(v[i].why);
		free(v[i].mount);
	}
	free(v);
}
