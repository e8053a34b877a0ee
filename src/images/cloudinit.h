/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cloud-init's NoCloud seed: meta-data and user-data on an ISO 9660 image
 * labelled "cidata", written in-process with libarchive.
 */
#ifndef VMDESK_IMAGES_CLOUDINIT_H
#define VMDESK_IMAGES_CLOUDINIT_H

#include "util/strv.h"

/* The seed's file name in the VM folder, and its [disk] section name. */
#define CLOUDINIT_SEED		"seed.iso"
#define CLOUDINIT_DISK		"seed"

/* What the seed says about the guest. */
struct cloudinit {
	const char		*instance_id;
	const char		*hostname;	/* a VM name */
	const char		*user;
	const char		*password_hash;	/* crypt(3) text, or NULL */
	const struct strv	*keys;		/* authorized_keys lines */
	const struct strv	*runcmds;	/* first boot's commands, or NULL */
};

/* Whether a guest login name is acceptable (lower-case, Unix rules). */
int	 cloudinit_user_check(const char *, char **);
/* A fresh random instance id ("i-" and 16 hex digits). Caller frees. */
char	*cloudinit_instance_id(void);
/* The password hashed with crypt(3) SHA-512 and a random salt. Caller frees. */
char	*cloudinit_hash_password(const char *, char **);
/*
 * Read public keys: each file's non-comment lines, or with no files every
 * ~/.ssh/ *.pub (none there is not an error).
 */
int	 cloudinit_read_keys(const struct strv *, struct strv *, char **);
/* The meta-data and user-data texts. Caller frees. */
char	*cloudinit_meta_data(const struct cloudinit *);
char	*cloudinit_user_data(const struct cloudinit *);
/* Write the seed ISO atomically (a temp file renamed into place). */
int	 cloudinit_write_seed(const char *, const struct cloudinit *, char **);
/*
 * Write a seed with a new hostname and instance id, keeping the user,
 * password and keys of an existing seed (for clones).
 */
int	 cloudinit_rewrite_seed(const char *, const char *, const char *,
	     const char *, char **);
/*
 * Make cmds the commands vmdesk has cloud-init run at every boot
 * (bootcmd: the guest reads the seed again at each boot), replacing the
 * ones it set before and keeping the rest of the seed.
 */
int	 cloudinit_set_bootcmds(const char *, const struct strv *, char **);
/* Read one member ("user-data", "meta-data") of a seed ISO. Caller frees. */
char	*cloudinit_read_member(const char *, const char *, char **);

#endif
