/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM library on disk: where things live ($VMDESK_HOME or XDG), the
 * runtime folder, the per-VM lock, and listing, creating, renaming and
 * deleting VMs.
 */
#ifndef VMDESK_CORE_LIBRARY_H
#define VMDESK_CORE_LIBRARY_H

#include "core/vmdef.h"
#include "util/strv.h"

/*
 * A file in the library naming the private runtime folder used when the
 * usual one belongs to someone else.
 */
#define LIBRARY_RUNTIME_NOTE	"runtime"

/* Where linked clones keep their frozen bases, under the image cache. */
#define LIBRARY_BASES_DIR	"bases"

struct library {
	char	*home;		/* $VMDESK_HOME, or $XDG_DATA_HOME/vmdesk */
	char	*vms;		/* home/vms */
	char	*images;	/* home/images */
	char	*templates;	/* home/templates: the user's own */
	char	*runtime;	/* $XDG_RUNTIME_DIR/vmdesk or /tmp/vmdesk-UID */
	char	*runtime_why;	/* why runtime is another folder, or NULL */
};

/* A held per-VM lock. */
struct vm_lock;

/*
 * Find the library's folders and create them (runtime mode 0700). When
 * the usual runtime folder is someone else's, a private one made with
 * mkdtemp beside it is used and recorded; runtime_why says so.
 */
struct library	*library_open(char **);
void		 library_free(struct library *);

/* vms/NAME. Caller frees. */
char		*library_vm_dir(const struct library *, const char *);
/* vms/NAME/vm.conf. Caller frees. */
char		*library_vm_conf(const struct library *, const char *);
/* The runtime folder of a VM. Caller frees. */
char		*library_run_dir(const struct library *, const char *);
/* Whether a VM of that name exists. */
int		 library_exists(const struct library *, const char *);
/* Names of all VMs, sorted. */
int		 library_list(const struct library *, struct strv *, char **);
/* Load a VM's definition; "no VM named X" when there is none. */
struct vm_def	*library_load(const struct library *, const char *, char **);

/*
 * Take the VM's lock, waiting up to timeout_ms for another vmdesk to
 * finish its change. NULL and *cause when it stays busy.
 */
struct vm_lock	*library_lock(const struct library *, const char *, int,
		     char **);
void		 library_unlock(struct vm_lock *);

/*
 * Creating a VM happens in a staging folder (not listed) that becomes
 * vms/NAME in one rename, so a crash never leaves half a VM.
 * Begin returns the staging folder (caller frees).
 */
char		*library_create_begin(const struct library *, const char *,
		     char **);
int		 library_create_commit(const struct library *, const char *,
		     const char *, char **);
void		 library_create_abort(const char *);

/* Rename a stopped VM (folder and definition). */
int		 library_rename(const struct library *, const char *,
		     const char *, char **);
/* Delete a VM's folder; it is moved aside first so it vanishes at once. */
int		 library_delete(const struct library *, const char *, char **);

#endif
