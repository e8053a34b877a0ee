/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's devices, as the disk, media, share, forward, nic and usb
 * commands see them: every disk, the CD drive, each NIC with its network
 * and forwards, shared folders and USB devices. Keys add, remove, resize,
 * insert and eject; each change runs as a job (live through the monitor
 * where QEMU can, else at the next start, and the status line says
 * which). The rows come from the definition the desktop already holds:
 * no file is read while drawing.
 */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vmdef.h"
#include "ops/hwdisk.h"
#include "ops/hwfwd.h"
#include "ops/hwnet.h"
#include "ops/hwshare.h"
#include "ops/hwusb.h"
#include "ops/vmctl.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* One row: a device of one kind. */
struct dev_row {
	const char	*kind;		/* "disk", "cdrom", "nic", "share", "usb" */
	char		*name;		/* its name in vm.conf */
	char		*what;		/* how it is, in words */
};

struct devices {
	char		*vm;
	struct dev_row	*rows;
	size_t		 n;
	size_t		 sel;
	size_t		 top;
	long long	 mtime;		/* of the definition the rows show */
};

/* A change, as its dialog gives it: run in the job's child process. */
typedef int (*dev_run_fn)(const struct library *, const char *,
    const char *, const char *, enum vmctl_when *, char **);

/* What a job does: the change, on which VM, on which device, with what. */
struct dev_job {
	dev_run_fn	 run;
	char		*vm;
	char		*item;		/* the selected device, or NULL */
	char		*text;		/* the dialog's answer, or NULL */
	char		*done;		/* what to say when it worked */
};

/* ---- the changes ---------------------------------------------------------- */

/* "1G" is a new disk of that size; anything else, an image file. */
static int
dev_disk_add(const struct library *lib, const char *vm, const char *item,
    const char *text, enum vmctl_when *when, char **cause)
{
	struct hwdisk_add	 a;
	char			*why = NULL;
	int			 rc;

	(void)item;
	memset(&a, 0, sizeof a);
	a.bus = VM_BUS_VIRTIO;
	/* A bare number is GiB, as vmdesk disk add --size takes it. */
	if (str_to_size(text, 1ULL << 30, &a.size, &why) != 0) {
		free(why);
		a.size = 0;
		a.file = text;
	}
	rc = hwdisk_add(lib, vm, &a, when, cause);
	hwdisk_add_clear(&a);
	return (rc);
}

static int
dev_disk_resize(const struct library *lib, const char *vm, const char *item,
    const char *text, enum vmctl_when *when, char **cause)
{
	uint64_t	bytes;

	return (hwdisk_resize(lib, vm, item, text, &bytes, when, cause));
}

static int
dev_media_insert(const struct library *lib, const char *vm, const char *item,
    const char *text, enum vmctl_when *when, char **cause)
{
	char	*path = NULL;
	int	 rc;

	(void)item;
	rc = hwdisk_media_insert(lib, vm, text, &path, when, cause);
	free(path);
	return (rc);
}

static int
dev_media_eject(const struct library *lib, const char *vm, const char *item,
    const char *text, enum vmctl_when *when, char **cause)
{
	(void)item;
	(void)text;
	return (hwdisk_media_eject(lib, vm, 0, when, cause));
}

static int
dev_share_add(const struct library *lib, const char *vm, const char *item,
    const char *text, enum vmctl_when *when, char **cause)
{
	struct hwshare_add	 a;
	char			*name = NULL;
	int			 rc;

	(void)item;
	memset(&a, 0, sizeof a);
	a.dir = text;
	a.mode = VM_SHARE_AUTO;
	rc = hwshare_add(lib, vm, &a, &name, when, cause);
	free(name);
	return (rc);
}

