/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running qemu-img: create disks, with its error text on failure. */
#ifndef VMDESK_BACKEND_QEMU_IMG_H
#define VMDESK_BACKEND_QEMU_IMG_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

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
/* One internal snapshot of an image, as qemu-img info lists it. */
struct qemu_img_snap {
	char		*name;
	uint64_t	 date_sec;
	uint64_t	 vm_state_size;
};

/* What qemu-img info says of an image: the fields vmdesk reads. */
struct qemu_img_info {
	char			*format;	/* "qcow2", "raw", ... */
	uint64_t		 virtual_size;
	uint64_t		 actual_size;
	char			*backing;	/* as written in the image */
	char			*backing_full;	/* resolved by qemu-img */
	char			*backing_format;
	char			*data_file;	/* qcow2 external data file */
	struct qemu_img_snap	*snaps;
	size_t			 nsnaps;
};

/*
 * What qemu-img info --output=json says of an image, read as format (a
 * damaged header must not be probed as raw); -U when shared, as a running
 * QEMU holds the image. -1 and *cause on failure; clear info either way.
 */
int		 qemu_img_info(const char *, const char *, int,
		     struct qemu_img_info *, char **);
/* Read qemu-img info's JSON text into info (pure, for the tests). */
int		 qemu_img_info_parse(const char *, struct qemu_img_info *,
		     char **);
void		 qemu_img_info_clear(struct qemu_img_info *);

/* One file of a backing chain. */
struct qemu_img_link {
	char		*path;		/* resolved; as named when missing */
	char		*named;		/* as its overlay names it */
	char		*format;
	int		 missing;	/* no such file (the chain is broken) */
	dev_t		 dev;		/* the file itself, when not missing */
	ino_t		 ino;
};

/* A disk and every file under it, top first. */
struct qemu_img_chain {
	struct qemu_img_link	*v;
	size_t			 n;
	char			*broken;	/* NULL, or why it stopped */
};

#define QEMU_IMG_MAX_CHAIN	64

/*
 * Walk a disk's backing chain with qemu-img info, one file at a time,
 * relative names resolved against the file that names them. The walk
 * never fails: a missing file or one qemu-img cannot read ends it, says
 * why in chain->broken, and a missing file is still listed (marked).
 */
void		 qemu_img_chain(const char *, const char *, int,
		     struct qemu_img_chain *);
void		 qemu_img_chain_clear(struct qemu_img_chain *);
/* Whether a file (by device and inode) is in a chain. */
int		 qemu_img_chain_has(const struct qemu_img_chain *, dev_t,
		     ino_t);

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
