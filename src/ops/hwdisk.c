/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's disks and CD drive: add, resize, remove, list, insert, eject. */
#include "config.h"

#include "ops/hwdisk.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/qemu_argv.h"
#include "backend/qemu_img.h"
#include "backend/qmp.h"
#include "core/names.h"
#include "images/imgcheck.h"
#include "images/template.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* How long a guest gets to release an unplugged disk (PCIe waits 5 s). */
#define HWDISK_UNPLUG_WAIT	30000

/* ---- Pure helpers -------------------------------------------------------- */

static struct vm_disk *
hwdisk_find(const struct vm_def *def, const char *name)
{
	size_t	i;

	for (i = 0; i < def->ndisks; i++) {
		if (strcmp(def->disks[i].name, name) == 0)
			return (&def->disks[i]);
	}
	return (NULL);
}

char *
hwdisk_free_name(const struct vm_def *def)
{
	char	*name;
	int	 n;

	for (n = 1;; n++) {
		name = xasprintf("disk%d", n);
		if (hwdisk_find(def, name) == NULL)
			return (name);
		free(name);
	}
}

int
hwdisk_grow_size(const char *text, uint64_t current, uint64_t *out,
    char **cause)
{
	uint64_t	 n;
	char		*why = NULL, *a, *b;
	int		 plus = text[0] == '+';

	if (str_to_size(text + plus, 1ULL << 30, &n, &why) != 0) {
		*cause = xasprintf("size '%s': %s", text, why);
		free(why);
		return (-1);
	}
	if (plus && n > UINT64_MAX - current) {
		*cause = xasprintf("size '%s' is too large", text);
		return (-1);
	}
	*out = plus ? current + n : n;
	if (*out > current)
		return (0);
	a = str_size_short(current);
	b = str_size_short(*out);
	*cause = xasprintf("the disk is %s: disk resize only grows a disk "
	    "(%s would %s; shrinking loses what the guest keeps at its end)",
	    a, b, *out == current ? "change nothing" : "shrink it");
	free(a);
	free(b);
	return (-1);
}

int
hwdisk_file_is_ours(const struct vm_disk *d)
{
	return (strchr(d->file, '/') == NULL && strcmp(d->file, ".") != 0 &&
	    strcmp(d->file, "..") != 0);
}

/* Whether path is dir or inside it (both resolved). */
static int
hwdisk_under(const char *path, const char *dir)
{
	size_t	n = strlen(dir);

	return (strncmp(path, dir, n) == 0 && (path[n] == '/' ||
	    path[n] == '\0'));
}

/* ---- Files from outside -------------------------------------------------- */

/*
 * Resolve a file a person names, once: a regular file, readable (and
 * writable unless ro), neither in another VM's folder nor in the runtime
 * folder. *real gets the resolved path (caller frees).
 */
static int
hwdisk_resolve(const struct library *lib, const char *vm, const char *file,
    int ro, char **real, char **cause)
{
	char		 buf[PATH_MAX], vms[PATH_MAX], run[PATH_MAX], *own;
	struct stat	 sb;
	int		 bad = 0;

	if (realpath(file, buf) == NULL || stat(buf, &sb) != 0) {
		*cause = xasprintf("%s: %s", file, strerror(errno));
		return (-1);
	}
	if (!S_ISREG(sb.st_mode) || access(buf, ro ? R_OK : R_OK|W_OK) != 0) {
		*cause = xasprintf("%s: not a regular file this user can %s",
		    file, ro ? "read" : "read and write");
		return (-1);
	}
	if (realpath(lib->vms, vms) == NULL)
		snprintf(vms, sizeof vms, "%s", lib->vms);
	if (realpath(lib->runtime, run) == NULL)
		snprintf(run, sizeof run, "%s", lib->runtime);
	own = fs_path_join(vms, vm);
	if (hwdisk_under(buf, run))
		bad = 1;
	else if (hwdisk_under(buf, vms) && !hwdisk_under(buf, own))
		bad = 2;
	free(own);
	if (bad) {
		*cause = xasprintf("%s is inside %s: refused (it belongs "
		    "to %s)", buf, bad == 1 ? run : vms, bad == 1 ?
		    "vmdesk's runtime folder" : "another VM");
		return (-1);
	}
	*real = xstrdup(buf);
	return (0);
}

