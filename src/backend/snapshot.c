/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshots of a VM: live and disk-only, with the tree kept in step. */
#include "config.h"

#include "backend/snapshot.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/qemu_img.h"
#include "backend/vmproc.h"
#include "core/names.h"
#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* QEMU's jobs for vmdesk are named "vmdesk-KIND-PID-MS". */
#define SNAPSHOT_JOB_PREFIX	"vmdesk-"

/*
 * The testing hook: VMDESK_TEST_CRASH_AT=STEP kills this vmdesk with
 * SIGKILL when it reaches STEP; STEP+qemu kills the VM's QEMU first. It
 * stands for a crash at the worst moment, which tests cannot time.
 */
static int
snapshot_crash_wanted(const char *step)
{
	const char	*want = getenv("VMDESK_TEST_CRASH_AT");
	size_t		 len = strlen(step);

	if (want == NULL || strncmp(want, step, len) != 0)
		return (0);
	return (want[len] == '\0' || strcmp(want + len, "+qemu") == 0);
}

static void
snapshot_crash_point(struct snapshot_vm *sv, const char *step)
{
	const char	*want;
	pid_t		 pid;

	crashpoint(step);
	if (!snapshot_crash_wanted(step))
		return;
	want = getenv("VMDESK_TEST_CRASH_AT");
	log_debug("VMDESK_TEST_CRASH_AT=%s: crashing", want);
	if (strchr(want, '+') != NULL && (pid = vmproc_pid(&sv->paths)) > 0) {
		kill(pid, SIGKILL);
		vmproc_wait_exit(&sv->paths, 5000);
	}
	raise(SIGKILL);
}

/* How long a snapshot job may take: a minute, plus half a minute a GiB. */
static int
snapshot_job_timeout(const struct snapshot_vm *sv)
{
	uint64_t	gib = (sv->def->memory + (1ULL << 30) - 1) >> 30;

	if (gib > 1000)
		gib = 1000;
	return ((int)(60000 + 30000 * gib));
}

static int
snapshot_alive(const struct snapshot_vm *sv)
{
	return (vmstate_is_alive(sv->state));
}

/* ---- Reading the tags ----------------------------------------------------- */

/* Add the snapshots of a QEMU ImageInfo "snapshots" array to d. */
static void
snapshot_tags_from_json(json_t *snaps, struct snap_disk_tags *d)
{
	json_t		*s;
	const char	*name;
	size_t		 i;

	json_array_foreach(snaps, i, s) {
		if ((name = json_string_value(json_object_get(s,
		    "name"))) == NULL)
			continue;
		snap_disk_tags_add(d, name, (uint64_t)json_integer_value(
		    json_object_get(s, "date-sec")), (uint64_t)
		    json_integer_value(json_object_get(s, "vm-state-size")));
	}
}

int
snapshot_file_tags(const char *path, struct snap_disk_tags *d, char **cause)
{
	struct qemu_img_info	info;
	size_t			i;

	/* -U: QEMU may hold the image. */
	if (qemu_img_info(path, "qcow2", 1, &info, cause) != 0)
		return (-1);
	for (i = 0; i < info.nsnaps; i++)
		snap_disk_tags_add(d, info.snaps[i].name,
		    info.snaps[i].date_sec, info.snaps[i].vm_state_size);
	qemu_img_info_clear(&info);
	return (0);
}

static void
snapshot_tags_clear(struct snapshot_vm *sv)
{
	size_t	i;

	if (sv->tags == NULL)
		return;
	for (i = 0; i < sv->ndisks; i++)
		snap_disk_tags_clear(&sv->tags[i]);
	free(sv->tags);
	sv->tags = NULL;
}

/* From a running QEMU: node names and tags in one query-block. */
static int
snapshot_qmp_tags(struct snapshot_vm *sv, char **cause)
{
	json_t		*blocks, *b, *ins;
	const char	*dev, *node;
	size_t		 i, k;
	char		*want;

	blocks = qmp_command(sv->qmp, "query-block", NULL, VMPROC_QMP_TIMEOUT,
	    cause);
	if (blocks == NULL)
		return (-1);
	for (k = 0; k < sv->ndisks; k++) {
		want = xasprintf("disk-%s", sv->disks[k].name);
		json_array_foreach(blocks, i, b) {
			dev = json_string_value(json_object_get(b, "device"));
			ins = json_object_get(b, "inserted");
			node = json_string_value(json_object_get(ins,
			    "node-name"));
			/* A hot-plugged disk's node is disk-NAME itself. */
			if (node == NULL || (strcmp(node, want) != 0 &&
			    (dev == NULL || strcmp(dev, want) != 0)))
				continue;
			free(sv->disks[k].node);
			sv->disks[k].node = xstrdup(node);
			snapshot_tags_from_json(json_object_get(
			    json_object_get(ins, "image"), "snapshots"),
			    &sv->tags[k]);
			break;
		}
		free(want);
		if (sv->disks[k].node == NULL) {
			*cause = xasprintf("QEMU does not have disk %s: was it "
			    "added to vm.conf while the VM ran? Restart the VM",
			    sv->disks[k].name);
			json_decref(blocks);
			return (-1);
		}
	}
	json_decref(blocks);
	return (0);
}

