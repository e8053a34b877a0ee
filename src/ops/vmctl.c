/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM operations by name, shared by the command line and the desktop. */
#include "config.h"

#include "ops/vmctl.h"

#include <stdlib.h>
#include <string.h>

#include "backend/snapshot.h"
#include "core/names.h"
#include "core/snaptree.h"
#include "ops/sharepath.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

int
vmctl_paths(const struct library *lib, const char *name, struct vm_paths *p,
    char **cause)
{
	if (name_check(name, "VM", cause) != 0)
		return (-1);
	if (!library_exists(lib, name)) {
		*cause = xasprintf("no VM named '%s' (vmdesk list shows them)",
		    name);
		return (-1);
	}
	return (vmctl_paths_listed(lib, name, p, cause));
}

int
vmctl_paths_listed(const struct library *lib, const char *name,
    struct vm_paths *p, char **cause)
{
	char	*vmdir, *run;
	int	 rc;

	vmdir = library_vm_dir(lib, name);
	run = library_run_dir(lib, name);
	rc = vm_paths_init(p, vmdir, run, cause);
	free(vmdir);
	free(run);
	return (rc);
}

int
vmctl_running(const struct library *lib, const char *name)
{
	struct vm_paths	 p;
	char		*cause = NULL;
	int		 running;

	if (vmctl_paths(lib, name, &p, &cause) != 0) {
		free(cause);
		return (0);
	}
	running = vmproc_pid(&p) > 0;
	vm_paths_clear(&p);
	return (running);
}

/* Paths, then the lock (unless lockp is NULL), then the state. */
static int
vmctl_begin(const struct library *lib, const char *name, struct vm_paths *p,
    struct vm_lock **lockp, struct vm_status *st, char **cause)
{
	if (vmctl_paths(lib, name, p, cause) != 0)
		return (-1);
	if (lockp != NULL && (*lockp = library_lock(lib, name, VMCTL_LOCK_WAIT,
	    cause)) == NULL) {
		vm_paths_clear(p);
		return (-1);
	}
	vmproc_status(p, VMPROC_QMP_TIMEOUT, st);
	return (0);
}

static void
vmctl_end(struct vm_paths *p, struct vm_lock *lock, struct vm_status *st)
{
	vm_status_clear(st);
	library_unlock(lock);
	vm_paths_clear(p);
}

int
vmctl_start(const struct library *lib, const struct settings *set,
    const char *name, int paused, pid_t *pid, char **note, char **cause)
{
	struct vm_def		*def = NULL;
	struct vm_lock		*lock = NULL;
	struct vm_paths		 p;
	struct vm_status	 st;
	int			 rc = -1;

	if (vmctl_begin(lib, name, &p, &lock, &st, cause) != 0)
		return (-1);
	if (vmstate_is_alive(st.state))
		*cause = xasprintf("VM %s is already running (pid %ld)", name,
		    (long)st.pid);
	else if ((def = library_load(lib, name, cause)) != NULL &&
	    sharepath_check_def(lib, def, cause) == 0)
		rc = vmproc_start_def(def, &p, set, lib->runtime, paused, NULL,
		    pid, note, cause);
	vmdef_free(def);
	vmctl_end(&p, lock, &st);
	return (rc);
}

int
vmctl_stop(const struct library *lib, const char *name, int timeout_s,
    int force, enum vmctl_outcome *out, char **cause)
{
	struct vm_lock		*lock = NULL;
	struct vm_paths		 p;
	struct vm_status	 st;
	int			 rc = 0, forced;

	if (vmctl_begin(lib, name, &p, &lock, &st, cause) != 0)
		return (-1);
	*out = VMCTL_DONE;
	if (st.state == VM_STOPPED)
		*out = VMCTL_ALREADY;
	else if (st.state == VM_CRASHED) {
		*out = VMCTL_CLEANED;
		rc = vmproc_cleanup(&p, cause);
	} else if ((rc = vmproc_stop(&p, timeout_s, force, &forced,
	    cause)) == 0 && forced != 0)
		*out = forced == VMPROC_FORCED_NOMONITOR ? VMCTL_FORCED_NOMON :
		    VMCTL_FORCED;
	vmctl_end(&p, lock, &st);
	return (rc);
}

int
vmctl_kill(const struct library *lib, const char *name,
    enum vmctl_outcome *out, char **cause)
{
	struct vm_paths		p;
	struct vm_status	st;
	int			rc;

	if (vmctl_begin(lib, name, &p, NULL, &st, cause) != 0)
		return (-1);
	*out = st.state == VM_STOPPED ? VMCTL_ALREADY :
	    st.state == VM_CRASHED ? VMCTL_CLEANED : VMCTL_DONE;
	rc = vmproc_kill(&p, cause);
	vmctl_end(&p, NULL, &st);
	return (rc);
}