/* Whether two paths name one file. */
static int
hwdisk_same_file(const char *a, const char *b)
{
	struct stat	sa, sb;

	return (stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

/* An image attached with --file: checked, its format told by its bytes. */
static int
hwdisk_check_image(const struct vm_def *def, const char *vmdir,
    const char *real, enum vm_disk_format *fmt, char **cause)
{
	char	*path;
	size_t	 i;
	int	 f;

	for (i = 0; i < def->ndisks; i++) {
		path = vmdef_disk_path(&def->disks[i], vmdir);
		f = hwdisk_same_file(path, real);
		free(path);
		if (f) {
			*cause = xasprintf("%s is already disk %s of VM %s",
			    real, def->disks[i].name, def->name);
			return (-1);
		}
	}
	if ((f = imgcheck_file(real, NULL, -1, NULL, 0, cause)) < 0)
		return (-1);
	if (f != TEMPLATE_FORMAT_QCOW2 && f != TEMPLATE_FORMAT_RAW) {
		*cause = xasprintf("%s is in %s format: convert it first "
		    "(qemu-img convert -O qcow2)%s", real,
		    template_format_name(f), f == TEMPLATE_FORMAT_ISO ?
		    ", or put it in the CD drive (vmdesk media insert)" : "");
		return (-1);
	}
	*fmt = f == TEMPLATE_FORMAT_QCOW2 ? VM_FORMAT_QCOW2 : VM_FORMAT_RAW;
	return (0);
}

/* ---- QMP steps ----------------------------------------------------------- */

/* Whether QEMU has a device of that id (the controllers, the CD). */
static int
hwdisk_qmp_has(struct qmp *q, const char *id, char **cause)
{
	json_t	*r, *v;
	size_t	 i;
	int	 found = 0;

	r = qmp_command(q, "qom-list", json_pack("{s:s}", "path",
	    "/machine/peripheral"), VMPROC_QMP_TIMEOUT, cause);
	if (r == NULL)
		return (-1);
	json_array_foreach(r, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "name")),
		    id) == 0)
			found = 1;
	}
	json_decref(r);
	return (found);
}

/*
 * The hot-plug root port (hotplugN) a device sits on, or a free one when
 * id is NULL: *port gets it, or NULL when there is none. Caller frees.
 */
static int
hwdisk_qmp_port(struct qmp *q, const char *id, char **port, char **cause)
{
	json_t		*r, *bus, *dev, *kids, *k;
	const char	*qid, *kid;
	size_t		 i, j, m;

	*port = NULL;
	r = qmp_command(q, "query-pci", NULL, VMPROC_QMP_TIMEOUT, cause);
	if (r == NULL)
		return (-1);
	json_array_foreach(r, i, bus) {
		json_array_foreach(json_object_get(bus, "devices"), j, dev) {
			qid = json_string_value(json_object_get(dev,
			    "qdev_id"));
			if (qid == NULL || strncmp(qid, QEMU_ARGV_HOTPLUG_PORT,
			    strlen(QEMU_ARGV_HOTPLUG_PORT)) != 0)
				continue;
			kids = json_object_get(json_object_get(dev,
			    "pci_bridge"), "devices");
			json_array_foreach(kids, m, k) {
				kid = json_string_value(json_object_get(k,
				    "qdev_id"));
				if (id != NULL && kid != NULL &&
				    strcmp(id, kid) == 0)
					break;
			}
			if (*port == NULL && (id != NULL ?
			    m < json_array_size(kids) :
			    json_array_size(kids) == 0))
				*port = xstrdup(qid);
		}
	}
	json_decref(r);
	return (0);
}

/* Where a hot-plugged disk goes: *bus (NULL: QEMU picks); 1: nowhere. */
static int
hwdisk_live_bus(struct qmp *q, const struct vm_def *def,
    const struct vm_disk *d, char **bus, char **cause)
{
	int	has;

	*bus = NULL;
	if (!qemu_argv_disk_hotplug(def, d->bus))
		return (1);
	if (d->bus == VM_BUS_SCSI || d->bus == VM_BUS_USB) {
		has = hwdisk_qmp_has(q, d->bus == VM_BUS_SCSI ?
		    QEMU_ARGV_SCSI_ID : QEMU_ARGV_USB_ID, cause);
		return (has < 0 ? -1 : !has);
	}
	if (!qemu_argv_pcie(def))
		return (0);
	if (hwdisk_qmp_port(q, NULL, bus, cause) != 0)
		return (-1);
	return (*bus == NULL);
}