/* "VENDOR:PRODUCT" is a host device; anything else, a stick's image. */
static int
dev_usb_add(const struct library *lib, const char *vm, const char *item,
    const char *text, enum vmctl_when *when, char **cause)
{
	struct hwusb_opts	 o;
	char			*name = NULL;
	unsigned		 vendor, product;
	int			 rc;

	(void)item;
	memset(&o, 0, sizeof o);
	if (vmdef_usb_id(text, &vendor, &product) == 0)
		o.host = text;
	else
		o.file = text;
	rc = hwusb_add(lib, vm, &o, &name, when, cause);
	free(name);
	return (rc);
}

static int
dev_nic_add(const struct library *lib, const char *vm, const char *item,
    const char *text, enum vmctl_when *when, char **cause)
{
	struct hwnet_opts	 o;
	char			*name = NULL;
	int			 rc;

	(void)item;
	o.model = -1;
	o.net = text;
	rc = hwnet_add(lib, vm, &o, &name, when, cause);
	free(name);
	return (rc);
}

static int
dev_forward_add(const struct library *lib, const char *vm, const char *item,
    const char *text, enum vmctl_when *when, char **cause)
{
	char	*nic = NULL;
	int	 rc;

	(void)item;
	rc = hwfwd_add(lib, vm, text, NULL, &nic, when, cause);
	free(nic);
	return (rc);
}

/* Removing the selected row: each kind its own way. */
static int
dev_remove(const struct library *lib, const char *vm, const char *item,
    const char *kind, enum vmctl_when *when, char **cause)
{
	struct hwdisk_removed	r;
	int			rc;

	if (strcmp(kind, "share") == 0)
		return (hwshare_remove(lib, vm, item, when, cause));
	if (strcmp(kind, "usb") == 0)
		return (hwusb_remove(lib, vm, item, when, cause));
	if (strcmp(kind, "nic") == 0)
		return (hwnet_remove(lib, vm, item, when, cause));
	if (strcmp(kind, "cdrom") == 0)
		return (hwdisk_media_eject(lib, vm, 0, when, cause));
	/* The desktop keeps the disk's file: the CLI deletes, when asked. */
	memset(&r, 0, sizeof r);
	rc = hwdisk_remove(lib, vm, item, HWDISK_KEEP_FILE, &r, when, cause);
	hwdisk_removed_clear(&r);
	return (rc);
}

/* ---- jobs ----------------------------------------------------------------- */

static int
dev_job_run(struct app *app, void *arg, int fd, char **cause)
{
	struct dev_job	*dj = arg;
	enum vmctl_when	 when = VMCTL_WHEN_NOW;

	app_job_progress(fd, "%s", dj->done);
	if (dj->run(app->lib, dj->vm, dj->item, dj->text, &when,
	    cause) != 0)
		return (-1);
	*cause = xstrdup(when == VMCTL_WHEN_NOW ? "done" :
	    "written; the running VM gets it at its next start");
	return (0);
}

static void
dev_job_free(struct dev_job *dj)
{
	free(dj->vm);
	free(dj->item);
	free(dj->text);
	free(dj->done);
	free(dj);
}

static void
dev_job_done(struct app *app, int ok, const char *text, void *arg)
{
	struct dev_job	*dj = arg;

	if (!ok)
		app_error(app, "Devices", text);
	else
		app_say(app, 0, "%s: %s: %s", dj->vm, dj->done, text);
	app_rescan(app);
	dev_job_free(dj);
}

static void
dev_start(struct app *app, struct dev_job *dj)
{
	char	*title;

	title = xasprintf("device change on %s", dj->vm);
	app_push(app, dialog_job(app_job(app, title, dj->vm, dev_job_run,
	    dev_job_done, dj)));
	free(title);
}

static struct dev_job *
dev_job_new(dev_run_fn run, const char *vm, const char *item,
    const char *done)
{
	struct dev_job	*dj;

	dj = xcalloc(1, sizeof *dj);
	dj->run = run;
	dj->vm = xstrdup(vm);
	dj->item = item != NULL ? xstrdup(item) : NULL;
	dj->done = xstrdup(done);
	return (dj);
}