/* (Re-)read what every disk holds. */
static int
snapshot_read_tags(struct snapshot_vm *sv, char **cause)
{
	size_t	i;
	char	*why = NULL;

	snapshot_tags_clear(sv);
	sv->tags = xcalloc(sv->ndisks + 1, sizeof *sv->tags);
	for (i = 0; i < sv->ndisks; i++)
		sv->tags[i].disk = xstrdup(sv->disks[i].name);
	if (snapshot_alive(sv))
		return (snapshot_qmp_tags(sv, cause));
	for (i = 0; i < sv->ndisks; i++) {
		if (snapshot_file_tags(sv->disks[i].path, &sv->tags[i],
		    &why) != 0) {
			*cause = xasprintf("disk %s: %s", sv->disks[i].name,
			    why);
			free(why);
			return (-1);
		}
	}
	return (0);
}

/* The disk holding a tag's RAM, or the first disk. */
static const struct snapshot_disk *
snapshot_vmstate_disk(const struct snapshot_vm *sv, const char *tag)
{
	size_t	i, k;

	for (i = 0; i < sv->ndisks; i++) {
		for (k = 0; k < sv->tags[i].ntags; k++) {
			if (strcmp(sv->tags[i].tags[k].tag, tag) == 0 &&
			    sv->tags[i].tags[k].vm_state_size > 0)
				return (&sv->disks[i]);
		}
	}
	return (&sv->disks[0]);
}

/* ---- QMP jobs ------------------------------------------------------------- */

/*
 * Wait for a job to conclude and dismiss it. QEMU 7.2 replies to
 * snapshot-save/load/delete only once the VM runs again, but a job that
 * fails replies at once and concludes after: so the job's own status
 * and error (query-jobs) are what count, not the reply.
 */
static int
snapshot_job_wait(struct snapshot_vm *sv, const char *id, int timeout_ms,
    char **cause)
{
	json_t		*jobs, *job, *j, *ev;
	const char	*s, *status;
	uint64_t	 deadline = time_mono_ms() + (uint64_t)timeout_ms;
	uint64_t	 now;
	char		*err, *why = NULL;
	size_t		 i;
	int		 left;

	for (;;) {
		while ((ev = qmp_next_event(sv->qmp)) != NULL)
			json_decref(ev);
		jobs = qmp_command(sv->qmp, "query-jobs", NULL,
		    VMPROC_QMP_TIMEOUT, cause);
		if (jobs == NULL)
			return (-1);
		job = NULL;
		json_array_foreach(jobs, i, j) {
			s = json_string_value(json_object_get(j, "id"));
			if (s != NULL && strcmp(s, id) == 0)
				job = j;
		}
		if (job == NULL) {
			json_decref(jobs);
			*cause = xasprintf("QEMU has no job %s any more", id);
			return (-1);
		}
		status = json_string_value(json_object_get(job, "status"));
		if (status != NULL && strcmp(status, "concluded") == 0)
			break;
		json_decref(jobs);
		now = time_mono_ms();
		if (now >= deadline) {
			*cause = xasprintf("QEMU's job %s did not finish "
			    "within %d s", id, timeout_ms / 1000);
			return (-1);
		}
		left = deadline - now > 1000 ? 1000 : (int)(deadline - now);
		ev = qmp_wait_event(sv->qmp, "JOB_STATUS_CHANGE", left, &why);
		json_decref(ev);
		free(why);
		why = NULL;
	}
	s = json_string_value(json_object_get(job, "error"));
	err = s != NULL ? xstrdup(s) : NULL;
	json_decref(jobs);
	j = qmp_command(sv->qmp, "job-dismiss", json_pack("{s:s}", "id", id),
	    VMPROC_QMP_TIMEOUT, &why);
	if (j == NULL) {
		log_debug("job-dismiss %s: %s", id, why);
		free(why);
	}
	json_decref(j);
	if (err != NULL) {
		*cause = err;
		return (-1);
	}
	return (0);
}

/* A job id of our own. Caller frees. */
static char *
snapshot_job_id(const char *kind)
{
	return (xasprintf(SNAPSHOT_JOB_PREFIX "%s-%ld-%llu", kind,
	    (long)getpid(), (unsigned long long)time_wall_ms()));
}

/*
 * Wait for snapshot jobs an earlier vmdesk left in QEMU (it was killed
 * while QEMU worked on), so that the tags read next are final.
 */
