/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's disks and CD drive, stopped or running: add, resize, remove and
 * list disks, insert and eject the CD. A running VM gets the change
 * through QMP where QEMU can plug the bus; vm.conf always gets it.
 * Nothing here prints.
 */
#ifndef VMDESK_OPS_HWDISK_H
#define VMDESK_OPS_HWDISK_H

#include <stdint.h>

#include <jansson.h>

#include "core/library.h"
#include "core/vmdef.h"
#include "ops/vmctl.h"

/* What disk add makes or attaches. */
struct hwdisk_add {
	const char		*disk;		/* its name; NULL: diskN */
	uint64_t		 size;		/* a new qcow2's size, or 0 */
	const char		*file;		/* an existing image, or NULL */
	enum vm_disk_bus	 bus;
	int			 readonly;
	char			*name;		/* out: the disk's name */
	char			*path;		/* out: its file, absolute */
};

/* disk remove: keep the file; the VM's boot disk may go. */
#define HWDISK_KEEP_FILE	0x1
#define HWDISK_BOOT_DISK	0x2

/* What disk remove did with the file. */
struct hwdisk_removed {
	char	*path;		/* the disk's file, absolute */
	int	 deleted;	/* 1: it was deleted */
	char	*kept_why;	/* why it was kept, or NULL (asked to) */
};

/* Add a disk: a new qcow2 in the VM's folder, or a checked image file. */
int	 hwdisk_add(const struct library *, const char *, struct hwdisk_add *,
	     enum vmctl_when *, char **);
void	 hwdisk_add_clear(struct hwdisk_add *);
/* Grow a disk to a size ("SIZE" or "+SIZE"); *bytes gets the new size. */
int	 hwdisk_resize(const struct library *, const char *, const char *,
	     const char *, uint64_t *, enum vmctl_when *, char **);
/* Remove a disk; its file is deleted only when that is safe. */
int	 hwdisk_remove(const struct library *, const char *, const char *,
	     int, struct hwdisk_removed *, enum vmctl_when *, char **);
void	 hwdisk_removed_clear(struct hwdisk_removed *);
/* Put an ISO in the CD drive (boot.iso); *path gets it resolved. */
int	 hwdisk_media_insert(const struct library *, const char *,
	     const char *, char **, enum vmctl_when *, char **);
/* Empty the CD drive; force opens a tray the guest has locked. */
int	 hwdisk_media_eject(const struct library *, const char *, int,
	     enum vmctl_when *, char **);

/*
 * Every disk of a definition as JSON: name, file, bus, format, readonly,
 * virtual_size and actual_size (qemu-img info -U), or error.
 */
json_t	*hwdisk_list_json(const struct vm_def *, const char *);
/* The CD drive as JSON: {"file": the ISO or null}. */
json_t	*hwdisk_cdrom_json(const struct vm_def *, const char *);

/* The first free disk name, "disk1", "disk2" ... Caller frees. */
char	*hwdisk_free_name(const struct vm_def *);
/*
 * A new size from "SIZE" or "+SIZE" (a bare number is GiB) that grows
 * current: -1 and *cause for a shrink, no change or a bad size.
 */
int	 hwdisk_grow_size(const char *, uint64_t, uint64_t *, char **);
/*
 * Whether vmdesk made a disk's file, so disk remove may delete it: a
 * plain file name in the VM's folder, as vmdesk writes them; images
 * attached with --file are written as absolute paths.
 */
int	 hwdisk_file_is_ours(const struct vm_disk *);

#endif