/* ---- keys that ask first -------------------------------------------------- */

/* What each key asks, and the change it runs with the answer. */
static const struct dev_ask {
	enum tui_action	 action;
	const char	*title;
	const char	*prompt;
	dev_run_fn	 run;
	int		 on_disk;	/* acts on the selected disk */
} dev_asks[] = {
	{ ACT_DEV_DISK, "Add a disk", "A size for a new disk (as 8G), or "
	  "the path of an image file:", dev_disk_add, 0 },
	{ ACT_DEV_RESIZE, "Grow the disk", "Its new size (as 20G), or how "
	  "much to add (as +5G):", dev_disk_resize, 1 },
	{ ACT_DEV_INSERT, "Insert a CD", "The ISO file to put in the CD "
	  "drive:", dev_media_insert, 0 },
	{ ACT_DEV_SHARE, "Share a folder", "The host folder the guest may "
	  "mount (never vmdesk's own):", dev_share_add, 0 },
	{ ACT_DEV_USB, "Plug a USB device", "A raw image file for a USB "
	  "stick, or VENDOR:PRODUCT of a host device (lsusb shows them):",
	  dev_usb_add, 0 },
	{ ACT_DEV_NIC, "Add a network card", "Its network: user (NAT), "
	  "private:NET (only the VMs naming NET), bridge:BR:", dev_nic_add,
	  0 },
	{ ACT_DEV_FORWARD, "Forward a port", "tcp:HOSTPORT:GUESTPORT or "
	  "udp:HOSTPORT:GUESTPORT (the host side is on 127.0.0.1):",
	  dev_forward_add, 0 },
};

/* A dialog's answer: "INDEX\tVM\tITEM" in arg. */
static void
dev_ask_ok(struct app *app, const char *text, void *arg)
{
	const struct dev_ask	*a;
	struct dev_job		*dj;
	char			*copy, *idx, *vm, *item, *save = NULL;

	copy = xstrdup(arg);
	idx = strtok_r(copy, "\t", &save);
	vm = strtok_r(NULL, "\t", &save);
	item = strtok_r(NULL, "\t", &save);
	a = &dev_asks[atoi(idx)];
	dj = dev_job_new(a->run, vm, item, a->title);
	dj->text = xstrdup(text);
	dev_start(app, dj);
	free(copy);
}

static int
dev_ask_check(struct app *app, const char *text, void *arg, char **why)
{
	(void)app;
	(void)arg;
	if (*text != '\0')
		return (1);
	*why = xstrdup("type something, or Esc");
	return (0);
}

static const struct dev_row *
dev_selected(const struct devices *d)
{
	return (d->n > 0 ? &d->rows[d->sel] : NULL);
}

/* A key of dev_asks: its dialog, or why not. */
static int
dev_ask(struct app *app, struct devices *d, enum tui_action act)
{
	const struct dev_row	*row = dev_selected(d);
	size_t			 i;
	char			*arg;

	for (i = 0; i < sizeof dev_asks / sizeof dev_asks[0]; i++) {
		if (dev_asks[i].action == act)
			break;
	}
	if (i == sizeof dev_asks / sizeof dev_asks[0])
		return (0);
	if (dev_asks[i].on_disk && (row == NULL ||
	    strcmp(row->kind, "disk") != 0)) {
		app_say(app, 1, "select a disk first");
		return (1);
	}
	arg = xasprintf("%zu\t%s\t%s", i, d->vm, dev_asks[i].on_disk ?
	    row->name : "");
	app_push(app, dialog_input(dev_asks[i].title, dev_asks[i].prompt, "",
	    dev_ask_check, dev_ask_ok, arg));
	return (1);
}

/* ---- remove and eject ----------------------------------------------------- */