/* "driver,key=value,..." (names vmdesk checked: no commas) as a dict. */
static json_t *
hwdisk_device_args(const char *opts)
{
	json_t	*j;
	char	*copy, *tok, *save = NULL, *eq;

	j = json_object();
	copy = xstrdup(opts);
	tok = strtok_r(copy, ",", &save);
	json_object_set_new(j, "driver", json_string(tok));
	while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
		if ((eq = strchr(tok, '=')) == NULL)
			fatal("device option %s without a value", tok);
		*eq = '\0';
		json_object_set_new(j, tok, json_string(eq + 1));
	}
	free(copy);
	return (j);
}

/* Open a disk's file in QEMU (node disk-NAME), pinned: no probing. */
static int
hwdisk_qmp_blockdev(struct qmp *q, const struct vm_disk *d,
    const char *path, char **cause)
{
	json_t	*args, *r;
	char	*id;

	id = qemu_argv_disk_id(d->name);
	args = json_pack("{s:s, s:s, s:b, s:{s:s, s:s}}", "driver",
	    vmdef_format_name(d->format), "node-name", id, "read-only",
	    d->readonly, "file", "driver", "file", "filename", path);
	if (d->format == VM_FORMAT_QCOW2)
		json_object_set_new(args, "backing", json_null());
	free(id);
	if ((r = qmp_command(q, "blockdev-add", args, VMPROC_QMP_TIMEOUT,
	    cause)) == NULL)
		return (-1);
	json_decref(r);
	return (0);
}

/* Close a node vmdesk opened with blockdev-add, if it is still there. */
static void
hwdisk_qmp_blockdev_del(struct qmp *q, const char *id)
{
	json_t	*r, *n;
	char	*why = NULL;
	size_t	 i;
	int	 found = 0;

	r = qmp_command(q, "query-named-block-nodes", json_pack("{s:b}",
	    "flat", 1), VMPROC_QMP_TIMEOUT, &why);
	json_array_foreach(r, i, n) {
		if (strcmp(json_string_value(json_object_get(n, "node-name")),
		    id) == 0)
			found = 1;
	}
	json_decref(r);
	free(why);
	why = NULL;
	if (!found)
		return;	/* a -drive disk: QEMU closed it with its device */
	json_decref(qmp_command(q, "blockdev-del", json_pack("{s:s}",
	    "node-name", id), VMPROC_QMP_TIMEOUT, &why));
	free(why);
}

/* ---- disk add ------------------------------------------------------------ */

struct hwdisk_add_ctx {
	const struct library	*lib;
	const char		*vm;
	struct hwdisk_add	*opts;
	int			 created;	/* opts->path is a new file */
	int			 deferred;	/* at the next start */
};

static int
hwdisk_add_file(struct hwdisk_add_ctx *c, struct vm_def *def,
    const char *vmdir, struct vm_disk *d, char **cause)
{
	struct hwdisk_add	*o = c->opts;

	if (o->file != NULL) {
		if (hwdisk_resolve(c->lib, c->vm, o->file, o->readonly,
		    &o->path, cause) != 0 || hwdisk_check_image(def, vmdir,
		    o->path, &d->format, cause) != 0)
			return (-1);
		d->file = xstrdup(o->path);
		return (0);
	}
	d->file = xasprintf("%s.qcow2", d->name);
	o->path = fs_path_join(vmdir, d->file);
	if (access(o->path, F_OK) == 0) {
		*cause = xasprintf("%s already exists: vmdesk will not write "
		    "over it (attach it with --file, or pick another --name)",
		    o->path);
		return (-1);
	}
	if (qemu_img_create(o->path, o->size, NULL, cause) != 0)
		return (-1);
	c->created = 1;
	return (0);
}

static int
hwdisk_add_edit(struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_add_ctx	*c = arg;
	struct hwdisk_add	*o = c->opts;
	struct vm_disk		*d, tmp;
	char			*vmdir;
	int			 rc;

	o->name = o->disk != NULL ? xstrdup(o->disk) : hwdisk_free_name(def);
	if (name_check(o->name, "disk", cause) != 0)
		return (-1);
	if (hwdisk_find(def, o->name) != NULL) {
		*cause = xasprintf("VM %s already has a disk %s", def->name,
		    o->name);
		return (-1);
	}
	memset(&tmp, 0, sizeof tmp);
	tmp.name = o->name;
	tmp.format = VM_FORMAT_QCOW2;
	vmdir = library_vm_dir(c->lib, c->vm);
	rc = hwdisk_add_file(c, def, vmdir, &tmp, cause);
	free(vmdir);
	if (rc != 0) {
		free(tmp.file);
		return (-1);
	}
	d = vmdef_add_item(def, "disk", o->name);
	free(d->file);
	d->file = tmp.file;
	d->format = tmp.format;
	d->bus = o->bus;
	d->readonly = o->readonly;
	return (0);
}

