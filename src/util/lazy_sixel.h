/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libsixel, for sixel pictures, loaded on first use: include this instead
 * of the library's header, and call lazy_sixel_load() before the first
 * call.
 */
#ifndef VMDESK_UTIL_LAZY_SIXEL_H
#define VMDESK_UTIL_LAZY_SIXEL_H

/* sixel.h defines PACKAGE_VERSION as its own. */
#undef PACKAGE_VERSION
#include <sixel.h>

#include "util/lazy.h"

#define LAZY_SIXEL_SYMS(X) \
	X(sixel_dither_get_num_of_palette_colors) \
	X(sixel_dither_get_palette) \
	X(sixel_dither_initialize) \
	X(sixel_dither_new) \
	X(sixel_dither_unref) \
	X(sixel_helper_format_error)

LAZY_SIXEL_SYMS(LAZY_DECLARE)

#ifndef LAZY_SIXEL_SELF
#define sixel_dither_get_num_of_palette_colors \
	(*lazy_sixel_dither_get_num_of_palette_colors)
#define sixel_dither_get_palette (*lazy_sixel_dither_get_palette)
#define sixel_dither_initialize (*lazy_sixel_dither_initialize)
#define sixel_dither_new (*lazy_sixel_dither_new)
#define sixel_dither_unref (*lazy_sixel_dither_unref)
#define sixel_helper_format_error (*lazy_sixel_helper_format_error)
#endif

/* Load the library once; -1 and *cause when it is missing. */
int	lazy_sixel_load(char **);

#endif
