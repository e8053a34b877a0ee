/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linux kernel modules: what a .ko's .modinfo says, and a load order. */
#ifndef VMDESK_IMAGES_KMOD_H
#define VMDESK_IMAGES_KMOD_H

#include <stddef.h>

#include "util/strv.h"

/* What a module's .modinfo section says about it. */
struct kmod_info {
	char		*name;		/* name=, or NULL when absent */
	char		*vermagic;	/* vermagic=, or NULL when absent */
	struct strv	 depends;	/* depends=, split at commas */
};

void	 kmod_info_init(struct kmod_info *);
void	 kmod_info_clear(struct kmod_info *);
/*
 * Read name=, vermagic= and depends= from the .modinfo section of an ELF64
 * module image (any byte order). Every offset is checked against the size.
 */
int	 kmod_info_parse(const void *, size_t, struct kmod_info *, char **);
/*
 * The module name a file stands for: "a/b/virtio-rng.ko.xz" gives
 * "virtio_rng"; NULL when it is not a .ko file name. Caller frees.
 */
char	*kmod_name_from_path(const char *);
/*
 * Order the wanted modules and everything they depend on so that each comes
 * after its dependencies: *orderp gets *np indexes into the array (caller
 * frees). A missing dependency or a cycle is an error.
 */
int	 kmod_order(const struct kmod_info *, size_t, const char *const *,
	    size_t, size_t **, size_t *, char **);

#endif
