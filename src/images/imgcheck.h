/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inspecting a disk image from outside (a download, an ISO, a bundle, an
 * OVA, --image PATH) from its own bytes, before QEMU or qemu-img opens
 * it: a qcow2 may name no backing file and no external data file, a VMDK
 * no extent and no parent outside itself, and a format QEMU would probe
 * as anything vmdesk cannot vouch for is refused. QEMU follows every
 * such name when it opens the image, read-write for a data file, so
 * asking qemu-img first would already be too late.
 */
#ifndef VMDESK_IMAGES_IMGCHECK_H
#define VMDESK_IMAGES_IMGCHECK_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* Reads up to n bytes at an offset; the bytes read, or -1. */
typedef ssize_t (*imgcheck_read_cb)(void *, void *, size_t, uint64_t);

/* An image's bytes, read through a callback (a file, or memory). */
struct imgcheck_src {
	imgcheck_read_cb	 read;
	void			*arg;
	uint64_t		 size;
	const char		*what;		/* names it in messages */
};

/*
 * A qcow2 may name a backing file because vmdesk rewrites that name
 * (qemu-img rebase -u) before anything follows it: a bundle's overlay.
 */
#define IMGCHECK_BACKING_ANY	0x1

/*
 * Inspect an image expected as format (enum template_format; -1: tell
 * from its bytes). backing is the one backing file a qcow2 may name
 * (NULL: none). The format found, or -1 and *cause naming the image and
 * what it points at.
 */
int	imgcheck_inspect(const struct imgcheck_src *, int, const char *, int,
	    char **);
/* imgcheck_inspect() over bytes in memory. */
int	imgcheck_buffer(const void *, size_t, const char *, int,
	    const char *, int, char **);
/* imgcheck_inspect() of a file, named by what (NULL: its path). */
int	imgcheck_file(const char *, const char *, int, const char *, int,
	    char **);
/*
 * A qemu-img source argument for an inspected image that pins what is
 * opened: json:{driver, file: {driver: file, filename}}, and for qcow2
 * "backing": null, so neither a protocol prefix in the name nor a
 * backing file is followed. format is qemu's name. Caller frees.
 */
char	*imgcheck_qemu_source(const char *, const char *);

#endif
