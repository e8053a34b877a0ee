/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VM bundles: one streaming .tar.zst holding a stopped VM (vm.conf, disks
 * with their backing files, snapshot tree, UEFI variables, boot files and
 * cloud-init seed), and its safe import into a new VM.
 */
#ifndef VMDESK_OPS_BUNDLE_H
#define VMDESK_OPS_BUNDLE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "core/library.h"

/* The first member: what the bundle holds, with every member's size. */
#define BUNDLE_MANIFEST		"vmdesk-bundle"
#define BUNDLE_VERSION		1

/*
 * Progress: what is being copied, bytes done and total. Returning
 * non-zero cancels (the partial output is removed).
 */
typedef int (*bundle_progress_cb)(void *, const char *, uint64_t, uint64_t);

/*
 * Whether an archive member may be extracted: a plain name (or
 * snapshots/NAME), a regular file. type is the entry's S_IF* type;
 * link is its link target or NULL. One clear *cause for each refusal.
 */
int	bundle_member_check(const char *, mode_t, const char *, char **);
struct archive_entry;
/* bundle_member_check() for a libarchive entry, under this name. */
int	bundle_entry_check(struct archive_entry *, const char *, char **);

/*
 * What an import (bundle or OVA) leaves free on the library's file
 * system: a 32nd of its size, at most 256 MiB.
 */
#define BUNDLE_MARGIN_SHARE	32
#define BUNDLE_MARGIN_MAX	(256ULL << 20)
/*
 * The bounds of an import of file into dir: the archive's size, what it
 * may write (unpack_limit() of that size; zeros of raw disks aside) and
 * the free space less the margin (UINT64_MAX when unknown).
 */
int	bundle_bounds(const char *, const char *, uint64_t *, uint64_t *,
	    uint64_t *, char **);
/*
 * Parse a manifest's text as an import reads it (a NUL ends it): the
 * members it lists and their declared bytes, or -1 and *cause.
 */
int	bundle_manifest_parse(const char *, size_t, size_t *, uint64_t *,
	    char **);
/*
 * Write VM name to file (which must not exist) as a .tar.zst bundle. The
 * caller holds the VM's lock and has made sure it is stopped.
 */
int	bundle_export(const struct library *, const char *, const char *,
	    bundle_progress_cb, void *, char **);
/*
 * Import a bundle as VM name (NULL: the name it was exported under). The
 * VM appears whole in one rename, or not at all. The final name is put
 * in *namep (caller frees) when namep is not NULL. What the bundle had
 * that only its own machine could give (shares of host folders, host USB
 * devices, bridges) is left out, with a note each in notes.
 */
int	bundle_import(const struct library *, const char *, const char *,
	    bundle_progress_cb, void *, char **, struct strv *, char **);

#endif