static int
snapshot_settle_jobs(struct snapshot_vm *sv, char **cause)
{
	json_t		*jobs, *j;
	const char	*id;
	struct strv	 ids;
	char		*why = NULL;
	size_t		 i;

	if ((jobs = qmp_command(sv->qmp, "query-jobs", NULL,
	    VMPROC_QMP_TIMEOUT, cause)) == NULL)
		return (-1);
	strv_init(&ids);
	json_array_foreach(jobs, i, j) {
		id = json_string_value(json_object_get(j, "id"));
		if (id != NULL && strncmp(id, SNAPSHOT_JOB_PREFIX,
		    strlen(SNAPSHOT_JOB_PREFIX)) == 0)
			strv_push(&ids, id);
	}
	json_decref(jobs);
	for (i = 0; i < ids.n; i++) {
		if (snapshot_job_wait(sv, ids.v[i], snapshot_job_timeout(sv),
		    &why) != 0) {
			strv_pushf(&sv->notes, "QEMU's job %s, left by an "
			    "earlier vmdesk, ended: %s", ids.v[i], why);
			free(why);
			why = NULL;
		} else
			strv_pushf(&sv->notes, "QEMU's job %s, left by an "
			    "earlier vmdesk, finished", ids.v[i]);
	}
	strv_clear(&ids);
	return (0);
}

/* Start a job and wait for it; args is stolen. */
static int
snapshot_job(struct snapshot_vm *sv, const char *cmd, const char *kind,
    json_t *args, char **cause)
{
	json_t	*r;
	char	*id;
	int	 rc;

	id = snapshot_job_id(kind);
	json_object_set_new(args, "job-id", json_string(id));
	r = qmp_command(sv->qmp, cmd, args, snapshot_job_timeout(sv), cause);
	if (r == NULL) {
		free(id);
		return (-1);
	}
	json_decref(r);
	rc = snapshot_job_wait(sv, id, snapshot_job_timeout(sv), cause);
	free(id);
	return (rc);
}

/* The node names of the disks that hold a tag (all with NULL). */
static json_t *
snapshot_devices(const struct snapshot_vm *sv, const char *tag)
{
	json_t	*arr;
	size_t	 i;

	arr = json_array();
	for (i = 0; i < sv->ndisks; i++) {
		if (tag == NULL || snap_disk_tags_has(&sv->tags[i], tag))
			json_array_append_new(arr,
			    json_string(sv->disks[i].node));
	}
	return (arr);
}

/* ---- Opening -------------------------------------------------------------- */

/* The disks snapshots cover, and why there may be none. */
static void
snapshot_pick_disks(struct snapshot_vm *sv)
{
	const struct vm_disk	*d;
	struct snapshot_disk	*sd;
	size_t			 i;

	for (i = 0; i < sv->def->ndisks; i++) {
		d = &sv->def->disks[i];
		if (d->readonly)
			continue;
		if (d->format != VM_FORMAT_QCOW2) {
			/*
			 * QEMU refuses the whole snapshot ("Device is writable
			 * but does not support snapshots"); skipping the disk
			 * would make a revert restore only part of the VM.
			 */
			if (sv->refusal == NULL)
				sv->refusal = xasprintf("VM %s: disk %s is %s: "
				    "QEMU snapshots need qcow2 disks (convert "
				    "it with qemu-img convert -O qcow2, make "
				    "it readonly, or detach it first: vmdesk "
				    "disk remove %s %s --keep-file)", sv->name,
				    d->name, vmdef_format_name(d->format),
				    sv->name, d->name);
			continue;
		}
		sv->disks = xreallocarray(sv->disks, sv->ndisks + 1,
		    sizeof *sv->disks);
		sd = &sv->disks[sv->ndisks++];
		sd->name = xstrdup(d->name);
		sd->path = vmdef_disk_path(d, sv->paths.vmdir);
		sd->node = NULL;
	}
	if (sv->ndisks == 0 && sv->refusal == NULL)
		sv->refusal = xasprintf("VM %s has no writable qcow2 disk: "
		    "there is nothing to keep a snapshot in", sv->name);
}