static int
hwdisk_add_live(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_add_ctx	*c = arg;
	const struct vm_disk	*d = hwdisk_find(def, c->opts->name);
	json_t			*r;
	char			*bus, *dev, *id;
	int			 rc;

	(void)p;
	if ((rc = hwdisk_live_bus(q, def, d, &bus, cause)) != 0) {
		c->deferred = rc > 0;
		return (rc > 0 ? 0 : -1);
	}
	if (hwdisk_qmp_blockdev(q, d, c->opts->path, cause) != 0) {
		free(bus);
		return (-1);
	}
	dev = qemu_argv_disk_device(def, d, bus);
	r = qmp_command(q, "device_add", hwdisk_device_args(dev),
	    VMPROC_QMP_TIMEOUT, cause);
	free(dev);
	free(bus);
	if (r == NULL) {
		id = qemu_argv_disk_id(d->name);
		hwdisk_qmp_blockdev_del(q, id);
		free(id);
		return (-1);
	}
	json_decref(r);
	return (0);
}

int
hwdisk_add(const struct library *lib, const char *vm, struct hwdisk_add *o,
    enum vmctl_when *when, char **cause)
{
	struct hwdisk_add_ctx	 c = { lib, vm, o, 0, 0 };
	struct vmctl_change	 ch = { hwdisk_add_edit, hwdisk_add_live, &c };

	if ((o->size != 0) == (o->file != NULL)) {
		*cause = xstrdup("disk add needs --size SIZE (a new disk) or "
		    "--file PATH (an image), not both");
		return (-1);
	}
	if (vmctl_change(lib, vm, &ch, when, cause) != 0) {
		if (c.created)
			unlink(o->path);
		return (-1);
	}
	if (c.deferred)
		*when = VMCTL_WHEN_RESTART;
	return (0);
}

void
hwdisk_add_clear(struct hwdisk_add *o)
{
	free(o->name);
	free(o->path);
	o->name = o->path = NULL;
}

/* ---- disk resize --------------------------------------------------------- */

struct hwdisk_resize_ctx {
	const char		*disk;
	const char		*size;
	const struct vm_paths	*paths;
	uint64_t		 bytes;		/* the new size */
};

/* qemu-img resize of a stopped VM's disk. */
static int
hwdisk_resize_file(const char *path, const struct vm_disk *d, uint64_t n,
    char **cause)
{
	struct strv	args;
	int		rc;

	strv_init(&args);
	strv_push(&args, "resize");
	strv_push(&args, "-q");
	strv_push(&args, "-f");
	strv_push(&args, vmdef_format_name(d->format));
	strv_push(&args, path);
	strv_pushf(&args, "%llu", (unsigned long long)n);
	rc = qemu_img_run(&args, NULL, cause);
	strv_clear(&args);
	return (rc);
}

static int
hwdisk_resize_edit(struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_resize_ctx	*c = arg;
	struct qemu_img_info		 info;
	const struct vm_disk		*d;
	char				*path, *why = NULL;
	int				 rc = -1;

	if ((d = hwdisk_find(def, c->disk)) == NULL) {
		*cause = xasprintf("VM %s has no disk %s (vmdesk disk list %s)",
		    def->name, c->disk, def->name);
		return (-1);
	}
	if (d->readonly) {
		*cause = xasprintf("disk %s is readonly", d->name);
		return (-1);
	}
	path = vmdef_disk_path(d, c->paths->vmdir);
	/* Shared (-U): a running QEMU holds the image's write lock. */
	if (qemu_img_info(path, vmdef_format_name(d->format), 1, &info,
	    &why) != 0)
		*cause = xasprintf("disk %s: %s", d->name, why);
	else if (hwdisk_grow_size(c->size, info.virtual_size, &c->bytes,
	    &why) != 0)
		*cause = xasprintf("disk %s: %s", d->name, why);
	else if (vmproc_pid(c->paths) > 0)
		rc = 0;		/* the live step resizes it */
	else
		rc = hwdisk_resize_file(path, d, c->bytes, cause);
	qemu_img_info_clear(&info);
	free(why);
	free(path);
	return (rc);
}

