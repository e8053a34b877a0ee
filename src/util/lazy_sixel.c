/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Libsixel, for sixel pictures, loaded on first use. */
#include "config.h"

#define LAZY_SIXEL_SELF
#include "util/lazy_sixel.h"

LAZY_SIXEL_SYMS(LAZY_DEFINE)

static const struct lazy_sym lazy_sixel_syms[] = {
	LAZY_SIXEL_SYMS(LAZY_ENTRY)
};

static struct lazy_lib lazy_sixel_lib = {
	LAZY_SONAME_SIXEL, "libsixel1",
	"sixel pictures", lazy_sixel_syms,
	sizeof lazy_sixel_syms / sizeof lazy_sixel_syms[0], NULL
};

int
lazy_sixel_load(char **cause)
{
	return (lazy_load(&lazy_sixel_lib, cause));
}