static const struct {
	const char	*name;
	const char	*qmp;
	enum vm_state	 already;	/* the state that makes it a no-op */
} vmctl_commands[] = {
	{ "pause", "stop", VM_PAUSED },
	{ "resume", "cont", VM_RUNNING },
	/* Never a no-op: a stopped VM is refused before this is looked at. */
	{ "reset", "system_reset", VM_STOPPED },
};

int
vmctl_command(const struct library *lib, const char *name, const char *cmd,
    enum vmctl_outcome *out, char **cause)
{
	struct vm_lock		*lock = NULL;
	struct vm_paths		 p;
	struct vm_status	 st;
	size_t			 i;
	int			 rc = -1;

	for (i = 0; i < sizeof vmctl_commands / sizeof vmctl_commands[0]; i++)
		if (strcmp(vmctl_commands[i].name, cmd) == 0)
			break;
	if (i == sizeof vmctl_commands / sizeof vmctl_commands[0])
		fatal("unknown VM command %s", cmd);
	if (vmctl_begin(lib, name, &p, &lock, &st, cause) != 0)
		return (-1);
	*out = VMCTL_DONE;
	if (!vmstate_is_alive(st.state))
		*cause = xasprintf("VM %s is %s: start it first", name,
		    vmstate_name(st.state));
	else if (st.state == vmctl_commands[i].already) {
		*out = VMCTL_ALREADY;
		rc = 0;
	} else
		rc = vmproc_command(&p, vmctl_commands[i].qmp, cause);
	vmctl_end(&p, lock, &st);
	return (rc);
}

int
vmctl_delete(const struct library *lib, const char *name, int force,
    char **cause)
{
	struct vm_lock		*lock = NULL;
	struct vm_paths		 p;
	struct vm_status	 st;
	int			 rc = -1;

	if (vmctl_begin(lib, name, &p, &lock, &st, cause) != 0)
		return (-1);
	if (vmstate_is_alive(st.state) && !force)
		*cause = xasprintf("VM %s is %s: stop it first, or use --force",
		    name, vmstate_name(st.state));
	else if (vmproc_kill(&p, cause) == 0 &&
	    library_delete(lib, name, cause) == 0 &&
	    fs_rm_rf(p.run, cause) == 0)
		rc = 0;
	vmctl_end(&p, lock, &st);
	return (rc);
}

int
vmctl_rename(const struct library *lib, const char *name, const char *to,
    char **cause)
{
	struct vm_lock		*lock = NULL;
	struct vm_paths		 p;
	struct vm_status	 st;
	int			 rc = -1;

	if (vmctl_begin(lib, name, &p, &lock, &st, cause) != 0)
		return (-1);
	if (vmstate_is_alive(st.state))
		*cause = xasprintf("VM %s is %s: stop it before renaming", name,
		    vmstate_name(st.state));
	else if (vmproc_cleanup(&p, cause) == 0 &&
	    library_rename(lib, name, to, cause) == 0 &&
	    fs_rm_rf(p.run, cause) == 0)
		rc = 0;
	vmctl_end(&p, lock, &st);
	return (rc);
}

int
vmctl_update(const struct library *lib, const char *name, int lock_ms,
    vmctl_update_fn fn, void *arg, char **cause)
{
	struct vm_lock	*lock;
	struct vm_paths	 p;
	struct vm_def	*def = NULL;
	char		*conf;
	int		 rc = -1;

	if (vmctl_paths(lib, name, &p, cause) != 0)
		return (-1);
	if ((lock = library_lock(lib, name, lock_ms, cause)) == NULL) {
		vm_paths_clear(&p);
		return (-1);
	}
	if (vmproc_pid(&p) > 0)
		*cause = xasprintf("VM %s is running: stop it to change its "
		    "hardware", name);
	else if ((def = library_load(lib, name, cause)) != NULL &&
	    fn(def, arg, cause) == 0 &&
	    vmdef_validate(def, p.vmdir, cause) == 0) {
		conf = library_vm_conf(lib, name);
		rc = vmdef_save(def, conf, cause);
		free(conf);
	}
	vmdef_free(def);
	library_unlock(lock);
	vm_paths_clear(&p);
	return (rc);
}

/* The monitor step of a change to a running VM. */
static int
vmctl_change_live(const struct vm_paths *p, const struct vmctl_change *c,
    const struct vm_def *def, enum vmctl_when *when, char **cause)
{
	struct qmp	*q;
	int		 rc;

	if (c->live == NULL) {
		*when = VMCTL_WHEN_RESTART;
		return (0);
	}
	if ((q = vmproc_monitor(p, VMPROC_QMP_TIMEOUT, cause)) == NULL)
		return (-1);
	rc = c->live(q, p, def, c->arg, cause);
	qmp_close(q);
	return (rc);
}

