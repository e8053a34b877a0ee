/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Libarchive, for archives, ISO images and the initramfs, loaded on first
 * use.
 */
#include "config.h"

#define LAZY_ARCHIVE_SELF
#include "util/lazy_archive.h"

LAZY_ARCHIVE_SYMS(LAZY_DEFINE)

static const struct lazy_sym lazy_archive_syms[] = {
	LAZY_ARCHIVE_SYMS(LAZY_ENTRY)
};

static struct lazy_lib lazy_archive_lib = {
	LAZY_SONAME_ARCHIVE, "libarchive13",
	"archives, ISO images and initramfs", lazy_archive_syms,
	sizeof lazy_archive_syms / sizeof lazy_archive_syms[0], NULL
};

int
lazy_archive_load(char **cause)
{
	return (lazy_load(&lazy_archive_lib, cause));
}
