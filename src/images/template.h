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
	TEMPLATE_BOOT_DISK,		/* a blank disk, boot order c */
	TEMPLATE_BOOT_IMAGE,		/* the fetched image is the disk */
	TEMPLATE_BOOT_ISO		/* blank disk + installer ISO, boot d */
};

/* The stored format of a template's image, before any conversion. */
enum template_format {
	TEMPLATE_FORMAT_QCOW2,
	TEMPLATE_FORMAT_RAW,
	TEMPLATE_FORMAT_VMDK,
	TEMPLATE_FORMAT_VHD,
	TEMPLATE_FORMAT_ISO
};

struct template {
	char			*name;
	char			*file;		/* where it was read from */
	char			*os;
	char			*description;
	char			*arch;		/* "x86_64 aarch64": default first */
	enum vm_machine		 machine;
	enum vm_firmware	 firmware;
	enum vm_display		 display;
	int			 cpus;
	uint64_t		 memory;
	uint64_t		 disk_size;
	enum vm_disk_bus	 bus;
	enum vm_nic_model	 model;
	enum template_boot	 boot;

	char			*version;	/* "12", "24.04", ... */
	char			*homepage;
	char			*notes;		/* shown at create time */
	/*
	 * Where the image or installer comes from. url NULL with boot iso
	 * means "bring your own" (vmdesk create --iso). A pinned sha256, or
	 * checksum_url: the distribution's SHA256SUMS-style file, where the
	 * line for checksum_name (default: the URL's last part) is read.
	 */
	char			*url;
	char			*sha256;
	char			*checksum_url;
	char			*checksum_name;
	enum template_format	 format;	/* after decompression */
	char			*member;	/* archive member (glob), or NULL */
	int			 cloud_init;	/* wants a NoCloud seed */
	char			*user;		/* default login, for ssh */
	int			 tpm;		/* TPM 2.0 (swtpm) */
	char			*drivers_url;	/* e.g. virtio-win ISO, noted */
};

/* Choices made at create time; 0 keeps the template's default. */
struct template_opts {
	int			 cpus;
	uint64_t		 memory;
	uint64_t		 disk_size;
	const struct vm_forward	*forwards;	/* on the first NIC */
	size_t			 nforwards;
	const char		*iso;		/* installer: path or URL */
	const char		*image;		/* the disk: path or URL */
	const char		*sha256;	/* pinned for image or iso */
	/* cloud-init: login (NULL: the template's), password, key files. */
	const char		*user;
	const char		*password;	/* plain text, or NULL */
	const struct strv	*ssh_keys;	/* NULL or empty: ~/.ssh/ *.pub */
	const char		*arch;		/* NULL: the template's first */
};

/*
 * The template folders in order: the user's, then $VMDESK_TEMPLATES_DIR,
 * or share/templates beside a build tree's program, then the installed.
 */
void		 template_dirs(const struct library *, struct strv *);
/* Names of a boot method and an image format, as in template files. */
const char	*template_boot_name(enum template_boot);
const char	*template_format_name(enum template_format);
/* The host part of a URL ("cdn.openbsd.org"). Caller frees. */
char		*template_url_host(const char *);
/*
 * Whether a download URL is safe without a pinned hash: https://, or
 * another scheme to this machine (its bytes never cross a network).
 */
int		 template_url_secure(const char *);
/*
 * The file of a new VM's first disk, in its folder: "disk.qcow2" (an
 * overlay on the cached image) for boot = image, else "data.qcow2".
 */
const char	*template_disk_file(const struct template *);
/* Read one template file; errors read "file:line: ...". */
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
 * tinylinux boot files, and may be NULL for other templates). The files
 * it names are made by the create code: the first disk
 * (template_disk_file()), the cloud-init seed (CLOUDINIT_SEED) with cloud_init, and
 * opt->iso with boot = iso.
 */
struct vm_def	*template_to_vmdef(const struct template *, const char *,
		     const struct template_opts *, const struct tinylinux *);

#endif