static struct snapshot_vm *
snapshot_open_as(const struct library *lib, const char *name, int lock_ms,
    int save, char **cause)
{
	struct snapshot_vm	*sv;
	struct vm_status	 st;
	char			*vmdir, *run, *why = NULL;
	int			 rc;

	sv = xcalloc(1, sizeof *sv);
	strv_init(&sv->notes);
	sv->name = xstrdup(name);
	sv->runtime = xstrdup(lib->runtime);
	if ((sv->def = library_load(lib, name, cause)) == NULL)
		goto fail;
	vmdir = library_vm_dir(lib, name);
	run = library_run_dir(lib, name);
	rc = vm_paths_init(&sv->paths, vmdir, run, cause);
	free(vmdir);
	free(run);
	if (rc != 0)
		goto fail;
	if ((sv->lock = library_lock(lib, name, lock_ms, cause)) == NULL)
		goto fail;
	sv->tree_file = fs_path_join(sv->paths.vmdir, SNAPTREE_FILE);
	if ((sv->tree = snaptree_load(sv->tree_file, cause)) == NULL)
		goto fail;
	snapshot_pick_disks(sv);

	vmproc_status(&sv->paths, 0, &st);
	sv->state = st.state;
	sv->pid = st.pid;
	vm_status_clear(&st);
	if (sv->state == VM_CRASHED) {
		/* QEMU is gone: its disks are free for qemu-img. */
		if (vmproc_cleanup(&sv->paths, &why) != 0) {
			log_debug("cleanup %s: %s", name, why);
			free(why);
		}
		sv->state = VM_STOPPED;
	}
	if (snapshot_alive(sv)) {
		if ((sv->qmp = vmproc_monitor(&sv->paths, VMPROC_QMP_TIMEOUT,
		    &why)) == NULL) {
			*cause = xasprintf("VM %s: its monitor does not "
			    "answer: %s", name, why);
			free(why);
			goto fail;
		}
		if (snapshot_settle_jobs(sv, cause) != 0)
			goto fail;
	}
	if (snapshot_read_tags(sv, cause) != 0)
		goto fail;
	if (snaptree_reconcile(sv->tree, sv->tags, sv->ndisks, &sv->notes) &&
	    save && snaptree_save(sv->tree, sv->tree_file, 0, cause) != 0)
		goto fail;
	return (sv);

fail:
	snapshot_close(sv);
	return (NULL);
}

struct snapshot_vm *
snapshot_open(const struct library *lib, const char *name, int lock_ms,
    char **cause)
{
	return (snapshot_open_as(lib, name, lock_ms, 1, cause));
}

struct snapshot_vm *
snapshot_view(const struct library *lib, const char *name, int lock_ms,
    char **cause)
{
	return (snapshot_open_as(lib, name, lock_ms, 0, cause));
}

void
snapshot_close(struct snapshot_vm *sv)
{
	size_t	i;

	if (sv == NULL)
		return;
	qmp_close(sv->qmp);
	snapshot_tags_clear(sv);
	for (i = 0; i < sv->ndisks; i++) {
		free(sv->disks[i].name);
		free(sv->disks[i].path);
		free(sv->disks[i].node);
	}
	free(sv->disks);
	snaptree_free(sv->tree);
	free(sv->tree_file);
	library_unlock(sv->lock);
	vm_paths_clear(&sv->paths);
	vmdef_free(sv->def);
	free(sv->refusal);
	strv_clear(&sv->notes);
	free(sv->name);
	free(sv->runtime);
	free(sv);
}

struct snap_node *
snapshot_find(struct snapshot_vm *sv, const char *snap, char **cause)
{
	struct snap_node	*n;

	if ((n = snaptree_find(sv->tree, snap)) == NULL)
		*cause = xasprintf("VM %s has no snapshot '%s' (vmdesk "
		    "snapshot list %s shows them)", sv->name, snap, sv->name);
	return (n);
}

static int
snapshot_save_tree(struct snapshot_vm *sv, char **cause)
{
	return (snaptree_save(sv->tree, sv->tree_file, 0, cause));
}

/*
 * The end of a create or delete, whose intent was written (and synced)
 * first: if a power cut loses this write, reconcile finishes the step
 * from the disks. An fsync here would wait for the gigabytes QEMU just
 * wrote.
 */
static int
snapshot_save_tree_lazy(struct snapshot_vm *sv, char **cause)
{
	return (snaptree_save(sv->tree, sv->tree_file, SNAPTREE_SAVE_LAZY,
	    cause));
}

/* ---- UEFI variables ------------------------------------------------------- */

/*
 * The UEFI variable store is a raw pflash file beside the disks: no
 * qcow2 snapshot covers it. Each snapshot keeps a copy, restored on
 * revert, so that a revert brings back the firmware's settings too.
 */
static char *
snapshot_vars_file(const struct snapshot_vm *sv)
{
	char	*vars;

	if (sv->def->firmware == VM_FIRMWARE_BIOS)
		return (NULL);
	vars = fs_path_join(sv->paths.vmdir, "efivars.fd");
	if (access(vars, F_OK) != 0) {
		free(vars);
		return (NULL);
	}
	return (vars);
}

static int
snapshot_vars_save(struct snapshot_vm *sv, const char *tag, char **cause)
{
	char	*vars, *copy, *data, *dir;
	size_t	 len;
	int	 rc = -1;

	if ((vars = snapshot_vars_file(sv)) == NULL)
		return (0);
	if ((copy = snaptree_vars_path(sv->paths.vmdir, tag)) == NULL) {
		free(vars);
		return (0);
	}
	dir = fs_path_join(sv->paths.vmdir, "snapshots");
	if (fs_mkdir_p(dir, 0755, cause) == 0 &&
	    (data = fs_read_file(vars, &len, cause)) != NULL) {
		rc = fs_write_atomic(copy, data, len, 0644, cause);
		free(data);
	}
	free(dir);
	free(copy);
	free(vars);
	return (rc);
}

