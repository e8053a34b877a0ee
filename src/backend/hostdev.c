/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host bridges and USB devices checked before QEMU is asked for them. */
#include "config.h"

#include "backend/hostdev.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/qemu_argv.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

/* How deep "include" lines are followed, as a bound on a loop of them. */
#define HOSTDEV_ACL_DEPTH	8

void
hostdev_bridge_acl(const char *text, size_t len, const char *br, int *allow,
    int *deny, struct strv *includes)
{
	char	*copy, *line, *save = NULL, *verb, *arg, *wsave;

	copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "#")] = '\0';
		if ((verb = strtok_r(line, " \t\r", &wsave)) == NULL ||
		    (arg = strtok_r(NULL, " \t\r", &wsave)) == NULL)
			continue;
		if (strcmp(verb, "include") == 0)
			strv_push(includes, arg);
		else if (strcmp(arg, "all") == 0 || strcmp(arg, br) == 0) {
			if (strcmp(verb, "allow") == 0)
				*allow = 1;
			else if (strcmp(verb, "deny") == 0)
				*deny = 1;
		}
	}
	free(copy);
}

/*
 * Whether the helper's list allows br: 1, 0, or -1 when this user cannot
 * read it (the helper runs as root and may; QEMU then says).
 */
static int
hostdev_bridge_allowed(const char *br)
{
	struct strv	 files;
	char		*text, *cause = NULL;
	size_t		 i, len;
	int		 allow = 0, deny = 0, unreadable = 0;

	strv_init(&files);
	strv_push(&files, HOSTDEV_BRIDGE_ACL);
	for (i = 0; i < files.n && i < HOSTDEV_ACL_DEPTH; i++) {
		if ((text = fs_read_file(files.v[i], &len, &cause)) == NULL) {
			unreadable |= access(files.v[i], F_OK) == 0;
			free(cause);
			cause = NULL;
			continue;
		}
		hostdev_bridge_acl(text, len, br, &allow, &deny, &files);
		free(text);
	}
	strv_clear(&files);
	if (!allow && unreadable)
		return (-1);
	return (allow && !deny);
}

int
hostdev_bridge_check(const char *br, char **cause)
{
	struct stat	 sb;
	char		*path;
	int		 isbridge;

	path = xasprintf("/sys/class/net/%s/bridge", br);
	isbridge = access(path, F_OK) == 0;
	free(path);
	if (!isbridge) {
		*cause = xasprintf("there is no bridge %s on this host (ip "
		    "link add %s type bridge makes one; a NIC on it then "
		    "reaches what the bridge is joined to)", br, br);
		return (-1);
	}
	if (stat(QEMU_ARGV_BRIDGE_HELPER, &sb) != 0) {
		*cause = xstrdup("the bridge helper " QEMU_ARGV_BRIDGE_HELPER
		    " is missing (package qemu-system-common)");
		return (-1);
	}
	if (geteuid() != 0 && (sb.st_mode & S_ISUID) == 0) {
		*cause = xstrdup("the bridge helper " QEMU_ARGV_BRIDGE_HELPER
		    " is not setuid root, so it cannot add a tap to a bridge "
		    "for you (chmod u+s it, as root)");
		return (-1);
	}
	if (hostdev_bridge_allowed(br) == 0) {
		*cause = xasprintf("the bridge helper may not use bridge %s: "
		    "add the line \"allow %s\" to " HOSTDEV_BRIDGE_ACL
		    " (as root)", br, br);
		return (-1);
	}
	return (0);
}

/* A sysfs attribute of a USB device as a number (base 16 or 10). */
static long
hostdev_usb_attr(const char *dev, const char *attr, int base)
{
	char	*path, *text, *cause = NULL;
	size_t	 len;
	long	 v;

	path = xasprintf("/sys/bus/usb/devices/%s/%s", dev, attr);
	text = fs_read_file(path, &len, &cause);
	free(path);
	free(cause);
	if (text == NULL)
		return (-1);
	v = strtol(text, NULL, base);
	free(text);
	return (v);
}

/* The /dev/bus/usb node of the first device with these ids, or NULL. */
static char *
hostdev_usb_node(unsigned vendor, unsigned product)
{
	DIR		*d;
	struct dirent	*e;
	char		*node = NULL;

	if ((d = opendir("/sys/bus/usb/devices")) == NULL)
		return (NULL);
	while (node == NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    hostdev_usb_attr(e->d_name, "idVendor", 16) != vendor ||
		    hostdev_usb_attr(e->d_name, "idProduct", 16) != product)
			continue;
		node = xasprintf("/dev/bus/usb/%03ld/%03ld",
		    hostdev_usb_attr(e->d_name, "busnum", 10),
		    hostdev_usb_attr(e->d_name, "devnum", 10));
	}
	closedir(d);
	return (node);
}

int
hostdev_usb_check(const char *id, char **cause)
{
	unsigned	 vendor, product;
	char		*node;

	if (vmdef_usb_id(id, &vendor, &product) != 0) {
		*cause = xasprintf("'%s' is not a USB id VENDOR:PRODUCT (four "
		    "hex digits each, as lsusb shows)", id);
		return (-1);
	}
	if ((node = hostdev_usb_node(vendor, product)) == NULL) {
		*cause = xasprintf("no USB device %04x:%04x is plugged into "
		    "this host (lsusb lists those that are)", vendor, product);
		return (-1);
	}
	if (access(node, R_OK | W_OK) != 0) {
		*cause = xasprintf("USB device %04x:%04x (%s) cannot be opened "
		    "for reading and writing by this user: a udev rule giving "
		    "you access to it lets QEMU pass it through", vendor,
		    product, node);
		free(node);
		return (-1);
	}
	free(node);
	return (0);
}

int
hostdev_check(const struct vm_def *def, char **cause)
{
	const char	*arg;
	char		*why;
	size_t		 i;

	for (i = 0; i < def->nnics; i++) {
		if (vmdef_nic_net(&def->nics[i], &arg) == VM_NET_BRIDGE &&
		    hostdev_bridge_check(arg, &why) != 0)
			goto nic;
	}
	for (i = 0; i < def->nusbs; i++) {
		if (def->usbs[i].host != NULL &&
		    hostdev_usb_check(def->usbs[i].host, &why) != 0) {
			*cause = xasprintf("VM %s: usb %s: %s", def->name,
			    def->usbs[i].name, why);
			free(why);
			return (-1);
		}
	}
	return (0);
nic:
	*cause = xasprintf("VM %s: nic %s: %s", def->name, def->nics[i].name,
	    why);
	free(why);
	return (-1);
}
