/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running qemu-img: create disks, with its error text on failure. */
#ifndef VMDESK_BACKEND_QEMU_IMG_H
#define VMDESK_BACKEND_QEMU_IMG_H

#include <stdint.h>

#include <jansson.h>

#include "util/proc.h"
#include "util/strv.h"

/* The qemu-img program: VMDESK_QEMU_IMG, else the configured default. */
const char	*qemu_img_program(void);
/*
 * Run qemu-img with these arguments (argv[0] excluded). Its standard
 * output goes to *out when out is not NULL (caller frees). On failure,
 * *cause holds qemu-img's own message.
 */
int		 qemu_img_run(const struct strv *, char **, char **);
/* Start qemu-img with these arguments; several may run at once. */
int		 qemu_img_start(const struct strv *, struct proc *, char **);
/* Wait for a started qemu-img: 0, or -1 and *cause (its own message). */
int		 qemu_img_finish(struct proc *, char **, char **);
/*
 * What qemu-img info --output=json says of an image, read as format (a
 * damaged header must not be probed as raw); -U when shared, as a running
 * QEMU holds the image. NULL and *cause on failure. Caller json_decref()s.
 */
json_t		*qemu_img_info(const char *, const char *, int, char **);
/*
 * Append the arguments that create a qcow2 overlay at path on a qcow2
 * base, of a size, without reading the base (-u): constant time.
 */
void		 qemu_img_overlay_args(struct strv *, const char *,
		     const char *, uint64_t);
/* Create a qcow2 disk of a size, optionally on a backing file. */
int		 qemu_img_create(const char *, uint64_t, const char *,
		     char **);

#endif
