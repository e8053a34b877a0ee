/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main list's rows: the VMs as filtered and sorted, with the VMs of
 * a lab gathered under a header row where the lab's first VM would be.
 * A VM's lab is known once its definition is read: until then it is a
 * row of its own, and joins its lab as the loading reaches it.
 */
#ifndef VMDESK_TUI_LABGROUP_H
#define VMDESK_TUI_LABGROUP_H

#include <stddef.h>

struct app_vm;

/* A row: a VM (lab is its lab's index, or -1), or a lab's header. */
struct labgroup_row {
	struct app_vm	*vm;		/* NULL on a header */
	int		 lab;
};

/* A lab, counted over the whole library. */
struct labgroup_lab {
	char		*name;
	int		 running;
	int		 total;
	size_t		 first;		/* its shown VMs: by[first..+n] */
	size_t		 n;
};

struct labgroup {
	struct labgroup_row	*rows;
	size_t			 nrows;
	struct labgroup_lab	*labs;		/* sorted by name */
	size_t			 nlabs;
	size_t			*by;		/* shown VMs' indices by lab */
};

/*
 * Rebuild the rows from every VM of the library (for the counts) and the
 * shown ones, in their order. Without labs, one row per shown VM.
 */
void	labgroup_build(struct labgroup *, struct app_vm *const *, size_t,
	    struct app_vm *const *, size_t);
/* The index of a lab by name, or -1. */
int	labgroup_find(const struct labgroup *, const char *);
/* The lab of a VM (NULL while its definition is unread). */
const char *labgroup_lab_of(const struct app_vm *);
void	labgroup_clear(struct labgroup *);

#endif
