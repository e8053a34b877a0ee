/* SPDX-License-Identifier: GPL-2.0-or-later */
/* USB sticks and host devices of a VM: add and remove, live or not. */
#include "config.h"

#include "ops/hwusb.h"

#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/hostdev.h"
#include "backend/qemu_argv.h"
#include "images/imgcheck.h"
#include "images/template.h"
#include "util/fsutil.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* How long QEMU may take to let the guest go of an unplugged device. */
#define HWUSB_UNPLUG_TIMEOUT	15000

struct hwusb_edit {
	const char		*name;		/* the VM */
	const struct hwusb_opts	*opts;
	char			*file;		/* resolved */
	char			*usb;		/* the device's name */
	int			 was_file;	/* remove: a stick */
	const struct library	*lib;
};

/*
 * Resolve a stick's image once: a regular file, readable (and writable
 * unless read-only), outside other VMs' folders, and a raw image (what
 * format=raw gives the guest) by its own bytes.
 */
static char *
hwusb_resolve(struct hwusb_edit *e, char **cause)
{
	char		 real[PATH_MAX], *own, *vms;
	struct stat	 sb;
	int		 fmt, inside;

	if (realpath(e->opts->file, real) == NULL || stat(real, &sb) != 0 ||
	    !S_ISREG(sb.st_mode) || access(real, e->opts->readonly ? R_OK :
	    R_OK | W_OK) != 0) {
		*cause = xasprintf("USB image %s is not a regular file you can "
		    "read%s", e->opts->file, e->opts->readonly ? "" :
		    " and write (--readonly for one you cannot write)");
		return (NULL);
	}
	vms = xasprintf("%s/", e->lib->vms);
	own = xasprintf("%s/%s/", e->lib->vms, e->name);
	inside = str_has_prefix(real, vms) && !str_has_prefix(real, own);
	free(vms);
	free(own);
	if (inside) {
		*cause = xasprintf("USB image %s is inside another VM's folder",
		    real);
		return (NULL);
	}
	if ((fmt = imgcheck_file(real, NULL, -1, NULL, 0, cause)) < 0)
		return (NULL);
	if (fmt != TEMPLATE_FORMAT_RAW && fmt != TEMPLATE_FORMAT_ISO) {
		*cause = xasprintf("USB image %s is %s, not a raw image "
		    "(qemu-img convert -O raw makes one)", real,
		    template_format_name((enum template_format)fmt));
		return (NULL);
	}
	return (xstrdup(real));
}

static int
hwusb_edit_add(struct vm_def *def, void *arg, char **cause)
{
	struct hwusb_edit	*e = arg;
	struct vm_usb		*u;
	int			 i;

	for (i = 0; e->usb == NULL || vmdef_section(def, "usb", e->usb) !=
	    NULL; i++) {
		free(e->usb);
		e->usb = xasprintf("usb%d", i);
	}
	u = vmdef_add_item(def, "usb", e->usb);
	u->readonly = e->opts->readonly;
	if (e->opts->host != NULL) {
		u->host = xstrdup(e->opts->host);
		return (hostdev_usb_check(u->host, cause));
	}
	u->file = xstrdup(e->file);
	return (0);
}

static int
hwusb_edit_remove(struct vm_def *def, void *arg, char **cause)
{
	struct hwusb_edit	*e = arg;
	struct vm_usb		*u;

	if ((u = vmdef_section(def, "usb", e->usb)) == NULL) {
		*cause = xasprintf("VM %s has no USB device %s", def->name,
		    e->usb);
		return (-1);
	}
	e->was_file = u->file != NULL;
	return (vmdef_remove_item(def, "usb", e->usb));
}

/* One QMP command whose reply does not matter; -1 and *cause on error. */
static int
hwusb_qmp(struct qmp *q, const char *cmd, json_t *args, char **cause)
{
	json_t	*r;

	if ((r = qmp_command(q, cmd, args, VMPROC_QMP_TIMEOUT, cause)) ==
	    NULL)
		return (-1);
	json_decref(r);
	return (0);
}