int
vmctl_change(const struct library *lib, const char *name,
    const struct vmctl_change *c, enum vmctl_when *when, char **cause)
{
	struct vm_lock	*lock = NULL;
	struct vm_paths	 p;
	struct vm_status st;
	struct vm_def	*def = NULL;
	char		*conf;
	int		 rc = -1;

	*when = VMCTL_WHEN_NOW;
	if (vmctl_begin(lib, name, &p, &lock, &st, cause) != 0)
		return (-1);
	if ((def = library_load(lib, name, cause)) != NULL &&
	    c->edit(def, c->arg, cause) == 0 &&
	    vmdef_validate(def, p.vmdir, cause) == 0 &&
	    (!vmstate_is_alive(st.state) ||
	    vmctl_change_live(&p, c, def, when, cause) == 0)) {
		conf = library_vm_conf(lib, name);
		rc = vmdef_save(def, conf, cause);
		free(conf);
	}
	vmdef_free(def);
	vmctl_end(&p, lock, &st);
	return (rc);
}

/* QEMU writes its disks while it runs: say why a clone waits for a stop. */
static int
vmctl_clone_refuse(const char *src, enum vm_state state, char **cause)
{
	if (!vmstate_is_alive(state))
		return (0);
	*cause = xasprintf("VM %s is %s: clone a stopped VM (vmdesk stop %s). "
	    "QEMU writes its disks while it runs, so a copy would not be "
	    "consistent and a linked clone cannot freeze them; to keep the "
	    "running state, take a live snapshot, stop the VM, and clone "
	    "with --from-snapshot", src, vmstate_name(state), src);
	return (-1);
}

int
vmctl_clone(const struct library *lib, const char *src, const char *dst,
    enum clone_mode mode, const char *snap, clone_progress_cb progress,
    void *progress_arg, struct strv *notes, char **cause)
{
	struct snapshot_vm	*sv = NULL;
	struct snap_node	*node;
	struct clone_opts	 co;
	struct vm_lock		*lock = NULL;
	struct vm_paths		 p;
	struct vm_status	 st;
	size_t			 i;
	int			 rc = -1;

	memset(&co, 0, sizeof co);
	co.mode = snap != NULL ? CLONE_FULL : mode;
	co.progress = progress;
	co.progress_arg = progress_arg;
	if (snap != NULL) {
		/* Locks src and reconciles its tree with its disks. */
		if ((sv = snapshot_open(lib, src, VMCTL_LOCK_WAIT,
		    cause)) == NULL)
			return (-1);
		for (i = 0; i < sv->notes.n; i++)
			strv_pushf(notes, "%s", sv->notes.v[i]);
		if (vmctl_clone_refuse(src, sv->state, cause) != 0 ||
		    (node = snapshot_find(sv, snap, cause)) == NULL)
			goto out;
		if (sv->refusal != NULL) {
			*cause = xstrdup(sv->refusal);
			goto out;
		}
		if (node->state != SNAP_STATE_OK || node->missing) {
			*cause = xasprintf("snapshot %s of VM %s is %s: it cannot "
			    "be cloned", node->name, src,
			    snaptree_status_name(node));
			goto out;
		}
		co.snapshot = node;
	} else {
		if (vmctl_begin(lib, src, &p, &lock, &st, cause) != 0)
			return (-1);
		rc = vmctl_clone_refuse(src, st.state, cause);
		vm_status_clear(&st);
		vm_paths_clear(&p);
		if (rc != 0) {
			rc = -1;
			goto out;
		}
	}
	rc = clone_vm(lib, src, dst, &co, notes, cause);
out:
	library_unlock(lock);
	snapshot_close(sv);
	return (rc);
}

int
vmctl_export(const struct library *lib, const char *name, const char *file,
    bundle_progress_cb progress, void *arg, char **cause)
{
	struct vm_lock		*lock = NULL;
	struct vm_paths		 p;
	struct vm_status	 st;
	int			 rc = -1;

	if (vmctl_begin(lib, name, &p, &lock, &st, cause) != 0)
		return (-1);
	/*
	 * QEMU writes the disks while it runs, and a paused guest has
	 * writes in flight in its page cache: only a stopped VM exports
	 * consistently.
	 */
	if (vmstate_is_alive(st.state))
		*cause = xasprintf("VM %s is %s: export a stopped VM (vmdesk "
		    "stop %s); QEMU writes its disks while it runs, so the "
		    "bundle would not be consistent", name,
		    vmstate_name(st.state), name);
	else
		rc = bundle_export(lib, name, file, progress, arg, cause);
	vmctl_end(&p, lock, &st);
	return (rc);
}
