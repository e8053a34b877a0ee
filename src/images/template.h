/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OS templates: one INI file each, in the user's folder and the shipped
 * one (the user's wins), and making a new VM from one.
 */
#ifndef VMDESK_IMAGES_TEMPLATE_H
#define VMDESK_IMAGES_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/library.h"
#include "core/vmdef.h"
#include "images/tinylinux.h"
#include "util/strv.h"

/* How a VM from the template boots. */
enum template_boot {
	TEMPLATE_BOOT_TINYLINUX,	/* vmdesk's own kernel + initramfs */
	TEMPLATE_BOOT_DISK		/* a blank disk, boot order c */
};

struct template {
	char			*name;
	char			*file;		/* where it was read from */
	char			*os;
	char			*description;
	char			*arch;
	enum vm_machine		 machine;
	enum vm_firmware	 firmware;
	enum vm_display		 display;
	int			 cpus;
	uint64_t		 memory;
	uint64_t		 disk_size;
	enum vm_disk_bus	 bus;
	enum vm_nic_model	 model;
	enum template_boot	 boot;
};

/* Choices made at create time; 0 keeps the template's default. */
struct template_opts {
	int			 cpus;
	uint64_t		 memory;
	uint64_t		 disk_size;
	const struct vm_forward	*forwards;	/* on the first NIC */
	size_t			 nforwards;
};

/*
 * The template folders in order: the user's, then $VMDESK_TEMPLATES_DIR,
 * or share/templates beside a build tree's program, then the installed.
 */
void		 template_dirs(const struct library *, struct strv *);
/* Read one template file. */
struct template	*template_load(const char *, char **);
void		 template_free(struct template *);
/* Find a template by name in folders, in order; the first found wins. */
struct template	*template_find(const struct strv *, const char *, char **);
/* All templates in the folders, sorted by name; earlier folders win. */
int		 template_list(const struct strv *, struct template ***,
		     size_t *, char **);
void		 template_list_free(struct template **, size_t);
/*
 * The definition a new VM gets from a template (pure: tl gives the
 * tinylinux boot files, and may be NULL for other templates).
 */
struct vm_def	*template_to_vmdef(const struct template *, const char *,
		     const struct template_opts *, const struct tinylinux *);

#endif
