/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's snapshot tree (vms/NAME/snapshots.conf). QEMU records no parent
 * links between snapshots, so this file is the tree: nodes with an id, a
 * name, a parent, a time, a kind, the qcow2 tag they map to and a note,
 * and the current node ("you are here"). Reconcile compares the tree with
 * the tags the disks really hold. Pure, but for load and save.
 */
#ifndef VMDESK_CORE_SNAPTREE_H
#define VMDESK_CORE_SNAPTREE_H

#include <stddef.h>
#include <stdint.h>

#include "util/strv.h"

/* The tree's file in the VM's folder. */
#define SNAPTREE_FILE		"snapshots.conf"
/* Longest note, in bytes. */
#define SNAPTREE_NOTE_MAX	1024

enum snap_kind {
	SNAP_KIND_LIVE,		/* RAM and devices and disks */
	SNAP_KIND_DISK		/* disks only */
};

/* An operation that was cut short is written down before it starts. */
enum snap_state {
	SNAP_STATE_OK,
	SNAP_STATE_CREATING,
	SNAP_STATE_DELETING
};

struct snap_node {
	unsigned	 id;		/* > 0, never reused */
	char		*name;		/* unique in the tree, name_check()ed */
	unsigned	 parent;	/* 0 for a root */
	uint64_t	 time;		/* creation, seconds since the epoch */
	enum snap_kind	 kind;
	char		*tag;		/* the qcow2 snapshot tag on every disk */
	char		*note;		/* or NULL */
	enum snap_state	 state;

	/* Set by snaptree_reconcile(), never saved. */
	size_t		 holders;	/* disks that hold the tag */
	int		 missing;	/* some disk lacks the tag */
};

struct snaptree {
	struct snap_node	*nodes;		/* in creation order */
	size_t			 nnodes;
	unsigned		 current;	/* 0: none */
	unsigned		 next_id;
};

/* What one disk holds, for reconcile. */
struct snap_tag {
	char		*tag;
	uint64_t	 time;		/* seconds since the epoch */
	uint64_t	 vm_state_size;	/* > 0: RAM was saved with it */
};

struct snap_disk_tags {
	char		*disk;		/* the disk's name, for messages */
	struct snap_tag	*tags;
	size_t		 ntags;
};

struct snaptree	*snaptree_create(void);
void		 snaptree_free(struct snaptree *);
/* Parse snapshots.conf text; errors read "file:line: ...". */
struct snaptree	*snaptree_parse(const char *, size_t, const char *, char **);
/* Read a tree file; a missing file is an empty tree. */
struct snaptree	*snaptree_load(const char *, char **);
/* The tree as file text. Caller frees. */
char		*snaptree_format(const struct snaptree *);
/*
 * Write the tree file atomically (temporary file, rename). It is made
 * durable (fsync of the file and the folder) unless SNAPTREE_SAVE_LAZY:
 * for a step that reconcile can redo from the disks and a durable
 * intent, where an fsync would only wait for QEMU's own writes.
 */
#define SNAPTREE_SAVE_LAZY	0x1
int		 snaptree_save(const struct snaptree *, const char *, int,
		     char **);

/* A node by id, or NULL. Valid until the tree changes. */
struct snap_node *snaptree_node(const struct snaptree *, unsigned);
/* A node by name, else by id written in decimal; NULL if none. */
struct snap_node *snaptree_find(const struct snaptree *, const char *);
/*
 * Add a node under the current one, in state "creating", with a fresh
 * id and a tag no node uses ("vmdesk-ID"). Returns the id, or 0 and
 * *cause (a bad or taken name, a bad note). The caller marks it done
 * with snaptree_created() once the disks hold the tag.
 */
unsigned	 snaptree_add(struct snaptree *, const char *, enum snap_kind,
		     uint64_t, const char *, char **);
/* A node's creation finished: state ok, and it becomes the current one. */
void		 snaptree_created(struct snaptree *, unsigned);
/* Move the current pointer ("you are here") to a node. */
void		 snaptree_revert(struct snaptree *, unsigned);
/*
 * Remove a node: its children hang from its parent, and if it was the
 * current one its parent becomes current.
 */
void		 snaptree_remove(struct snaptree *, unsigned);
/* Rename a node; the name must be valid and free. */
int		 snaptree_rename(struct snaptree *, unsigned, const char *,
		     char **);
/* Set (or with NULL or "", clear) a node's note. */
int		 snaptree_set_note(struct snaptree *, unsigned, const char *,
		     char **);
/* Check a note: one line, printable, at most SNAPTREE_NOTE_MAX bytes. */
int		 snaptree_note_ok(const char *, char **);
/*
 * The children of a node (0: the roots), oldest first. *ids is NULL
 * when there are none. Caller frees *ids.
 */
size_t		 snaptree_children(const struct snaptree *, unsigned,
		     unsigned **);
/* The ids of every node in tree order (parents before children). */
size_t		 snaptree_order(const struct snaptree *, unsigned **,
		     int **);

/*
 * Reconcile the tree with the tags the disks hold (one entry per disk
 * that takes snapshots):
 * - a node whose tag some disk lacks is marked missing (shown, deletable);
 * - a tag no node maps to is adopted as a root node;
 * - a creation cut short is finished when every disk holds the tag, or
 *   forgotten when none does; a deletion cut short is finished when no
 *   disk holds the tag any more, or undone when every disk still does.
 * What changed is described in notes (for people). Returns 1 when the
 * saved form of the tree changed, else 0.
 */
int		 snaptree_reconcile(struct snaptree *,
		     const struct snap_disk_tags *, size_t, struct strv *);

/* Add a tag to a disk's list (copied). */
void		 snap_disk_tags_add(struct snap_disk_tags *, const char *,
		     uint64_t, uint64_t);
void		 snap_disk_tags_clear(struct snap_disk_tags *);
/* Whether a disk holds a tag. */
int		 snap_disk_tags_has(const struct snap_disk_tags *,
		     const char *);

/*
 * Where a snapshot keeps its copy of the VM's UEFI variables:
 * vmdir/snapshots/TAG.efivars.fd. NULL when the tag cannot be a file
 * name. Caller frees.
 */
char		*snaptree_vars_path(const char *, const char *);

const char	*snaptree_kind_name(enum snap_kind);
/* "ok", "missing", "creating" or "deleting", as list shows it. */
const char	*snaptree_status_name(const struct snap_node *);

#endif