static int
dev_remove_run(const struct library *lib, const char *vm, const char *item,
    const char *kind, enum vmctl_when *when, char **cause)
{
	return (dev_remove(lib, vm, item, kind, when, cause));
}

/* Confirmed: "VM\tKIND\tNAME" in arg. */
static void
dev_remove_ok(struct app *app, const char *text, void *arg)
{
	struct dev_job	*dj;
	char		*copy, *vm, *kind, *name, *save = NULL, *done;

	(void)text;
	copy = xstrdup(arg);
	vm = strtok_r(copy, "\t", &save);
	kind = strtok_r(NULL, "\t", &save);
	name = strtok_r(NULL, "\t", &save);
	done = xasprintf("removing %s %s", kind, name);
	dj = dev_job_new(dev_remove_run, vm, name, done);
	/* The job's text is the kind: dev_remove() tells them apart. */
	dj->text = xstrdup(kind);
	dev_start(app, dj);
	free(done);
	free(copy);
}

static int
dev_ask_remove(struct app *app, struct devices *d)
{
	const struct dev_row	*row = dev_selected(d);
	char			*q, *arg;

	if (row == NULL)
		return (1);
	if (strcmp(row->kind, "cdrom") == 0 && strcmp(row->what, "empty") == 0) {
		app_say(app, 1, "the CD drive is empty");
		return (1);
	}
	q = xasprintf("Remove %s %s from %s?%s", row->kind, row->name, d->vm,
	    strcmp(row->kind, "disk") == 0 ? " Its file is kept (vmdesk disk "
	    "remove deletes it)." : "");
	arg = xasprintf("%s\t%s\t%s", d->vm, row->kind, row->name);
	app_push(app, dialog_confirm("Remove", q, dev_remove_ok, arg));
	free(q);
	return (1);
}

/* ---- rows ----------------------------------------------------------------- */

static void
dev_rows_clear(struct devices *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->rows[i].name);
		free(d->rows[i].what);
	}
	free(d->rows);
	d->rows = NULL;
	d->n = 0;
}

static void
dev_add_row(struct devices *d, const char *kind, const char *name,
    char *what)
{
	d->rows = xreallocarray(d->rows, d->n + 1, sizeof *d->rows);
	d->rows[d->n].kind = kind;
	d->rows[d->n].name = xstrdup(name);
	d->rows[d->n].what = what;
	d->n++;
}

/* A NIC's words: model, network, forwards. */
static char *
dev_nic_what(const struct vm_nic *n)
{
	char	*net = hwnet_describe(n), *s, *t;
	size_t	 i;

	s = xasprintf("%s, %s", vmdef_nic_name(n->model), net);
	free(net);
	for (i = 0; i < n->nforwards; i++) {
		t = xasprintf("%s%s %s:%d->%d", s, i == 0 ? ";" : ",",
		    n->forwards[i].udp ? "udp" : "tcp",
		    n->forwards[i].host_port, n->forwards[i].guest_port);
		free(s);
		s = t;
	}
	return (s);
}

static void
dev_rows_fill(struct devices *d, const struct vm_def *def)
{
	const struct vm_share	*sh;
	const struct vm_usb	*u;
	size_t			 i;

	for (i = 0; i < def->ndisks; i++)
		dev_add_row(d, "disk", def->disks[i].name, xasprintf("%s, %s, "
		    "%s%s", def->disks[i].file,
		    vmdef_bus_name(def->disks[i].bus),
		    vmdef_format_name(def->disks[i].format),
		    def->disks[i].readonly ? ", read-only" : ""));
	dev_add_row(d, "cdrom", "cd", xstrdup(def->boot.iso != NULL ?
	    def->boot.iso : "empty"));
	for (i = 0; i < def->nnics; i++)
		dev_add_row(d, "nic", def->nics[i].name,
		    dev_nic_what(&def->nics[i]));
	for (i = 0; i < def->nshares; i++) {
		sh = &def->shares[i];
		dev_add_row(d, "share", sh->name, xasprintf("%s as tag %s%s",
		    sh->path, sh->tag != NULL ? sh->tag : sh->name,
		    sh->readonly ? ", read-only" : ""));
	}
	for (i = 0; i < def->nusbs; i++) {
		u = &def->usbs[i];
		dev_add_row(d, "usb", u->name, u->host != NULL ?
		    xasprintf("host device %s", u->host) :
		    xasprintf("stick %s%s", u->file != NULL ? u->file : "?",
		    u->readonly ? ", read-only" : ""));
	}
}