/*
 * Put a snapshot's variables back. A running QEMU keeps the store open
 * and has just loaded the snapshot's copy into its flash from the saved
 * RAM: the file is rewritten in place so that both agree.
 */
static int
snapshot_vars_restore(struct snapshot_vm *sv, const char *tag, char **cause)
{
	char	*vars, *copy, *data;
	size_t	 len, off = 0;
	ssize_t	 n;
	int	 fd, rc = -1;

	if ((vars = snapshot_vars_file(sv)) == NULL)
		return (0);
	copy = snaptree_vars_path(sv->paths.vmdir, tag);
	if (copy == NULL || access(copy, F_OK) != 0) {
		strv_pushf(&sv->notes, "snapshot tag '%s' has no copy of the "
		    "UEFI variables: they stay as they are", tag);
		free(copy);
		free(vars);
		return (0);
	}
	if ((data = fs_read_file(copy, &len, cause)) == NULL)
		goto out;
	if (!snapshot_alive(sv)) {
		rc = fs_write_atomic(vars, data, len, 0644, cause);
		goto out;
	}
	if ((fd = open(vars, O_WRONLY|O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", vars, strerror(errno));
		goto out;
	}
	while (off < len) {
		if ((n = pwrite(fd, data + off, len - off, (off_t)off)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			*cause = xasprintf("%s: %s", vars, strerror(errno));
			close(fd);
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", vars, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	rc = 0;
out:
	free(data);
	free(copy);
	free(vars);
	return (rc);
}

static void
snapshot_vars_drop(struct snapshot_vm *sv, const char *tag)
{
	char	*copy;

	if ((copy = snaptree_vars_path(sv->paths.vmdir, tag)) != NULL) {
		unlink(copy);
		free(copy);
	}
}

/* ---- Create --------------------------------------------------------------- */

static int
snapshot_qemu_img(const char *op, const char *tag, const char *path,
    char **cause)
{
	struct strv	 args;
	char		*esc;
	int		 rc;

	/*
	 * qemu-img snapshot has no -f: --image-opts names the driver, so a
	 * damaged header is never probed as a raw image.
	 */
	esc = qemu_argv_escape(path);
	strv_init(&args);
	strv_push(&args, "snapshot");
	strv_push(&args, "--image-opts");
	strv_push(&args, op);
	strv_push(&args, tag);
	strv_pushf(&args, "driver=qcow2,file.filename=%s", esc);
	rc = qemu_img_run(&args, NULL, cause);
	strv_clear(&args);
	free(esc);
	return (rc);
}

/* Live: RAM, devices and every disk, through QEMU's snapshot-save job. */
static int
snapshot_save_live(struct snapshot_vm *sv, const char *tag, char **cause)
{
	json_t	*args, *r;
	char	*id, *why = NULL;

	args = json_pack("{s:s, s:s, s:o}", "tag", tag, "vmstate",
	    sv->disks[0].node, "devices", snapshot_devices(sv, NULL));
	if (!snapshot_crash_wanted("create-saving"))
		return (snapshot_job(sv, "snapshot-save", "save", args,
		    cause));
	/*
	 * The hook wants a crash in the middle of the save: send the
	 * command without waiting for its reply, and crash once QEMU has
	 * stopped the guest to save it (its STOP event).
	 */
	id = snapshot_job_id("save");
	json_object_set_new(args, "job-id", json_string(id));
	free(id);
	r = qmp_command(sv->qmp, "snapshot-save", args, 1, &why);
	json_decref(r);
	free(why);
	why = NULL;
	r = qmp_wait_event(sv->qmp, "STOP", 10000, &why);
	json_decref(r);
	free(why);
	snapshot_crash_point(sv, "create-saving");
	*cause = xstrdup("VMDESK_TEST_CRASH_AT: the hook did not crash");
	return (-1);
}

/*
 * Disk-only while QEMU runs: one internal snapshot per disk, all in one
 * transaction so that they are taken at the same instant or not at all.
 */
static int
snapshot_save_running_disks(struct snapshot_vm *sv, const char *tag,
    char **cause)
{
	json_t	*actions, *r;
	size_t	 i;

	actions = json_array();
	for (i = 0; i < sv->ndisks; i++) {
		json_array_append_new(actions, json_pack("{s:s, s:{s:s, s:s}}",
		    "type", "blockdev-snapshot-internal-sync", "data",
		    "device", sv->disks[i].node, "name", tag));
	}
	r = qmp_command(sv->qmp, "transaction", json_pack("{s:o}", "actions",
	    actions), snapshot_job_timeout(sv), cause);
	if (r == NULL)
		return (-1);
	json_decref(r);
	return (0);
}

/* Stopped: qemu-img snapshot -c on each disk. */
static int
snapshot_save_offline(struct snapshot_vm *sv, const char *tag, char **cause)
{
	char	*why = NULL;
	size_t	 i;

	for (i = 0; i < sv->ndisks; i++) {
		if (snapshot_qemu_img("-c", tag, sv->disks[i].path,
		    &why) != 0) {
			*cause = xasprintf("disk %s: %s", sv->disks[i].name,
			    why);
			free(why);
			return (-1);
		}
		snapshot_crash_point(sv, "create-disk");
	}
	return (0);
}

/*
 * Remove a tag from the disks that hold it (re-read first). hooks: this
 * is a delete, where the test hook may crash.
 */
static int
snapshot_remove_tag(struct snapshot_vm *sv, const char *tag, int hooks,
    char **cause)
{
	json_t	*devices;
	char	*why = NULL;
	size_t	 i;

	if (snapshot_read_tags(sv, cause) != 0)
		return (-1);
	if (snapshot_alive(sv)) {
		devices = snapshot_devices(sv, tag);
		if (json_array_size(devices) == 0) {
			json_decref(devices);
			return (0);
		}
		if (snapshot_job(sv, "snapshot-delete", "delete",
		    json_pack("{s:s, s:o}", "tag", tag, "devices", devices),
		    cause) != 0)
			return (-1);
		if (hooks)
			snapshot_crash_point(sv, "delete-removed");
		return (0);
	}
	for (i = 0; i < sv->ndisks; i++) {
		if (!snap_disk_tags_has(&sv->tags[i], tag))
			continue;
		if (snapshot_qemu_img("-d", tag, sv->disks[i].path,
		    &why) != 0) {
			*cause = xasprintf("disk %s: %s", sv->disks[i].name,
			    why);
			free(why);
			return (-1);
		}
		if (hooks)
			snapshot_crash_point(sv, "delete-disk");
	}
	if (hooks)
		snapshot_crash_point(sv, "delete-removed");
	return (0);
}

char *
snapshot_live_blocker(const struct vm_def *def)
{
	size_t	i;

	/*
	 * Shares are not refused here: QEMU's refusal is rewritten
	 * (snapshot_share_why), as a 9p share the guest has not mounted
	 * does not block a live snapshot.
	 */
	for (i = 0; i < def->nusbs; i++) {
		if (def->usbs[i].host != NULL)
			return (xasprintf("VM %s has a host USB device passed "
			    "through (usb %s): QEMU cannot save the RAM of a "
			    "VM with a host device. Take a disk-only snapshot "
			    "(--disk-only), or detach it first (vmdesk usb "
			    "remove %s %s)", def->name, def->usbs[i].name,
			    def->name, def->usbs[i].name));
	}
	return (NULL);
}

/*
 * QEMU's words when a live snapshot meets a share ("State blocked by
 * non-migratable device '...vhost-user-fs'", "Migration is disabled when
 * VirtFS export path '...' is mounted in the guest"), with what works
 * instead. Takes why; returns the new text.
 */
static char *
snapshot_share_why(const struct snapshot_vm *sv, char *why)
{
	char	*out;

	if (sv->def->nshares == 0)
		return (why);
	out = xasprintf("a live snapshot cannot hold VM %s's shared folders "
	    "(virtio-fs never, 9p while the guest mounts it): take it with "
	    "--disk-only, unmount the 9p shares in the guest, or remove the "
	    "shares and restart (QEMU: %s)", sv->name, why);
	free(why);
	return (out);
}

int
snapshot_create(struct snapshot_vm *sv, const char *name, const char *note,
    int disk_only, char **cause)
{
	struct snap_node	*n;
	char			*tag, *why = NULL;
	unsigned		 id;
	size_t			 i;
	int			 live, rc;

	if (sv->refusal != NULL) {
		*cause = xstrdup(sv->refusal);
		return (-1);
	}
	live = snapshot_alive(sv) && !disk_only;
	if (live && (*cause = snapshot_live_blocker(sv->def)) != NULL)
		return (-1);
	id = snaptree_add(sv->tree, name, live ? SNAP_KIND_LIVE :
	    SNAP_KIND_DISK, (uint64_t)time(NULL), note, cause);
	if (id == 0)
		return (-1);
	tag = xstrdup(snaptree_node(sv->tree, id)->tag);
	/*
	 * Written down and synced first, before any disk takes the tag: a
	 * crash or power cut from here on is reconciled with the node's
	 * name, parent and note (a tag with no node would come back as a
	 * bare adopted root). The fsync costs about 4 ms here (12 ms at
	 * worst), against 8 ms to 0.4 s for the snapshot itself, and comes
	 * before QEMU pauses the guest.
	 */
	if (snapshot_save_tree(sv, cause) != 0) {
		snaptree_remove(sv->tree, id);
		free(tag);
		return (-1);
	}
	snapshot_crash_point(sv, "create-intent");
	rc = snapshot_vars_save(sv, tag, &why);
	if (rc == 0 && live) {
		if ((rc = snapshot_save_live(sv, tag, &why)) != 0)
			why = snapshot_share_why(sv, why);
	} else if (rc == 0 && snapshot_alive(sv))
		rc = snapshot_save_running_disks(sv, tag, &why);
	else if (rc == 0)
		rc = snapshot_save_offline(sv, tag, &why);
	if (rc != 0) {
		*cause = xasprintf("VM %s: snapshot %s failed: %s", sv->name,
		    name, why);
		free(why);
		why = NULL;
		/* Leave nothing behind: no tag, no copy, no node. */
		if (snapshot_remove_tag(sv, tag, 0, &why) != 0) {
			log_debug("snapshot %s: cleaning up: %s", tag, why);
			free(why);
			why = NULL;
		}
		snapshot_vars_drop(sv, tag);
		snaptree_remove(sv->tree, id);
		if (snapshot_save_tree(sv, &why) != 0) {
			log_debug("snapshot %s: %s", tag, why);
			free(why);
		}
		free(tag);
		return (-1);
	}
	snapshot_crash_point(sv, "create-saved");
	snaptree_created(sv->tree, id);
	rc = snapshot_save_tree_lazy(sv, cause);
	/* What the disks now hold, without asking them again. */
	for (i = 0; i < sv->ndisks; i++)
		snap_disk_tags_add(&sv->tags[i], tag, (uint64_t)time(NULL),
		    live && i == 0 ? 1 : 0);
	n = snaptree_node(sv->tree, id);
	n->holders = sv->ndisks;
	n->missing = 0;
	free(tag);
	return (rc);
}

/* ---- Revert --------------------------------------------------------------- */

/* Check that a node can be gone back to. */
static int
snapshot_revertable(struct snapshot_vm *sv, const struct snap_node *n,
    char **cause)
{
	if (sv->refusal != NULL) {
		*cause = xstrdup(sv->refusal);
		return (-1);
	}
	if (n->state != SNAP_STATE_OK) {
		*cause = xasprintf("snapshot %s was cut short while being %s: "
		    "it cannot be restored (vmdesk snapshot delete %s %s "
		    "removes it)", n->name, n->state == SNAP_STATE_CREATING ?
		    "created" : "deleted", sv->name, n->name);
		return (-1);
	}
	if (n->missing) {
		*cause = xasprintf("snapshot %s is missing from %zu of %zu "
		    "disks: it cannot be restored (vmdesk snapshot delete %s "
		    "%s removes it)", n->name, sv->ndisks - n->holders,
		    sv->ndisks, sv->name, n->name);
		return (-1);
	}
	return (0);
}

/* Whether QEMU's CPUs run (not paused). */
static int
snapshot_cpus_running(struct snapshot_vm *sv)
{
	json_t	*r;
	char	*why = NULL;
	int	 running;

	r = qmp_command(sv->qmp, "query-status", NULL, VMPROC_QMP_TIMEOUT,
	    &why);
	if (r == NULL) {
		free(why);
		return (1);
	}
	running = json_is_true(json_object_get(r, "running"));
	json_decref(r);
	return (running);
}

static int
snapshot_revert_running(struct snapshot_vm *sv, const struct snap_node *n,
    char **cause)
{
	json_t	*args, *r;
	char	*why = NULL, *again = NULL, *tag;
	int	 running;

	if (n->kind != SNAP_KIND_LIVE) {
		*cause = xasprintf("snapshot %s holds no RAM (it is "
		    "disk-only): stop VM %s first, then revert to it and "
		    "start it", n->name, sv->name);
		return (-1);
	}
	running = snapshot_cpus_running(sv);
	tag = xstrdup(n->tag);
	args = json_pack("{s:s, s:s, s:o}", "tag", tag, "vmstate",
	    snapshot_vmstate_disk(sv, tag)->node, "devices",
	    snapshot_devices(sv, NULL));
	if (snapshot_job(sv, "snapshot-load", "load", args, &why) != 0) {
		/* A failed load leaves the VM stopped in restore-vm. */
		if (running) {
			r = qmp_command(sv->qmp, "cont", NULL,
			    VMPROC_QMP_TIMEOUT, &again);
			json_decref(r);
			free(again);
		}
		*cause = xasprintf("VM %s: QEMU could not load snapshot %s: "
		    "%s%s", sv->name, n->name, why, running ? " (the VM was "
		    "resumed)" : "");
		free(why);
		free(tag);
		return (-1);
	}
	if (snapshot_vars_restore(sv, tag, cause) != 0) {
		free(tag);
		return (-1);
	}
	free(tag);
	return (0);
}

/* Start the VM from a live snapshot's RAM, as vmdesk start would. */
static int
snapshot_start_loadvm(struct snapshot_vm *sv, const struct settings *set,
    const char *tag, char **cause)
{
	pid_t	pid;

	if (vmproc_start_def(sv->def, &sv->paths, set, sv->runtime, 0, tag,
	    &pid, NULL, cause) != 0)
		return (-1);
	sv->pid = pid;
	sv->state = VM_RUNNING;
	return (0);
}

int
snapshot_revert(struct snapshot_vm *sv, const char *snap,
    const struct settings *set, int *started, char **cause)
{
	struct snap_node	*n;
	char			*tag, *why = NULL;
	unsigned		 id;
	size_t			 i;
	int			 live;

	if (started != NULL)
		*started = 0;
	if ((n = snapshot_find(sv, snap, cause)) == NULL ||
	    snapshot_revertable(sv, n, cause) != 0)
		return (-1);
	id = n->id;
	if (snapshot_alive(sv)) {
		if (snapshot_revert_running(sv, n, cause) != 0)
			return (-1);
		/*
		 * Only "you are here" moves: written without waiting for the
		 * disk, so a power cut in the next seconds may leave it at
		 * the previous snapshot; nothing else can be lost.
		 */
		snaptree_revert(sv->tree, id);
		return (snapshot_save_tree_lazy(sv, cause));
	}
	tag = xstrdup(n->tag);
	live = n->kind == SNAP_KIND_LIVE;
	for (i = 0; i < sv->ndisks; i++) {
		if (snapshot_qemu_img("-a", tag, sv->disks[i].path,
		    &why) != 0) {
			*cause = xasprintf("VM %s: disk %s could not be "
			    "restored to snapshot %s: %s%s", sv->name,
			    sv->disks[i].name, snap, why, i > 0 ? " (the disks "
			    "before it were: revert again)" : "");
			free(why);
			free(tag);
			return (-1);
		}
	}
	if (snapshot_vars_restore(sv, tag, cause) != 0) {
		free(tag);
		return (-1);
	}
	snaptree_revert(sv->tree, id);
	if (snapshot_save_tree(sv, cause) != 0) {
		free(tag);
		return (-1);
	}
	if (live && set != NULL) {
		if (snapshot_start_loadvm(sv, set, tag, &why) != 0) {
			*cause = xasprintf("the disks are back at snapshot %s, "
			    "but its saved RAM could not be resumed: %s "
			    "(vmdesk start %s boots from the disks)", snap, why,
			    sv->name);
			free(why);
			free(tag);
			return (-1);
		}
		if (started != NULL)
			*started = 1;
	}
	free(tag);
	return (0);
}

/* ---- Delete, rename, note ------------------------------------------------- */

int
snapshot_delete(struct snapshot_vm *sv, const char *snap, char **cause)
{
	struct snap_node	*n;
	char			*tag, *why = NULL;
	unsigned		 id;
	size_t			 i;

	if ((n = snapshot_find(sv, snap, cause)) == NULL)
		return (-1);
	id = n->id;
	tag = xstrdup(n->tag);
	n->state = SNAP_STATE_DELETING;
	if (snapshot_save_tree(sv, cause) != 0) {
		free(tag);
		return (-1);
	}
	snapshot_crash_point(sv, "delete-intent");
	if (snapshot_remove_tag(sv, tag, 1, &why) != 0) {
		*cause = xasprintf("VM %s: snapshot %s could not be deleted: "
		    "%s", sv->name, snap, why);
		free(why);
		why = NULL;
		/* Untouched on every disk: it is whole again. */
		if (snapshot_read_tags(sv, &why) == 0) {
			n = snaptree_node(sv->tree, id);
			for (i = 0; i < sv->ndisks; i++) {
				if (!snap_disk_tags_has(&sv->tags[i], tag))
					break;
			}
			if (n != NULL && i == sv->ndisks && sv->ndisks > 0)
				n->state = SNAP_STATE_OK;
		}
		free(why);
		why = NULL;
		if (snapshot_save_tree(sv, &why) != 0)
			free(why);
		free(tag);
		return (-1);
	}
	snapshot_vars_drop(sv, tag);
	snaptree_remove(sv->tree, id);
	free(tag);
	return (snapshot_save_tree_lazy(sv, cause));
}

int
snapshot_rename(struct snapshot_vm *sv, const char *snap, const char *name,
    char **cause)
{
	struct snap_node	*n;

	if ((n = snapshot_find(sv, snap, cause)) == NULL ||
	    snaptree_rename(sv->tree, n->id, name, cause) != 0)
		return (-1);
	return (snapshot_save_tree(sv, cause));
}

int
snapshot_note(struct snapshot_vm *sv, const char *snap, const char *note,
    char **cause)
{
	struct snap_node	*n;

	if ((n = snapshot_find(sv, snap, cause)) == NULL ||
	    snaptree_set_note(sv->tree, n->id, note, cause) != 0)
		return (-1);
	return (snapshot_save_tree(sv, cause));
}