/* The ids as qemu_argv gives them at boot. */
static json_t *
hwusb_device(const struct vm_usb *u)
{
	unsigned	 vendor, product;
	char		*id = xasprintf(QEMU_ARGV_USB_DEV, u->name);
	char		*node = xasprintf(QEMU_ARGV_USB_NODE, u->name);
	json_t		*d;

	if (u->host != NULL && vmdef_usb_id(u->host, &vendor, &product) == 0)
		d = json_pack("{s:s, s:s, s:s, s:i, s:i}", "driver", "usb-host",
		    "bus", "usb.0", "id", id, "vendorid", (int)vendor,
		    "productid", (int)product);
	else
		d = json_pack("{s:s, s:s, s:s, s:s, s:b}", "driver",
		    "usb-storage", "bus", "usb.0", "id", id, "drive", node,
		    "removable", 1);
	free(id);
	free(node);
	return (d);
}

static int
hwusb_live_add(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	struct hwusb_edit	*e = arg;
	const struct vm_usb	*u;
	char			*node;
	int			 rc;

	(void)p;
	u = vmdef_section((struct vm_def *)def, "usb", e->usb);
	node = xasprintf(QEMU_ARGV_USB_NODE, u->name);
	if (u->file != NULL && hwusb_qmp(q, "blockdev-add", json_pack(
	    "{s:s, s:s, s:b, s:{s:s, s:s}}", "driver", "raw", "node-name",
	    node, "read-only", u->readonly, "file", "driver", "file",
	    "filename", u->file), cause) != 0) {
		free(node);
		return (-1);
	}
	rc = hwusb_qmp(q, "device_add", hwusb_device(u), cause);
	if (rc != 0 && u->file != NULL)
		json_decref(qmp_command(q, "blockdev-del", json_pack("{s:s}",
		    "node-name", node), VMPROC_QMP_TIMEOUT, NULL));
	free(node);
	return (rc);
}

static int
hwusb_live_remove(struct qmp *q, const struct vm_paths *p,
    const struct vm_def *def, void *arg, char **cause)
{
	struct hwusb_edit	*e = arg;
	json_t			*ev;
	char			*id, *node;
	int			 rc = -1;

	(void)p;
	(void)def;
	id = xasprintf(QEMU_ARGV_USB_DEV, e->usb);
	node = xasprintf(QEMU_ARGV_USB_NODE, e->usb);
	if (hwusb_qmp(q, "device_del", json_pack("{s:s}", "id", id),
	    cause) != 0)
		goto out;
	/* A USB device goes at once, but the event says when it is gone. */
	if ((ev = qmp_wait_event(q, "DEVICE_DELETED", HWUSB_UNPLUG_TIMEOUT,
	    cause)) == NULL)
		goto out;
	json_decref(ev);
	rc = e->was_file ? hwusb_qmp(q, "blockdev-del", json_pack("{s:s}",
	    "node-name", node), cause) : 0;
out:
	free(id);
	free(node);
	return (rc);
}

int
hwusb_add(const struct library *lib, const char *name,
    const struct hwusb_opts *o, char **added, enum vmctl_when *when,
    char **cause)
{
	struct hwusb_edit	e = { name, o, NULL, NULL, 0, lib };
	struct vmctl_change	c = { hwusb_edit_add, hwusb_live_add, &e };
	int			rc = -1;

	*added = NULL;
	if ((o->file == NULL) == (o->host == NULL)) {
		*cause = xstrdup("a USB device is --file IMAGE or --host "
		    "VENDOR:PRODUCT");
		return (-1);
	}
	if (o->file != NULL && (e.file = hwusb_resolve(&e, cause)) == NULL)
		return (-1);
	if ((rc = vmctl_change(lib, name, &c, when, cause)) == 0) {
		*added = e.usb;
		e.usb = NULL;
	}
	free(e.usb);
	free(e.file);
	return (rc);
}

int
hwusb_remove(const struct library *lib, const char *name, const char *usb,
    enum vmctl_when *when, char **cause)
{
	struct hwusb_edit	e = { name, NULL, NULL, NULL, 0, lib };
	struct vmctl_change	c = { hwusb_edit_remove, hwusb_live_remove,
				      &e };
	int			rc;

	e.usb = xstrdup(usb);
	rc = vmctl_change(lib, name, &c, when, cause);
	free(e.usb);
	return (rc);
}