/* The rows again when the desktop's copy of vm.conf changed. */
static void
dev_refresh(struct app *app, struct devices *d)
{
	struct app_vm	*vm = app_vm_find(app, d->vm);

	if (vm == NULL || vm->def == NULL || (d->rows != NULL &&
	    vm->conf_mtime == d->mtime))
		return;
	dev_rows_clear(d);
	dev_rows_fill(d, vm->def);
	d->mtime = vm->conf_mtime;
	if (d->sel >= d->n)
		d->sel = d->n > 0 ? d->n - 1 : 0;
}

/* ---- the screen ----------------------------------------------------------- */

static void
dev_draw(struct app *app, struct screen *s)
{
	struct devices	*d = s->data;
	struct app_vm	*vm = app_vm_find(app, d->vm);
	int		 rows = LINES - 4, i;
	size_t		 k;

	dev_refresh(app, d);
	erase();
	attrset(draw_attr(ROLE_TITLE));
	mvhline(0, 0, ' ', COLS);
	draw_textf(0, 1, COLS - 2, "Devices of %s (%s): changes live where "
	    "QEMU can", d->vm, vm != NULL ? vmstate_name(vm->st.state) :
	    "gone");
	if (rows < 1)
		rows = 1;
	if (d->sel < d->top)
		d->top = d->sel;
	if (d->sel >= d->top + (size_t)rows)
		d->top = d->sel - (size_t)rows + 1;
	for (i = 0; i < rows && (k = d->top + (size_t)i) < d->n; i++) {
		attrset(k == d->sel ? (int)A_REVERSE : A_NORMAL);
		mvhline(2 + i, 0, ' ', COLS);
		draw_textf(2 + i, 1, COLS - 2, "%-6s %-12s %s", d->rows[k].kind,
		    d->rows[k].name, d->rows[k].what);
	}
	attrset(A_NORMAL);
	draw_keybar(app, KEYS_DEVICES);
}

static int
dev_key(struct app *app, struct screen *s, int key)
{
	struct devices	*d = s->data;
	enum tui_action	 a = keys_lookup(key, KEYS_DEVICES);

	switch (a) {
	case ACT_CLOSE:
		app_pop(app);
		return (1);
	case ACT_HELP:
		app_push(app, screen_help());
		return (1);
	case ACT_UP:
		d->sel = d->sel > 0 ? d->sel - 1 : 0;
		return (1);
	case ACT_DOWN:
		if (d->sel + 1 < d->n)
			d->sel++;
		return (1);
	case ACT_DEV_REMOVE:
		return (dev_ask_remove(app, d));
	case ACT_DEV_EJECT:
		dev_start(app, dev_job_new(dev_media_eject, d->vm, NULL,
		    "ejecting the CD"));
		return (1);
	default:
		return (dev_ask(app, d, a));
	}
}

static void
dev_free(struct screen *s)
{
	struct devices	*d = s->data;

	dev_rows_clear(d);
	free(d->vm);
	free(d);
}

static const struct screen_ops dev_ops = {
	"devices", KEYS_DEVICES, 1, dev_draw, dev_key, dev_free
};

struct screen *
screen_devices(const char *vm)
{
	struct devices	*d;

	d = xcalloc(1, sizeof *d);
	d->vm = xstrdup(vm);
	return (app_screen(&dev_ops, d));
}