/*
 * The node QEMU has a disk's image in: the -drive's auto-named node
 * ("device": disk-NAME), or disk-NAME itself once hot-plugged. Caller
 * frees.
 */
static char *
hwdisk_qmp_node(struct qmp *q, const char *disk, char **cause)
{
	json_t		*r, *b;
	const char	*dev, *node;
	char		*id, *out = NULL;
	size_t		 i;

	if ((r = qmp_command(q, "query-block", NULL, VMPROC_QMP_TIMEOUT,
	    cause)) == NULL)
		return (NULL);
	id = qemu_argv_disk_id(disk);
	json_array_foreach(r, i, b) {
		dev = json_string_value(json_object_get(b, "device"));
		node = json_string_value(json_object_get(json_object_get(b,
		    "inserted"), "node-name"));
		if (out == NULL && node != NULL && ((dev != NULL &&
		    strcmp(dev, id) == 0) || strcmp(node, id) == 0))
			out = xstrdup(node);
	}
	if (out == NULL)
		*cause = xasprintf("QEMU has no disk %s: it was added while "
		    "the VM ran and waits for its next start", disk);
	free(id);
	json_decref(r);
	return (out);
}

static int
hwdisk_resize_live(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_resize_ctx	*c = arg;
	json_t				*r;
	char				*node;

	(void)p;
	(void)def;
	if ((node = hwdisk_qmp_node(q, c->disk, cause)) == NULL)
		return (-1);
	r = qmp_command(q, "block_resize", json_pack("{s:s, s:I}",
	    "node-name", node, "size", (json_int_t)c->bytes),
	    VMPROC_QMP_TIMEOUT, cause);
	free(node);
	if (r == NULL)
		return (-1);
	json_decref(r);
	return (0);
}

int
hwdisk_resize(const struct library *lib, const char *vm, const char *disk,
    const char *size, uint64_t *bytes, enum vmctl_when *when, char **cause)
{
	struct vm_paths			 p;
	struct hwdisk_resize_ctx	 c = { disk, size, &p, 0 };
	struct vmctl_change		 ch = { hwdisk_resize_edit,
					    hwdisk_resize_live, &c };
	int				 rc;

	if (vmctl_paths(lib, vm, &p, cause) != 0)
		return (-1);
	rc = vmctl_change(lib, vm, &ch, when, cause);
	vm_paths_clear(&p);
	*bytes = c.bytes;
	return (rc);
}

/* ---- disk remove --------------------------------------------------------- */

struct hwdisk_remove_ctx {
	const struct library	*lib;
	const char		*vm;
	const char		*disk;
	int			 flags;
	struct hwdisk_removed	*out;
	enum vm_disk_bus	 bus;
	int			 deferred;
};

/* Whether one disk's chain holds the file sb. 1: yes or cannot tell. */
static int
hwdisk_chain_uses(const char *path, const struct vm_disk *d,
    const struct stat *sb)
{
	struct qemu_img_chain	c;
	int			used;

	qemu_img_chain(path, vmdef_format_name(d->format), 1, &c);
	used = qemu_img_chain_has(&c, sb->st_dev, sb->st_ino) ||
	    (c.broken != NULL && c.n > 0 && !c.v[c.n - 1].missing);
	qemu_img_chain_clear(&c);
	return (used);
}

/* Which disk of def uses sb in its chain: its name, or NULL. */
static const char *
hwdisk_def_uses(const struct vm_def *def, const char *vmdir,
    const struct stat *sb)
{
	const char	*who = NULL;
	char		*path;
	size_t		 i;

	for (i = 0; i < def->ndisks && who == NULL; i++) {
		path = vmdef_disk_path(&def->disks[i], vmdir);
		if (hwdisk_chain_uses(path, &def->disks[i], sb))
			who = def->disks[i].name;
		free(path);
	}
	return (who);
}

/*
 * Why the file must stay: another disk (of this VM, def, or another)
 * or its backing chain uses it, or a VM cannot be read. Caller frees.
 */
static char *
hwdisk_file_users(const struct library *lib, const struct vm_def *self,
    const char *path)
{
	struct strv	 vms;
	struct vm_def	*def;
	struct stat	 sb;
	const char	*who;
	char		*dir, *why = NULL, *cause = NULL;
	size_t		 i;

	if (stat(path, &sb) != 0)
		return (NULL);
	strv_init(&vms);
	if (library_list(lib, &vms, &cause) != 0) {
		why = xasprintf("the VMs cannot be listed (%s)", cause);
		free(cause);
	}
	for (i = 0; i < vms.n && why == NULL; i++) {
		def = strcmp(vms.v[i], self->name) == 0 ? NULL :
		    library_load(lib, vms.v[i], &cause);
		if (def == NULL && strcmp(vms.v[i], self->name) != 0) {
			why = xasprintf("VM %s cannot be read (%s)", vms.v[i],
			    cause);
			free(cause);
			break;
		}
		dir = library_vm_dir(lib, vms.v[i]);
		if ((who = hwdisk_def_uses(def != NULL ? def : self, dir,
		    &sb)) != NULL)
			why = xasprintf("disk %s of VM %s uses it (directly or "
			    "as a backing file)", who, vms.v[i]);
		free(dir);
		vmdef_free(def);
	}
	strv_clear(&vms);
	return (why);
}

static int
hwdisk_remove_edit(struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_remove_ctx	*c = arg;
	struct vm_disk			*d;
	char				*dir;
	int				 ours;

	if ((d = hwdisk_find(def, c->disk)) == NULL) {
		*cause = xasprintf("VM %s has no disk %s (vmdesk disk list %s)",
		    def->name, c->disk, def->name);
		return (-1);
	}
	if (d == &def->disks[0] && !(c->flags & HWDISK_BOOT_DISK)) {
		*cause = xasprintf("disk %s is VM %s's first disk, the one it "
		    "boots from: add --boot-disk to remove it", d->name,
		    def->name);
		return (-1);
	}
	c->bus = d->bus;
	ours = hwdisk_file_is_ours(d);
	dir = library_vm_dir(c->lib, c->vm);
	c->out->path = vmdef_disk_path(d, dir);
	free(dir);
	vmdef_remove_item(def, "disk", c->disk);
	if (c->flags & HWDISK_KEEP_FILE)
		return (0);
	if (!ours)
		c->out->kept_why = xstrdup("vmdesk did not create it (it was "
		    "attached with --file)");
	else
		c->out->kept_why = hwdisk_file_users(c->lib, def,
		    c->out->path);
	return (0);
}

/* Whether the running VM can let go of the disk now. */
static int
hwdisk_remove_can(struct hwdisk_remove_ctx *c, struct qmp *q,
    const struct vm_def *def, const char *id, char **cause)
{
	char	*port = NULL;

	if (!qemu_argv_disk_hotplug(def, c->bus))
		return (0);
	if (!qemu_argv_pcie(def) || (c->bus != VM_BUS_VIRTIO &&
	    c->bus != VM_BUS_NVME))
		return (1);
	/* On q35 and virt, only a disk on a hot-plug root port can leave. */
	if (hwdisk_qmp_port(q, id, &port, cause) != 0)
		return (-1);
	free(port);
	return (port != NULL);
}

/* device_del, and wait for QEMU to say the guest let the disk go. */
static int
hwdisk_unplug(struct qmp *q, const char *id, char **cause)
{
	json_t		*r, *ev;
	const char	*dev;
	int		 done = 0;

	if ((r = qmp_command(q, "device_del", json_pack("{s:s}", "id", id),
	    VMPROC_QMP_TIMEOUT, cause)) == NULL)
		return (-1);
	json_decref(r);
	/* A device's parts go first (its virtio-backend, no "device"). */
	while (!done) {
		if ((ev = qmp_wait_event(q, "DEVICE_DELETED",
		    HWDISK_UNPLUG_WAIT, cause)) == NULL)
			return (-1);
		dev = json_string_value(json_object_get(json_object_get(ev,
		    "data"), "device"));
		done = dev != NULL && strcmp(dev, id) == 0;
		json_decref(ev);
	}
	hwdisk_qmp_blockdev_del(q, id);
	return (0);
}

static int
hwdisk_remove_live(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_remove_ctx	*c = arg;
	char				*id, *why = NULL;
	int				 can, rc = -1;

	(void)p;
	id = qemu_argv_disk_id(c->disk);
	/* Added while the VM ran, for its next start: QEMU never had it. */
	if ((can = hwdisk_qmp_has(q, id, cause)) <= 0) {
		rc = can;
		goto out;
	}
	if ((can = hwdisk_remove_can(c, q, def, id, cause)) < 0)
		goto out;
	if (!can && (c->flags & HWDISK_KEEP_FILE)) {
		c->deferred = 1;
		rc = 0;
	} else if (!can)
		*cause = xasprintf("disk %s cannot leave the running VM (%s "
		    "bus%s): stop the VM first, or add --keep-file to remove "
		    "it at its next start", c->disk, vmdef_bus_name(c->bus),
		    qemu_argv_disk_hotplug(def, c->bus) ? "; on q35 only "
		    "disks added while it runs can" : "");
	else if ((rc = hwdisk_unplug(q, id, &why)) != 0) {
		*cause = xasprintf("disk %s: %s (the guest did not release "
		    "it: in use, or no hot-plug support)", c->disk, why);
		free(why);
	}
out:
	free(id);
	return (rc);
}

/* Delete the file under the VM's lock, if still no disk names it. */
static void
hwdisk_remove_file(const struct library *lib, const char *vm,
    struct hwdisk_removed *out)
{
	struct vm_lock	*lock;
	struct vm_def	*def = NULL;
	char		*cause = NULL;

	if ((lock = library_lock(lib, vm, VMCTL_LOCK_WAIT, &cause)) == NULL ||
	    (def = library_load(lib, vm, &cause)) == NULL)
		out->kept_why = cause;
	else if ((out->kept_why = hwdisk_file_users(lib, def,
	    out->path)) == NULL) {
		if (unlink(out->path) == 0 || errno == ENOENT)
			out->deleted = 1;
		else
			out->kept_why = xasprintf("cannot delete it: %s",
			    strerror(errno));
	}
	vmdef_free(def);
	library_unlock(lock);
}

int
hwdisk_remove(const struct library *lib, const char *vm, const char *disk,
    int flags, struct hwdisk_removed *out, enum vmctl_when *when,
    char **cause)
{
	struct hwdisk_remove_ctx	 c = { lib, vm, disk, flags, out, 0,
					    0 };
	struct vmctl_change		 ch = { hwdisk_remove_edit,
					    hwdisk_remove_live, &c };

	memset(out, 0, sizeof *out);
	if (vmctl_change(lib, vm, &ch, when, cause) != 0)
		return (-1);
	if (c.deferred)
		*when = VMCTL_WHEN_RESTART;
	if (!(flags & HWDISK_KEEP_FILE) && out->kept_why == NULL &&
	    !c.deferred)
		hwdisk_remove_file(lib, vm, out);
	return (0);
}

void
hwdisk_removed_clear(struct hwdisk_removed *out)
{
	free(out->path);
	free(out->kept_why);
	memset(out, 0, sizeof *out);
}

/* ---- media --------------------------------------------------------------- */

struct hwdisk_media_ctx {
	const struct library	*lib;
	const char		*vm;
	const char		*file;		/* insert: as given */
	char			*path;		/* insert: resolved */
	int			 force;
	int			 deferred;
};

static int
hwdisk_insert_edit(struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_media_ctx	*c = arg;
	int			 f;

	if (def->machine == VM_MACHINE_MICROVM) {
		*cause = xasprintf("VM %s is a microvm: it has no CD drive",
		    def->name);
		return (-1);
	}
	if (c->path == NULL && hwdisk_resolve(c->lib, c->vm, c->file, 1,
	    &c->path, cause) != 0)
		return (-1);
	/* An ISO or plain bytes; QEMU reads the CD as raw, never probed. */
	if ((f = imgcheck_file(c->path, NULL, TEMPLATE_FORMAT_ISO, NULL, 0,
	    cause)) < 0)
		return (-1);
	free(def->boot.iso);
	def->boot.iso = xstrdup(c->path);
	return (0);
}

static int
hwdisk_insert_live(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_media_ctx	*c = arg;
	json_t			*r;
	int			 has;

	(void)p;
	(void)def;
	if ((has = hwdisk_qmp_has(q, QEMU_ARGV_CDROM_ID, cause)) <= 0) {
		c->deferred = has == 0;
		return (has);
	}
	r = qmp_command(q, "blockdev-change-medium", json_pack("{s:s, s:s, "
	    "s:s, s:s}", "id", QEMU_ARGV_CDROM_ID, "filename", c->path,
	    "format", "raw", "read-only-mode", "read-only"),
	    VMPROC_QMP_TIMEOUT, cause);
	if (r == NULL)
		return (-1);
	json_decref(r);
	return (0);
}

int
hwdisk_media_insert(const struct library *lib, const char *vm,
    const char *file, char **path, enum vmctl_when *when, char **cause)
{
	struct hwdisk_media_ctx	c = { lib, vm, file, NULL, 0, 0 };
	struct vmctl_change	ch = { hwdisk_insert_edit, hwdisk_insert_live,
				    &c };

	*path = NULL;
	if (vmctl_change(lib, vm, &ch, when, cause) != 0) {
		free(c.path);
		return (-1);
	}
	if (c.deferred)
		*when = VMCTL_WHEN_RESTART;
	*path = c.path;
	return (0);
}

static int
hwdisk_eject_edit(struct vm_def *def, void *arg, char **cause)
{
	(void)arg;
	(void)cause;
	free(def->boot.iso);
	def->boot.iso = NULL;
	return (0);
}

static int
hwdisk_eject_live(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	struct hwdisk_media_ctx	*c = arg;
	json_t			*r;
	char			*why = NULL;
	int			 has;

	(void)p;
	(void)def;
	if ((has = hwdisk_qmp_has(q, QEMU_ARGV_CDROM_ID, cause)) <= 0)
		return (has);
	r = qmp_command(q, "eject", json_pack("{s:s, s:b}", "id",
	    QEMU_ARGV_CDROM_ID, "force", c->force), VMPROC_QMP_TIMEOUT, &why);
	if (r != NULL) {
		json_decref(r);
		return (0);
	}
	/* The guest locks the tray while it has the disc mounted. */
	*cause = xasprintf("%s%s", why, strstr(why, "locked") != NULL ?
	    ": the guest holds the CD (mounted?); unmount it in the guest, "
	    "or eject with --force" : "");
	free(why);
	return (-1);
}

int
hwdisk_media_eject(const struct library *lib, const char *vm, int force,
    enum vmctl_when *when, char **cause)
{
	struct hwdisk_media_ctx	c = { lib, vm, NULL, NULL, force, 0 };
	struct vmctl_change	ch = { hwdisk_eject_edit, hwdisk_eject_live,
				    &c };

	return (vmctl_change(lib, vm, &ch, when, cause));
}

/* ---- list ---------------------------------------------------------------- */

/* Virtual and allocated size of a disk from qemu-img info. */
static void
hwdisk_sizes(const char *path, const struct vm_disk *d, json_t *j)
{
	struct qemu_img_info	 info;
	char			*cause = NULL;

	/* Shared: a running VM holds the write lock; we only read. */
	if (qemu_img_info(path, vmdef_format_name(d->format), 1, &info,
	    &cause) == 0) {
		json_object_set_new(j, "virtual_size",
		    json_integer((json_int_t)info.virtual_size));
		json_object_set_new(j, "actual_size",
		    json_integer((json_int_t)info.actual_size));
		if (info.backing != NULL)
			json_object_set_new(j, "backing_file",
			    json_string(info.backing));
	} else
		json_object_set_new(j, "error", json_string(cause));
	qemu_img_info_clear(&info);
	free(cause);
}

json_t *
hwdisk_list_json(const struct vm_def *def, const char *vmdir)
{
	json_t	*arr, *d;
	char	*path;
	size_t	 i;

	arr = json_array();
	for (i = 0; i < def->ndisks; i++) {
		d = json_object();
		json_object_set_new(d, "name", json_string(def->disks[i].name));
		vmdef_section_json("disk", &def->disks[i], d);
		path = vmdef_disk_path(&def->disks[i], vmdir);
		json_object_set_new(d, "file", json_string(path));
		if (access(path, R_OK) == 0)
			hwdisk_sizes(path, &def->disks[i], d);
		else
			json_object_set_new(d, "error",
			    json_string("file is missing"));
		free(path);
		json_array_append_new(arr, d);
	}
	return (arr);
}

json_t *
hwdisk_cdrom_json(const struct vm_def *def, const char *vmdir)
{
	json_t	*j;
	char	*path;

	j = json_object();
	if (def->boot.iso == NULL) {
		json_object_set_new(j, "file", json_null());
		return (j);
	}
	path = def->boot.iso[0] == '/' ? xstrdup(def->boot.iso) :
	    fs_path_join(vmdir, def->boot.iso);
	json_object_set_new(j, "file", json_string(path));
	free(path);
	return (j);
}
